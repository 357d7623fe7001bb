import Foundation
import NIOCore
import NIOPosix
import Subprocess
import Synchronization
import SystemPackage
import Topology

/// One warm worker process: a `node` or `python3` running the project's bootstrap with one
/// function version loaded. It answers one invocation at a time; its log goes to the edge's
/// CloudWatch-style stream file.
///
/// ``run(bootstrap:logPath:region:)`` lives in the pool's task group for as long as the process
/// does. Invocations cross its stdin and stdout as frames on an event loop (``WorkerLink``).
final class Worker: Sendable {
    /// Where the process is in its life.
    private enum Phase {
        case starting(waiters: [CheckedContinuation<Duration, any Error>])
        case ready(initDuration: Duration)
        case gone(reason: String)
    }

    let id: Int
    let code: FunctionCode
    /// The loop its pipes run on.
    private let eventLoop: any EventLoop
    private let phase = Mutex<Phase>(.starting(waiters: []))
    private let pidCell = Mutex<Int32>(0)
    /// The edge's end of the pipes, once open.
    private let link = Mutex<NIOLoopBound<WorkerLink>?>(nil)
    /// Whether it was retired or killed before its pipes were open.
    private let ended = Mutex(false)

    init(id: Int, code: FunctionCode, eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        self.id = id
        self.code = code
        self.eventLoop = eventLoop
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

    /// Waits until the handler is loaded; returns the cold start (spawn to ready).
    /// - Throws: ``WorkerFailure`` when the process failed to load the handler or exited.
    func ready() async throws -> Duration {
        try await withCheckedThrowingContinuation { continuation in
            let resume: Result<Duration, any Error>? = phase.withLock { phase in
                switch phase {
                case .starting(var waiters):
                    waiters.append(continuation)
                    phase = .starting(waiters: waiters)
                    return nil
                case .ready(let initDuration): return .success(initDuration)
                case .gone(let reason): return .failure(WorkerFailure.exited(reason))
                }
            }
            if let resume { continuation.resume(with: resume) }
        }
    }

    /// Sends one invocation and waits for its reply frame, within the function's timeout and
    /// memory.
    /// - Throws: ``InvocationFailure`` on a limit (the process is killed);
    ///   ``WorkerFailure/exited(_:)`` when the process dies first.
    func send(_ frame: [UInt8]) async throws -> [UInt8] {
        guard let link = link.withLock({ $0 }) else { throw WorkerFailure.exited("the worker is not running") }
        let (timeout, memory) = (code.timeout, code.memoryMegabytes)
        // On the pipes' own loop (the pool prefers such a worker) the call is written at once;
        // from another loop it crosses over, and its reply wakes this one.
        if eventLoop.inEventLoop { return try await link.value.invoke(frame, timeout: timeout, memoryLimit: memory).get() }
        return try await eventLoop.flatSubmit { link.value.invoke(frame, timeout: timeout, memoryLimit: memory) }.get()
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
        markGone("it was killed")
        let pid = pid
        if pid > 0 { _ = Foundation.kill(pid, SIGKILL) }
    }

    /// Asks the process to exit once the current invocation is done (its stdin closes).
    func retire() {
        ended.withLock { $0 = true }
        guard let link = link.withLock({ $0 }) else { return }
        eventLoop.execute { link.value.retire() }
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
    ///   - bootstrap: The bootstrap file for the function's runtime.
    ///   - logPath: The log stream file the process's stderr appends to.
    ///   - region: The executing region, for the log lines.
    func run(bootstrap: String, logPath: String, region: String) async {
        let reason = await runProcess(bootstrap: bootstrap, logPath: logPath, region: region)
        markGone(reason)
    }

    private func runProcess(bootstrap: String, logPath: String, region: String) async -> String {
        let log: SystemPackage.FileDescriptor
        let pipes: WorkerPipes
        do {
            try FileManager.default.createDirectory(atPath: (logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            log = try SystemPackage.FileDescriptor.open(
                FilePath(logPath),
                .writeOnly,
                options: [.append, .create],
                permissions: [.ownerReadWrite, .groupRead, .otherRead]
            )
            pipes = try WorkerPipes()
        } catch {
            return "cannot open its log \(logPath) or its pipes: \(error)"
        }
        let interpreter = await Interpreters.shared.interpreter(for: code.runtime)
        let arguments = interpreter.options + Self.arguments(code: code, bootstrap: bootstrap)
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .milliseconds(200))]
        let environment = Environment.inherit.updating([
            "EDGESIM_FUNCTION_NAME": code.name, "EDGESIM_FUNCTION_VERSION": "\(code.version)",
            "EDGESIM_MEMORY_MB": "\(code.memoryMegabytes)", "EDGESIM_REGION": region,
            "EDGESIM_SPAWNED_AT": "\(Date().timeIntervalSince1970 * 1000)", "NODE_OPTIONS": nil, "PYTHONUNBUFFERED": "1",
        ]).updating(interpreter.environment)
        do {
            let result = try await Subprocess.run(
                interpreter.executable,
                arguments: Arguments(arguments),
                environment: environment,
                workingDirectory: FilePath(code.directory),
                platformOptions: options,
                input: .fileDescriptor(pipes.childInput, closeAfterSpawningProcess: true),
                output: .fileDescriptor(pipes.childOutput, closeAfterSpawningProcess: true),
                error: .fileDescriptor(log, closeAfterSpawningProcess: true)
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

    /// Opens the edge's end of the pipes on the event loop, waits for the worker's hello, then
    /// serves invocations until the pipes close (the process exited, was killed or retired).
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
        let reason: String
        do {
            let message = WorkerMessage(try await eventLoop.flatSubmit { bound.value.hello.futureResult }.get())
            if message.bool("ready") == true {
                markReady(initDuration: .milliseconds(message.double("initDurationMs") ?? 0))
                try? await channel.closeFuture.get()
                reason = "its pipes closed"
            } else {
                reason = "\(message.string("errorType") ?? "Runtime.InitError"): \(message.string("errorMessage") ?? "the handler did not load")"
                try? await channel.close()
            }
        } catch {
            reason = "it exited while loading the handler"
        }
        return reason
    }

    private func markReady(initDuration: Duration) {
        let waiters = phase.withLock { phase -> [CheckedContinuation<Duration, any Error>] in
            guard case .starting(let waiters) = phase else { return [] }
            phase = .ready(initDuration: initDuration)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: initDuration) }
    }

    private func markGone(_ reason: String) {
        let waiters = phase.withLock { phase -> [CheckedContinuation<Duration, any Error>] in
            let waiters: [CheckedContinuation<Duration, any Error>]
            if case .starting(let pending) = phase { waiters = pending } else { waiters = [] }
            if case .gone = phase {} else { phase = .gone(reason: reason) }
            return waiters
        }
        for waiter in waiters { waiter.resume(throwing: WorkerFailure.exited(reason)) }
    }

    /// The interpreter's arguments: Node's heap is capped at the function's memory.
    static func arguments(code: FunctionCode, bootstrap: String) -> [String] {
        switch code.runtime {
        case .nodejs: ["--max-old-space-size=\(max(16, code.memoryMegabytes))", bootstrap, code.directory, code.handler]
        case .python: ["-u", bootstrap, code.directory, code.handler]
        }
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
