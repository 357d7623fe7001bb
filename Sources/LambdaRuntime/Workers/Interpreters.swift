import Foundation
import Subprocess
import Synchronization
import SystemPackage
import Topology

/// How to start each runtime's interpreter quickly, asked once and shared by every worker after
/// that. `edgesim up` asks while the first nodes start and hands the answers to the edges in
/// their environment (``handOff(for:)``), so no edge's first invocation waits for the question:
/// it is a whole interpreter start of its own (70–130 ms here), paid on top of the worker's.
///
/// - `node` and `python3` are found on `PATH`, and there they may be version managers' shims:
///   pyenv's `python3` is a shell script that costs about 60 ms before Python starts. The
///   interpreter is asked for its own path (`sys.executable`, `process.execPath`).
/// - Python's `site` runs every `.pth` file in site-packages at each start, and a machine's may
///   import packages (one seen here imports certifi: 20 ms or more a start). Workers start with
///   `-S` and get the module search path that `site` would have made, asked once: its
///   directories, `.pth` directories included, without running the `.pth` files' code.
public final class Interpreters: Sendable {
    /// How to start one runtime.
    struct Interpreter: Sendable {
        /// Its name on `PATH`.
        var name: String
        /// Its own path, when it said.
        var path: String?
        /// The program: by its own path when known, else by name on `PATH`.
        var executable: Executable { path.map { .path(FilePath($0)) } ?? .name(name) }
        /// Options before the bootstrap's path.
        var options: [String] = []
        /// Variables for the worker's environment.
        var environment: [Environment.Key: String?] = [:]
    }

    /// The variable that carries Python's module search path to the bootstrap.
    static let pythonPathVariable: Environment.Key = "EDGESIM_PYTHON_PATH"

    /// One resolver for the process: every edge worker shares the answers.
    public static let shared = Interpreters(environment: ProcessInfo.processInfo.environment)

    private let resolved: Mutex<[Runtime: Interpreter]>
    /// The interpreters found in the system's folders, for workers that change users.
    private let system = Mutex<[Runtime: Interpreter]>([:])

    /// The variable that hands a runtime's resolved interpreter to a child process.
    static func executableVariable(_ runtime: Runtime) -> String {
        runtime.isCloudFrontFunction ? "EDGESIM_NJS_EXECUTABLE" : "EDGESIM_\(runtime.rawValue.uppercased())_EXECUTABLE"
    }

    /// A resolver that starts with the answers a parent handed down in `environment`.
    init(environment: [String: String]) {
        var known: [Runtime: Interpreter] = [:]
        for runtime in Runtime.allCases {
            guard let path = environment[Self.executableVariable(runtime)], FileManager.default.isExecutableFile(atPath: path) else { continue }
            var interpreter = Interpreter(name: Self.name(of: runtime), path: path)
            if runtime == .python, let searchPath = environment[Self.pythonPathVariable.rawValue] {
                interpreter.options = ["-S"]
                interpreter.environment = [Self.pythonPathVariable: searchPath]
            }
            known[runtime] = interpreter
        }
        resolved = Mutex(known)
    }

    /// Asks for each runtime's interpreter now, and returns the variables that hand the answers
    /// to a child process (none for a runtime whose interpreter could not say).
    public func handOff(for runtimes: Set<Runtime>) async -> [String: String] {
        var variables: [String: String] = [:]
        for runtime in runtimes.sorted(by: { $0.rawValue < $1.rawValue }) {
            let interpreter = await interpreter(for: runtime)
            guard let path = interpreter.path else { continue }
            variables[Self.executableVariable(runtime)] = path
            for case (let key, let value?) in interpreter.environment { variables[key.rawValue] = value }
        }
        return variables
    }

    /// A runtime's interpreter by its name on `PATH`.
    static func name(of runtime: Runtime) -> String {
        switch runtime {
        case .nodejs: "node"
        case .python: "python3"
        case .cloudFrontJS1, .cloudFrontJS2: "njs"
        }
    }

    /// How to start a worker that will run as another user (``WorkerSandbox``): the
    /// interpreter found when that user can reach it, else the same name in the system's
    /// folders (a version manager's under `/root` is closed to others), asked the same
    /// questions; `nil` when there is none.
    func interpreter(forOtherUsers runtime: Runtime) async -> Interpreter? {
        let found = await interpreter(for: runtime)
        if let path = found.path, WorkerSandbox.isReachable(path) { return found }
        if let known = system.withLock({ $0[runtime] }) { return known }
        guard let path = WorkerSandbox.systemInterpreter(Self.name(of: runtime)) else { return nil }
        let interpreter = await ask(runtime, program: .path(FilePath(path)), fallback: Interpreter(name: Self.name(of: runtime), path: path))
        system.withLock { $0[runtime] = interpreter }
        return interpreter
    }

    /// How to start a runtime's worker: the interpreter's own path when it could say, its name
    /// on `PATH` otherwise (and then Python with its `site` as usual).
    func interpreter(for runtime: Runtime) async -> Interpreter {
        if let known = resolved.withLock({ $0[runtime] }) { return known }
        let interpreter = await ask(runtime, program: .name(Self.name(of: runtime)), fallback: Interpreter(name: Self.name(of: runtime)))
        resolved.withLock { $0[runtime] = interpreter }
        return interpreter
    }

    /// Asks a program for its own path and, for Python, the search path `site` would make.
    private func ask(_ runtime: Runtime, program: Executable, fallback: Interpreter) async -> Interpreter {
        let name = Self.name(of: runtime)
        var interpreter = fallback
        let question: [String]
        switch runtime {
        case .nodejs: question = ["-p", "process.execPath"]
        case .python: question = ["-c", "import os, sys; print(sys.executable); print(os.pathsep.join(p for p in sys.path[1:] if p))"]
        case .cloudFrontJS1, .cloudFrontJS2:
            // njs is a plain executable, not a shim: its place on PATH is its own path.
            interpreter.path = interpreter.path ?? Self.onPath(name)
            return interpreter
        }
        if let answer = try? await Subprocess.run(program, arguments: Arguments(question), output: .string(limit: 65_536), error: .discarded),
            answer.terminationStatus.isSuccess
        {
            let lines = answer.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if let path = lines.first, !path.isEmpty, FileManager.default.isExecutableFile(atPath: path) {
                interpreter.path = path
                if runtime == .python, lines.count > 1 {
                    interpreter.options = ["-S"]
                    interpreter.environment = [Self.pythonPathVariable: lines[1]]
                }
            }
        }
        return interpreter
    }

    /// The first executable file named `name` in the folders of `PATH`.
    private static func onPath(_ name: String) -> String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
