import Foundation
import Subprocess
import Synchronization
import SystemPackage
import Topology

/// How to start each runtime's interpreter quickly, asked once per process and shared by every
/// worker after that.
///
/// - `node` and `python3` are found on `PATH`, and there they may be version managers' shims:
///   pyenv's `python3` is a shell script that costs about 60 ms before Python starts. The
///   interpreter is asked for its own path (`sys.executable`, `process.execPath`).
/// - Python's `site` runs every `.pth` file in site-packages at each start, and a machine's may
///   import packages (one seen here imports certifi: 20 ms or more a start). Workers start with
///   `-S` and get the module search path that `site` would have made, asked once: its
///   directories, `.pth` directories included, without running the `.pth` files' code.
final class Interpreters: Sendable {
    /// How to start one runtime.
    struct Interpreter: Sendable {
        /// The program.
        var executable: Executable
        /// Options before the bootstrap's path.
        var options: [String] = []
        /// Variables for the worker's environment.
        var environment: [Environment.Key: String?] = [:]
    }

    /// The variable that carries Python's module search path to the bootstrap.
    static let pythonPathVariable: Environment.Key = "EDGESIM_PYTHON_PATH"

    /// One resolver for the process: every edge worker shares the answers.
    static let shared = Interpreters()

    private let resolved = Mutex<[Runtime: Interpreter]>([:])

    /// How to start a runtime's worker: the interpreter's own path when it could say, its name
    /// on `PATH` otherwise (and then Python with its `site` as usual).
    func interpreter(for runtime: Runtime) async -> Interpreter {
        if let known = resolved.withLock({ $0[runtime] }) { return known }
        let (name, question): (String, [String]) =
            switch runtime {
            case .nodejs: ("node", ["-p", "process.execPath"])
            case .python: ("python3", ["-c", "import os, sys; print(sys.executable); print(os.pathsep.join(p for p in sys.path[1:] if p))"])
            }
        var interpreter = Interpreter(executable: .name(name))
        if let answer = try? await Subprocess.run(.name(name), arguments: Arguments(question), output: .string(limit: 65_536), error: .discarded),
            answer.terminationStatus.isSuccess
        {
            let lines = answer.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if let path = lines.first, !path.isEmpty, FileManager.default.isExecutableFile(atPath: path) {
                interpreter.executable = .path(FilePath(path))
                if runtime == .python, lines.count > 1 {
                    interpreter.options = ["-S"]
                    interpreter.environment = [Self.pythonPathVariable: lines[1]]
                }
            }
        }
        resolved.withLock { $0[runtime] = interpreter }
        return interpreter
    }
}
