import Foundation
import Subprocess
import Synchronization
import SystemPackage
import Topology

/// Where each runtime's interpreter really is. `node` and `python3` are found on `PATH`, and
/// there they may be version managers' shims — pyenv's `python3` is a shell script that costs
/// about 60 ms before Python starts. The interpreter is asked once for its own path
/// (`sys.executable`, `process.execPath`), and every worker after that starts it directly.
final class Interpreters: Sendable {
    /// One resolver for the process: every edge worker shares the answers.
    static let shared = Interpreters()

    private let resolved = Mutex<[Runtime: Executable]>([:])

    /// The executable to start a runtime's worker with: the interpreter's own path when it
    /// could say, its name on `PATH` otherwise.
    func executable(for runtime: Runtime) async -> Executable {
        if let known = resolved.withLock({ $0[runtime] }) { return known }
        let (name, question): (String, [String]) =
            switch runtime {
            case .nodejs: ("node", ["-p", "process.execPath"])
            case .python: ("python3", ["-c", "import sys; print(sys.executable)"])
            }
        var executable = Executable.name(name)
        if let answer = try? await Subprocess.run(.name(name), arguments: Arguments(question), output: .string(limit: 4_096), error: .discarded),
            answer.terminationStatus.isSuccess,
            case let path = answer.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines), !path.isEmpty,
            FileManager.default.isExecutableFile(atPath: path)
        {
            executable = .path(FilePath(path))
        }
        resolved.withLock { $0[runtime] = executable }
        return executable
    }
}
