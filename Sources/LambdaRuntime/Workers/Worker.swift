import Foundation
import Subprocess
import Synchronization
import SystemPackage
import Topology

/// One warm worker process: a `node` or `python3` running the project's bootstrap with one
/// function version loaded. It answers one invocation at a time; its log goes to the edge's
/// CloudWatch-style stream file.
///
/// ``run(bootstrap:logPath:region:)`` lives in the pool's task group for as long as the process
/// does; invocations reach it through an `AsyncStream` of jobs.
final class Worker: Sendable {
    /// An invocation handed to the worker: the request frame and where its reply goes.
    struct Job: Sendable {
        var frame: [UInt8]
        var reply: CheckedContinuation<[UInt8], any Error>
    }

    /// Where the process is in its life.
    private enum Phase {
        case starting(waiters: [CheckedContinuation<Duration, any Error>])
        case ready(initDuration: Duration)
        case gone(reason: String)
    }

    let id: Int
    let code: FunctionCode
    private let jobs: AsyncStream<Job>
    private let jobsIn: AsyncStream<Job>.Continuation
    private let phase = Mutex<Phase>(.starting(waiters: []))
    private let pidCell = Mutex<Int32>(0)

    init(id: Int, code: FunctionCode) {
        self.id = id
        self.code = code
        (jobs, jobsIn) = AsyncStream.makeStream(of: Job.self)
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

    /// Sends one invocation and waits for its reply frame.
    /// - Throws: ``WorkerFailure/exited(_:)`` when the process dies first.
    func send(_ frame: [UInt8]) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            if isGone {
                continuation.resume(throwing: WorkerFailure.exited("the worker is gone"))
            } else if case .dropped = jobsIn.yield(Job(frame: frame, reply: continuation)) {
                continuation.resume(throwing: WorkerFailure.exited("the worker is stopping"))
            }
        }
    }

    /// Kills the process at once (a timeout, too much memory, or an idle reap).
    func kill() {
        let pid = pid
        if pid > 0 { _ = Foundation.kill(pid, SIGKILL) }
        jobsIn.finish()
    }

    /// Asks the process to exit once the current invocation is done (stdin closes).
    func retire() { jobsIn.finish() }

    /// The process's resident memory in megabytes, from `/proc`.
    var residentMegabytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 / 1024 }
    }

    /// Runs the process until it exits. Invocations are served in order.
    /// - Parameters:
    ///   - bootstrap: The bootstrap file for the function's runtime.
    ///   - logPath: The log stream file the process's stderr appends to.
    ///   - region: The executing region, for the log lines.
    func run(bootstrap: String, logPath: String, region: String) async {
        let reason = await runProcess(bootstrap: bootstrap, logPath: logPath, region: region)
        markGone(reason)
        jobsIn.finish()
        for await job in jobs { job.reply.resume(throwing: WorkerFailure.exited(reason)) }
    }

    private func runProcess(bootstrap: String, logPath: String, region: String) async -> String {
        let log: FileDescriptor
        do {
            try FileManager.default.createDirectory(atPath: (logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            log = try FileDescriptor.open(
                FilePath(logPath),
                .writeOnly,
                options: [.append, .create],
                permissions: [.ownerReadWrite, .groupRead, .otherRead]
            )
        } catch {
            return "cannot open its log \(logPath): \(error)"
        }
        let (executable, arguments) = Self.commandLine(code: code, bootstrap: bootstrap)
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .milliseconds(200))]
        let environment = Environment.inherit.updating([
            "EDGESIM_FUNCTION_NAME": code.name, "EDGESIM_FUNCTION_VERSION": "\(code.version)",
            "EDGESIM_MEMORY_MB": "\(code.memoryMegabytes)", "EDGESIM_REGION": region,
            "EDGESIM_SPAWNED_AT": "\(Date().timeIntervalSince1970 * 1000)", "NODE_OPTIONS": nil, "PYTHONUNBUFFERED": "1",
        ])
        do {
            let result = try await Subprocess.run(
                .name(executable),
                arguments: Arguments(arguments),
                environment: environment,
                workingDirectory: FilePath(code.directory),
                platformOptions: options,
                input: .inputWriter,
                output: .sequence,
                error: .fileDescriptor(log, closeAfterSpawningProcess: true)
            ) { execution in
                pidCell.withLock { $0 = execution.processIdentifier.value }
                var frames = FrameReader(iterator: execution.standardOutput.makeAsyncIterator())
                guard let first = try await frames.next() else { return "it exited while loading the handler" }
                let hello = WorkerMessage(first)
                guard hello.bool("ready") == true else {
                    return "\(hello.string("errorType") ?? "Runtime.InitError"): \(hello.string("errorMessage") ?? "the handler did not load")"
                }
                markReady(initDuration: .milliseconds(hello.double("initDurationMs") ?? 0))
                for await job in jobs {
                    do {
                        _ = try await execution.standardInputWriter.write(Frames.encode(job.frame))
                    } catch {
                        job.reply.resume(throwing: WorkerFailure.exited("its stdin closed"))
                        return "its stdin closed"
                    }
                    guard let reply = try await frames.next() else {
                        job.reply.resume(throwing: WorkerFailure.exited("the process exited during the invocation"))
                        return "it exited during an invocation"
                    }
                    job.reply.resume(returning: reply)
                }
                try? await execution.standardInputWriter.finish()
                return "it was retired"
            }
            return "\(result.closureResult) (\(result.terminationStatus))"
        } catch {
            return "it could not start: \(error)"
        }
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

    /// The interpreter and its arguments: Node's heap is capped at the function's memory.
    static func commandLine(code: FunctionCode, bootstrap: String) -> (String, [String]) {
        switch code.runtime {
        case .nodejs: ("node", ["--max-old-space-size=\(max(16, code.memoryMegabytes))", bootstrap, code.directory, code.handler])
        case .python: ("python3", ["-u", bootstrap, code.directory, code.handler])
        }
    }
}

/// Reads whole frames from a worker's stdout.
struct FrameReader<Iterator: AsyncIteratorProtocol> where Iterator.Element == SubprocessOutputSequence.Buffer {
    var iterator: Iterator
    private var pending: [UInt8] = []
    private var ready: [[UInt8]] = []

    init(iterator: Iterator) { self.iterator = iterator }

    mutating func next() async throws -> [UInt8]? {
        while ready.isEmpty {
            guard let buffer = try await iterator.next() else { return nil }
            buffer.withUnsafeBytes { pending.append(contentsOf: $0) }
            ready = Frames.decode(&pending)
        }
        return ready.removeFirst()
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
