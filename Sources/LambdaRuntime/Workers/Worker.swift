import CoreFoundation
import Foundation
import Glibc
import NIOCore
import NIOPosix
import Subprocess
import Synchronization
import SystemPackage
import Topology

/// One worker process: a `node` or `python3` running the project's bootstrap. It starts with no
/// function, so it can be started ahead of need (a spare, ``FunctionHost``), and is then given
/// one function version to load (``assign(_:)``), which it serves one invocation at a time until
/// it exits. Its log goes to the function's CloudWatch-style stream file.
///
/// ``run(bootstrap:stderrPath:)`` lives in the host's task group for as long as the process
/// does. The load and the invocations cross its stdin and stdout as frames on an event loop
/// (``WorkerLink``).
final class Worker: Sendable {
    /// What a worker is started for before its function is known: the runtime, and for Node.js
    /// the heap limit, which is a start-up option (`--max-old-space-size`).
    struct Kind: Hashable, Sendable {
        var runtime: Runtime
        /// The V8 heap limit in megabytes; `nil` for Python.
        var heapMegabytes: Int?
        /// Whether it will drop to its function's user when given one (``WorkerSandbox``), so
        /// that it must be an interpreter that user can run.
        var changesUser: Bool

        init(_ code: FunctionCode, changesUser: Bool = false) {
            runtime = code.runtime
            heapMegabytes = code.runtime == .nodejs ? max(16, code.memoryMegabytes) : nil
            self.changesUser = changesUser
        }

        /// The process's data limit: Node.js's from its heap, a CloudFront Function worker's from
        /// its fixed bound; Python's is set when it is given its function.
        var dataMegabytes: Int? {
            switch runtime {
            case .nodejs: WorkerSandbox.dataMegabytes(forMemory: heapMegabytes ?? 128)
            case .python: nil
            case .cloudFrontJS1, .cloudFrontJS2: WorkerSandbox.dataMegabytes(forMemory: CloudFrontFunctionLimits.workerMegabytes)
            }
        }
    }

    /// The function a worker is given, where its log lines go, and the user and home it runs with.
    struct Assignment: Sendable {
        var code: FunctionCode
        var logPath: String
        var identity: WorkerSandbox.Identity? = nil
        var home: String? = nil
    }

    /// Where the function is in being loaded.
    private enum Phase {
        case starting(waiters: [CheckedContinuation<Void, any Error>])
        case ready
        case gone(reason: String)
    }

    /// The function it is given: not yet, awaited by the running process, given, or never to be
    /// (the worker was retired or killed first).
    private enum Slot {
        case open
        case awaited(CheckedContinuation<Assignment?, Never>)
        case given(Assignment)
        case withdrawn
    }

    let id: Int
    let kind: Kind
    /// The loop its pipes run on.
    private let eventLoop: any EventLoop
    private let phase = Mutex<Phase>(.starting(waiters: []))
    private let slot = Mutex<Slot>(.open)
    private let pidCell = Mutex<Int32>(0)
    /// The edge's end of the pipes, once open.
    private let link = Mutex<NIOLoopBound<WorkerLink>?>(nil)
    /// Whether it was retired or killed before its pipes were open.
    private let ended = Mutex(false)
    /// The KeyValueStore data file its function has loaded (a CloudFront Function's).
    let loadedStore = Mutex<String?>(nil)

    init(id: Int, kind: Kind, eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        self.id = id
        self.kind = kind
        self.eventLoop = eventLoop
    }

    /// Gives the worker its function: it loads it as soon as its interpreter is up.
    func assign(_ assignment: Assignment) { settle(.given(assignment)) }

