import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Topology

/// The warm workers of one function version at one edge, with bounded concurrency.
///
/// An invocation takes an idle worker, or starts one (a cold start: the host gives it an
/// interpreter started ahead when it has one) while fewer than ``maximumConcurrency`` exist,
/// or waits; past ``maximumQueue`` waiting invocations it is
/// throttled (``WorkerPoolState`` decides which). A worker that times out, uses too much memory
/// or crashes is killed and replaced by the next invocation. Idle workers are retired by
/// ``reapIdle(olderThan:)``.
///
/// The state sits behind a lock rather than in an actor: a warm call takes an idle worker
/// without leaving its task's executor. As an actor, the pool was two enqueues and task switches
/// per invocation, in and out of its isolation.
public final class WorkerPool: Sendable {
    /// The defaults, in one place.
    public enum Default {
        /// Workers per function version per edge.
        public static let maximumConcurrency = 4
        /// Invocations that may wait for a worker before the next is throttled.
        public static let maximumQueue = 64
    }

    /// What the pool runs.
    public let code: FunctionCode
    /// The most workers at once.
    public let maximumConcurrency: Int
    /// The most invocations waiting.
    public let maximumQueue: Int
    /// The modelled Lambda cold start, if the topology sets one for the runtime.
    public let modelledInitDuration: Duration?
    /// A new worker for this pool's function, given it already (``FunctionHost``).
    private let obtain: @Sendable (FunctionCode) -> Worker
    private let state: Mutex<WorkerPoolState<Worker, Waiter, ContinuousClock.Instant>>

    /// Creates a pool.
    /// - Parameters:
    ///   - code: The function version.
    ///   - maximumConcurrency: The most workers at once.
    ///   - maximumQueue: The most invocations waiting.
    ///   - modelledInitDuration: The modelled Lambda cold start of a new worker's first call.
    ///   - obtain: A new worker given this function, its process started in the host's task
    ///     group (or ahead of need).
    init(
        code: FunctionCode,
        maximumConcurrency: Int,
        maximumQueue: Int,
        modelledInitDuration: Duration? = nil,
        obtain: @escaping @Sendable (FunctionCode) -> Worker
    ) {
        self.code = code
        self.maximumConcurrency = maximumConcurrency
        self.maximumQueue = maximumQueue
        self.modelledInitDuration = modelledInitDuration
        self.obtain = obtain
        state = Mutex(WorkerPoolState(maximumConcurrency: maximumConcurrency, maximumQueue: maximumQueue))
    }