    /// The function given, once it is; `nil` when the worker ends first.
    private func assignment() async -> Assignment? {
        await withCheckedContinuation { continuation in
            let now: Assignment?? = slot.withLock { slot in
                switch slot {
                case .open:
                    slot = .awaited(continuation)
                    return .none
                case .given(let assignment): return .some(assignment)
                case .awaited, .withdrawn: return .some(nil)
                }
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    /// The worker ends before it was given a function, if it was not given one yet.
    private func withdraw() { settle(.withdrawn) }

    /// Settles an open slot as `outcome` (given or withdrawn), and answers the process waiting
    /// for it; a slot settled already stays as it is.
    private func settle(_ outcome: Slot) {
        let waiter: CheckedContinuation<Assignment?, Never>? = slot.withLock { slot in
            switch slot {
            case .open:
                slot = outcome
                return nil
            case .awaited(let waiter):
                slot = outcome
                return waiter
            case .given, .withdrawn:
                return nil
            }
        }
        guard let waiter else { return }
        if case .given(let assignment) = outcome { waiter.resume(returning: assignment) } else { waiter.resume(returning: nil) }
    }

    /// The function it was given, if any.
    var given: Assignment? {
        slot.withLock {
            if case .given(let assignment) = $0 { return assignment }
            return nil
        }
    }

    /// The process id, once started.
    var pid: Int32 { pidCell.withLock { $0 } }

    /// Whether the process has exited or been killed.
    var isGone: Bool {
        phase.withLock {
            if case .gone = $0 { return true }
            return false
        }
    }

    /// Waits until the function it was given is loaded.
    /// - Throws: ``WorkerFailure`` when the process failed to load the handler or exited.
    func ready() async throws {
        try await withCheckedThrowingContinuation { continuation in
            let resume: Result<Void, any Error>? = phase.withLock { phase in
                switch phase {
                case .starting(var waiters):
                    waiters.append(continuation)
                    phase = .starting(waiters: waiters)
                    return nil
                case .ready: return .success(())
                case .gone(let reason): return .failure(WorkerFailure.exited(reason))
                }
            }
            if let resume { continuation.resume(with: resume) }
        }
    }

    /// Sends one frame and waits for its reply, within a timeout and a memory limit.
    /// - Throws: ``InvocationFailure`` on a limit (the process is killed);
    ///   ``WorkerFailure/exited(_:)`` when the process dies first.
    func send(_ frame: [UInt8], timeout: Duration, memoryLimit: Int) async throws -> [UInt8] {
        guard let link = link.withLock({ $0 }) else { throw WorkerFailure.exited("the worker is not running") }
        // On the pipes' own loop (the pool prefers such a worker) the call is written at once;
        // from another loop it crosses over, and its reply wakes this one.
        let eventLoop = eventLoop
        return try await withCheckedThrowingContinuation { reply in
            if eventLoop.inEventLoop {
                link.value.invoke(frame, timeout: timeout, memoryLimit: memoryLimit, reply: reply)
            } else {
                eventLoop.execute { link.value.invoke(frame, timeout: timeout, memoryLimit: memoryLimit, reply: reply) }
            }
        }
    }

    /// Whether the caller runs on the loop of this worker's pipes: an invocation from there
    /// crosses no thread on the edge's side.
    var isOnCurrentLoop: Bool { eventLoop.inEventLoop }

    /// Whether this worker's pipes are on the loop `loop` names.
    func isOn(_ loop: ObjectIdentifier?) -> Bool { loop == ObjectIdentifier(eventLoop) }

    /// The loop the caller runs on, named for comparing; `nil` off every loop.
    static var currentLoop: ObjectIdentifier? { MultiThreadedEventLoopGroup.currentEventLoop.map { ObjectIdentifier($0) } }

    /// Kills the process at once (a timeout, too much memory, or an idle reap). The worker is
    /// gone from this moment: the pool must not hand it another invocation while it dies.
    func kill() {
        ended.withLock { $0 = true }
        withdraw()
        markGone("it was killed")
        let pid = pid
        if pid > 0 { _ = Foundation.kill(pid, SIGKILL) }
    }

    /// Asks the process to exit once the current invocation is done (its stdin closes).
    func retire() {
        ended.withLock { $0 = true }
        withdraw()
        guard let link = link.withLock({ $0 }) else { return }
        eventLoop.execute { link.value.retire() }
    }

    /// The CPU time the process has used so far, from its CPU clock (a system call, no file
    /// read): around a call, what the call cost the worker, whatever the machine's load did to
    /// the time it took.
    var cpuTime: Duration? {
        let pid = pid
        guard pid > 0 else { return nil }
        var clock = clockid_t()
        var now = timespec()
        guard clock_getcpuclockid(pid, &clock) == 0, clock_gettime(clock, &now) == 0 else { return nil }
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }

    /// The process's resident memory in megabytes, from `/proc`.
    var residentMegabytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 / 1024 }
    }

    /// Runs the process until it exits.
    /// - Parameters:
    ///   - bootstrap: The bootstrap file for the worker's runtime.
    ///   - stderrPath: A file of its own for what the interpreter writes to stderr itself, before
    ///     its function is loaded or outside the bootstrap (Node.js's fatal errors). When the
    ///     process is gone, anything there is added to the function's log and the file removed.
    func run(bootstrap: String, stderrPath: String, sandbox: WorkerSandbox) async {
        let reason = await runProcess(bootstrap: bootstrap, stderrPath: stderrPath, sandbox: sandbox)
        markGone(reason)
        Self.moveStderr(from: stderrPath, to: given?.logPath)
    }

    private func runProcess(bootstrap: String, stderrPath: String, sandbox: WorkerSandbox) async -> String {
        let stderr: SystemPackage.FileDescriptor
        let pipes: WorkerPipes
        do {
            try FileManager.default.createDirectory(atPath: (stderrPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            stderr = try SystemPackage.FileDescriptor.open(
                FilePath(stderrPath),
                .writeOnly,
                options: [.append, .create, .truncate],
                permissions: [.ownerReadWrite, .groupRead, .otherRead]
            )
            pipes = try WorkerPipes()
        } catch {
            return "cannot open \(stderrPath) or its pipes: \(error)"
        }
        var interpreter = await Interpreters.shared.interpreter(for: kind.runtime)
        if kind.changesUser, let reachable = await Interpreters.shared.interpreter(forOtherUsers: kind.runtime) { interpreter = reachable }
        let (executable, arguments) = sandbox.limited(
            interpreter.executable,
            interpreter.options + Self.arguments(kind: kind, bootstrap: bootstrap),
            dataMegabytes: kind.dataMegabytes,
            changesUser: kind.changesUser
        )
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .milliseconds(200))]
        do {
            let result = try await Subprocess.run(
                executable,
                arguments: Arguments(arguments),
                environment: sandbox.environment(adding: interpreter.environment),
                workingDirectory: FilePath(sandbox.homes),
                platformOptions: options,
                input: .fileDescriptor(pipes.childInput, closeAfterSpawningProcess: true),
                output: .fileDescriptor(pipes.childOutput, closeAfterSpawningProcess: true),
                error: .fileDescriptor(stderr, closeAfterSpawningProcess: true)
            ) { execution in
                pidCell.withLock { $0 = execution.processIdentifier.value }
                return await serve(pipes)
            }
            return "\(result.closureResult) (\(result.terminationStatus))"
        } catch {
            try? pipes.parentInput.close()
            try? pipes.parentOutput.close()
            return "it could not start: \(error)"
        }
    }

    /// Opens the edge's end of the pipes on the event loop and waits for the interpreter's
    /// hello; then for its function, which it loads; then serves invocations until the pipes
    /// close (the process exited, was killed or retired).
    private func serve(_ pipes: WorkerPipes) async -> String {
        let channel: any Channel
        do {
            channel = try await NIOPipeBootstrap(group: eventLoop)
                .channelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = WorkerLink(
                            eventLoop: channel.eventLoop,
                            kill: { [weak self] in self?.kill() },
                            residentMegabytes: { [weak self] in self?.residentMegabytes }
                        )
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(handler)
                        link.withLock { $0 = NIOLoopBound(handler, eventLoop: channel.eventLoop) }
                    }
                }
                .takingOwnershipOfDescriptors(input: pipes.parentInput.rawValue, output: pipes.parentOutput.rawValue)
                .get()
        } catch {
            return "its pipes could not be opened: \(error)"
        }
        guard let bound = link.withLock({ $0 }) else { return "its pipes could not be opened" }
        if ended.withLock({ $0 }) { retire() }  // killed or retired before its pipes were open
        do {
            _ = try await eventLoop.flatSubmit { bound.value.hello.futureResult }.get()
        } catch {
            return "it exited as it started"
        }
        guard let assignment = await assignment() else {
            try? await channel.close()
            return "it was retired before it was given a function"
        }
        let reason: String
        do {
            let logFolder = (assignment.logPath as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: logFolder, withIntermediateDirectories: true)
            // Lambda gives a function's init phase 10 s.
            let frame = try Self.loadFrame(assignment)
            let message = WorkerMessage(try await send(frame, timeout: .seconds(10), memoryLimit: assignment.code.memoryMegabytes))
            if message.bool("ready") == true {
                markReady()
                try? await channel.closeFuture.get()
                reason = "its pipes closed"
            } else {
                reason = "\(message.string("errorType") ?? "Runtime.InitError"): \(message.string("errorMessage") ?? "the handler did not load")"
                try? await channel.close()
            }
        } catch {
            reason = "it could not load the handler: \(error)"
        }
        return reason
    }

    private func markReady() {
        let waiters = phase.withLock { phase -> [CheckedContinuation<Void, any Error>] in
            guard case .starting(let waiters) = phase else { return [] }
            phase = .ready
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func markGone(_ reason: String) {
        let waiters = phase.withLock { phase -> [CheckedContinuation<Void, any Error>] in
            let waiters: [CheckedContinuation<Void, any Error>]
            if case .starting(let pending) = phase { waiters = pending } else { waiters = [] }
            if case .gone = phase {} else { phase = .gone(reason: reason) }
            return waiters
        }
        for waiter in waiters { waiter.resume(throwing: WorkerFailure.exited(reason)) }
    }

    /// The interpreter's arguments: Node's heap is capped at the function's memory.
    static func arguments(kind: Kind, bootstrap: String) -> [String] {
        switch kind.runtime {
        case .nodejs: ["--max-old-space-size=\(kind.heapMegabytes ?? 128)", bootstrap]
        case .python: ["-u", bootstrap]
        // The runtime comes last: the bootstrap reads it from its arguments.
        case .cloudFrontJS1, .cloudFrontJS2: ["-q", bootstrap, kind.runtime.rawValue]
        }
    }

    /// The first frame a worker gets: its function, and the log file its lines go to.
    static func loadFrame(_ assignment: Assignment) throws -> [UInt8] {
        let code = assignment.code
        let load = LoadMessage(
            codeDirectory: code.directory,
            handler: code.handler,
            functionName: code.name,
            functionVersion: "\(code.version)",
            memoryMegabytes: code.memoryMegabytes,
            logPath: assignment.logPath,
            uid: assignment.identity.map { Int($0.uid) },
            gid: assignment.identity.map { Int($0.gid) },
            home: assignment.home
        )
        return Array(try JSONEncoder().encode(["load": load]))
    }

    /// What a worker is told to load.
    private struct LoadMessage: Encodable {
        var codeDirectory: String
        var handler: String
        var functionName: String
        var functionVersion: String
        var memoryMegabytes: Int
        var logPath: String
        /// The user to drop to before the code is read, when the edge separates users.
        var uid: Int?
        var gid: Int?
        /// The function's `HOME`, with its `TMPDIR` in it.
        var home: String?
    }

    /// Adds what an interpreter wrote to its own stderr file to the function's log, then
    /// removes the file.
    private static func moveStderr(from path: String, to logPath: String?) {
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard let logPath, let written = FileManager.default.contents(atPath: path), !written.isEmpty else { return }
        CloudWatchPaths.append(written, to: logPath)
    }

    /// Writes why this worker never served its function to the function's log, where a user
    /// looks when every call fails with `Runtime.InitError`: Lambda's `INIT_REPORT` line with
    /// the error type, after a line that says what happened (an interpreter that could not
    /// start, a handler that failed to load, a process that exited).
    func logInitFailure(_ error: any Error, after waited: Duration) {
        guard let logPath = given?.logPath else { return }
        let lines =
            "edgesim: the worker did not become ready: \(error)\n"
            + "INIT_REPORT Init Duration: \(String(format: "%.2f", waited.inMilliseconds)) ms\tPhase: init\tStatus: error\tError Type: Runtime.InitError\n"
        CloudWatchPaths.append(Data(lines.utf8), to: logPath)
    }
}

/// Why a worker gave no reply.
enum WorkerFailure: Error, CustomStringConvertible {
    case exited(String)

    var description: String {
        switch self {
        case .exited(let reason): "the worker process ended: \(reason)"
        }
    }
}

/// The two pipes of a worker: the edge writes its stdin and reads its stdout. The edge's ends
/// are closed on exec, so no other child inherits them.
struct WorkerPipes {
    let childInput: SystemPackage.FileDescriptor
    let parentOutput: SystemPackage.FileDescriptor
    let parentInput: SystemPackage.FileDescriptor
    let childOutput: SystemPackage.FileDescriptor

    init() throws {
        let toChild = try SystemPackage.FileDescriptor.pipe()
        let fromChild = try SystemPackage.FileDescriptor.pipe()
        (childInput, parentOutput) = (toChild.readEnd, toChild.writeEnd)
        (parentInput, childOutput) = (fromChild.readEnd, fromChild.writeEnd)
        for end in [parentOutput, parentInput] { _ = fcntl(end.rawValue, F_SETFD, FD_CLOEXEC) }
    }
}