    /// Runs one invocation.
    /// - Parameters:
    ///   - event: The event JSON.
    ///   - requestID: The Lambda request id (`context.awsRequestId`).
    ///   - logStream: The log stream's name, for `context.logStreamName`.
    /// - Returns: What the handler produced.
    /// - Throws: ``InvocationFailure``.
    public func invoke(
        event: [UInt8],
        requestID: String,
        logStream: String,
        keyValueStore: KeyValueStoreFile? = nil,
        edgeLocation: [UInt8]? = nil
    ) async throws(InvocationFailure) -> Invocation {
        guard let (worker, isNew) = await checkout() else { throw .throttled }
        // Back in the pool when done, from whichever thread the call ends on.
        defer { checkin(worker) }
        // A new worker's first call waits for its handler to load, and for its interpreter to
        // start when none was started ahead: the worker's cold start, the tool's own cost,
        // reported apart from a modelled one.
        var waited: Duration?
        if isNew {
            let asked = ContinuousClock.now
            do {
                try await withDeadline(code.timeout + .seconds(10), onTimeout: { worker.kill() }, { try await worker.ready() })
                waited = .now - asked
            } catch {
                worker.kill()
                worker.logInitFailure(error, after: .now - asked)
                throw .failed(HandlerError(type: "Runtime.InitError", message: "\(error)"))
            }
        }
        // Lambda's cold start, when modelled: the first call waits until the model's init has
        // passed since it asked for the worker (what it waited here counts towards it; a slower
        // start is not hidden), and reports the model as its Init Duration.
        let initDuration = waited.map { modelledInitDuration ?? $0 }
        if let waited, let modelledInitDuration, modelledInitDuration > waited { try? await Task.sleep(for: modelledInitDuration - waited) }
        let frame = Self.frame(
            event: event,
            requestID: requestID,
            logStream: logStream,
            timeout: code.timeout,
            initDuration: initDuration,
            edgeLocation: edgeLocation
        )
        if let keyValueStore { try await load(keyValueStore, into: worker) }
        // A CloudFront Function's compute utilization is what the call cost its worker's CPU.
        let measuresCPU = code.runtime.isCloudFrontFunction
        let cpuBefore = measuresCPU ? worker.cpuTime : nil
        let reply: [UInt8]
        do {
            reply = try await worker.send(frame, timeout: code.timeout, memoryLimit: code.memoryMegabytes)
        } catch let failure as InvocationFailure {
            throw failure
        } catch {
            throw .failed(HandlerError(type: "Runtime.ExitError", message: "\(error)"))
        }
        let message = WorkerMessage(reply)
        var invocation = Invocation(
            result: nil,
            error: nil,
            duration: .milliseconds(message.double("durationMs") ?? 0),
            initDuration: initDuration,
            spawnDuration: waited,
            maxMemoryUsedMegabytes: Int(message.double("maxMemoryUsedMB") ?? 0)
        )
        if let cpuBefore, let cpuAfter = worker.cpuTime { invocation.cpuTime = cpuAfter - cpuBefore }
        invocation.keyValueStoreReads = Int(message.double("kvsReads") ?? 0)
        invocation.keyValueStoreReadErrors = Int(message.double("kvsReadErrors") ?? 0)
        if let asked = message.value("origin") {
            invocation.originChange = Result { () throws(ValidationFailure) in try OriginChange.parse(asked) }
        }
        // A worker whose engine has no collector (njs) asks to be replaced once its heap is large.
        if message.bool("recycle") == true { worker.kill() }
        if message.bool("ok") == true {
            invocation.result = message.result ?? Array("null".utf8)
        } else {
            invocation.error = HandlerError(type: message.string("errorType") ?? "Error", message: message.string("errorMessage") ?? "")
            if message.bool("fatal") == true { worker.kill() }
        }
        return invocation
    }

    /// Has a worker load a KeyValueStore revision it does not hold yet, before the call and
    /// outside its CPU time: a new revision is read once per worker, between invocations.
    private func load(_ store: KeyValueStoreFile, into worker: Worker) async throws(InvocationFailure) {
        guard worker.loadedStore.withLock({ $0 }) != store.path else { return }
        let reply: [UInt8]
        do {
            reply = try await worker.send(store.loadFrame, timeout: .seconds(10), memoryLimit: code.memoryMegabytes)
        } catch {
            worker.kill()
            throw .failed(HandlerError(type: "KeyValueStoreError", message: "key value store \(store.name) did not load: \(error)"))
        }
        let message = WorkerMessage(reply)
        guard message.bool("ok") == true else {
            worker.kill()
            throw .failed(
                HandlerError(
                    type: "KeyValueStoreError",
                    message: "key value store \(store.name) did not load: \(message.string("errorMessage") ?? "no reason given")"
                )
            )
        }
        worker.loadedStore.withLock { $0 = store.path }
    }

    /// A worker for one invocation, and whether it is new (its first call is a cold start);
    /// `nil` when throttled.
    private func checkout() async -> (Worker, Bool)? {
        if let outcome = outcome(state.withLock { $0.checkout(isGone: \.isGone, isPreferred: \.isOnCurrentLoop) }) { return outcome }
        // Asked again under the lock that queues it, so no checkin comes in between.
        let loop = Worker.currentLoop
        return await withCheckedContinuation { continuation in
            let checkout = state.withLock { state in
                let checkout = state.checkout(isGone: \.isGone, isPreferred: \.isOnCurrentLoop)
                if case .wait = checkout { state.enqueue(Waiter(continuation: continuation, loop: loop)) }
                return checkout
            }
            if let outcome = outcome(checkout) { continuation.resume(returning: outcome) }
        }
    }

    /// What a checkout gives: a worker and whether it is new (started here, outside the lock),
    /// or `.some(nil)` when throttled; `nil` for a wait.
    private func outcome(_ checkout: WorkerPoolState<Worker, Waiter, ContinuousClock.Instant>.Checkout) -> (Worker, Bool)?? {
        switch checkout {
        case .use(let worker): (worker, false)
        case .spawn: (spawn(), true)
        case .throttle: .some(nil)
        case .wait: nil
        }
    }

    private func checkin(_ worker: Worker) {
        let gone = worker.isGone
        let checkin = state.withLock { $0.checkin(worker, gone: gone, at: .now, prefers: { waiter, worker in worker.isOn(waiter.loop) }) }
        switch checkin {
        case .idle, .gone: break
        case .hand(let worker, let waiter): waiter.continuation.resume(returning: (worker, false))
        case .spawn(let waiter): waiter.continuation.resume(returning: (spawn(), true))
        }
    }

    /// Starts a worker whose place the state machine has counted.
    private func spawn() -> Worker { obtain(code) }

    /// An invocation waiting for a worker, and the loop it waits on (`nil` off every loop).
    struct Waiter {
        let continuation: CheckedContinuation<(Worker, Bool)?, Never>
        let loop: ObjectIdentifier?
    }

    /// Retires workers idle for longer than a limit.
    /// - Returns: How many were retired.
    @discardableResult
    public func reapIdle(olderThan limit: Duration) -> Int {
        let stale = state.withLock { $0.reap(olderThan: limit, at: .now) }
        for worker in stale { worker.retire() }
        return stale.count
    }

    /// Retires every idle worker, at shutdown.
    public func retireAll() {
        for worker in state.withLock({ $0.retireIdle() }) { worker.retire() }
    }

    /// Workers alive and idle, for `/metrics`.
    public var workerCounts: (alive: Int, idle: Int) { state.withLock { ($0.alive, $0.idleCount) } }

    /// An invocation's frame: its context, then the event as it was written. On a new worker's
    /// first call, the Init Duration rides along for the worker's REPORT line. Written as bytes
    /// in one buffer: made by string interpolation and joined arrays it cost 5,700 instructions
    /// per call (callgrind).
    static func frame(
        event: [UInt8],
        requestID: String,
        logStream: String,
        timeout: Duration,
        initDuration: Duration? = nil,
        edgeLocation: [UInt8]? = nil
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: event.count + 160)
        writer.object { frame in
            frame.member("id", raw: "1")
            frame.member("context") { context in
                context.object { context in
                    context.member("awsRequestId", string: requestID)
                    context.member("logStreamName", string: logStream)
                    context.member("timeoutMs", raw: String(Int(timeout.inMilliseconds)))
                    if let initDuration { context.member("initDurationMs", raw: "\(initDuration.inMilliseconds)") }
                }
            }
            if let edgeLocation, !edgeLocation.isEmpty { frame.member("edgeLocation") { $0.raw(bytes: edgeLocation) } }
            frame.member("event") { $0.raw(bytes: event) }
        }
        return writer.bytes
    }
}

/// Runs an operation with a deadline; at the deadline `onTimeout` must make the operation end
/// (it is awaited: a continuation does not answer cancellation).
func withDeadline<T: Sendable>(
    _ limit: Duration,
    onTimeout: @escaping @Sendable () -> Void,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            onTimeout()
            throw InvocationFailure.timedOut(limit)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
