/// Who gets which worker in a ``WorkerPool``: a pure state machine over worker and waiter
/// tokens, fed checkouts, checkins and reaps with the time they happen, so it is tested without
/// processes or sleeps.
///
/// A checkout takes the newest idle worker that is still alive (the newest the caller prefers,
/// if any), or starts one while fewer than
/// ``maximumConcurrency`` are alive, or waits; past ``maximumQueue`` waiting it is throttled. A
/// worker checked back in goes to the first waiter that prefers it (whose thread its pipes are
/// on), else to the first waiter; a waiter is passed over at most ``maximumBypass`` times, so
/// none waits for long behind others. A dead worker frees its place for the first waiter to
/// start a new worker.
struct WorkerPoolState<Worker, Waiter, Instant: InstantProtocol> where Instant.Duration == Duration {
    /// What a checkout does.
    enum Checkout {
        /// Use this idle worker.
        case use(Worker)
        /// Start a new worker (a cold start) and use it; its place is counted already.
        case spawn
        /// Wait: queue the invocation with ``enqueue(_:)``, at once; a checkin resumes it.
        case wait
        /// Throttled: every worker is busy and the queue is full.
        case throttle
    }

    /// What a checkin does.
    enum Checkin {
        /// The worker is idle now.
        case idle
        /// Hand the worker to this waiter.
        case hand(Worker, to: Waiter)
        /// The worker died: this waiter starts a new worker in its place (counted already).
        case spawn(for: Waiter)
        /// The worker died and nobody waits.
        case gone
    }

    /// The most workers alive at once.
    let maximumConcurrency: Int
    /// The most invocations waiting for a worker.
    let maximumQueue: Int
    private var idle: [(worker: Worker, since: Instant)] = []
    /// The waiters in the order they came, with how often each was passed over.
    private var waiters: [(waiter: Waiter, passedOver: Int)] = []
    /// How often a waiter may be passed over for one that prefers the worker checked in.
    static var maximumBypass: Int { 2 }
    /// Workers alive: busy, idle, or being started.
    private(set) var alive = 0

    /// An empty pool.
    init(maximumConcurrency: Int, maximumQueue: Int) {
        self.maximumConcurrency = maximumConcurrency
        self.maximumQueue = maximumQueue
    }

    /// An invocation wants a worker.
    /// - Parameters:
    ///   - isGone: Whether an idle worker's process has died since it went idle.
    ///   - isPreferred: Whether an idle worker suits this caller best (its pipes are on the
    ///     caller's thread): the newest such is taken, else the newest idle one.
    mutating func checkout(isGone: (Worker) -> Bool, isPreferred: (Worker) -> Bool = { _ in true }) -> Checkout {
        let before = idle.count
        idle.removeAll { isGone($0.worker) }
        alive -= before - idle.count
        if let index = idle.lastIndex(where: { isPreferred($0.worker) }) ?? idle.indices.last {
            return .use(idle.remove(at: index).worker)
        }
        if alive < maximumConcurrency {
            alive += 1
            return .spawn
        }
        return waiters.count < maximumQueue ? .wait : .throttle
    }

    /// Queues an invocation that ``checkout(isGone:)`` told to wait.
    mutating func enqueue(_ waiter: Waiter) {
        waiters.append((waiter, 0))
    }

    /// An invocation is done with its worker.
    /// - Parameters:
    ///   - worker: The worker.
    ///   - gone: Whether it died (killed at a limit, crashed).
    ///   - now: When, for the idle reaper.
    ///   - prefers: Whether a waiter would rather have this worker than another (its pipes are
    ///     on the waiter's thread, so the call crosses none).
    mutating func checkin(_ worker: Worker, gone: Bool, at now: Instant, prefers: (Waiter, Worker) -> Bool = { _, _ in true }) -> Checkin {
        if gone {
            alive -= 1
            guard !waiters.isEmpty, alive < maximumConcurrency else { return .gone }
            alive += 1
            return .spawn(for: waiters.removeFirst().waiter)
        }
        if !waiters.isEmpty {
            let chosen = waiters.firstIndex { prefers($0.waiter, worker) } ?? 0
            // Those ahead of the chosen one are passed over, until the first has been too often.
            guard chosen > 0, waiters[0].passedOver < Self.maximumBypass else { return .hand(worker, to: waiters.removeFirst().waiter) }
            for ahead in 0..<chosen { waiters[ahead].passedOver += 1 }
            return .hand(worker, to: waiters.remove(at: chosen).waiter)
        }
        idle.append((worker, now))
        return .idle
    }

    /// Takes out the workers idle for longer than a limit, to be retired.
    mutating func reap(olderThan limit: Duration, at now: Instant) -> [Worker] {
        let stale = idle.filter { $0.since.duration(to: now) > limit }.map(\.worker)
        idle.removeAll { $0.since.duration(to: now) > limit }
        alive -= stale.count
        return stale
    }

    /// Takes out every idle worker, at shutdown.
    mutating func retireIdle() -> [Worker] {
        let all = idle.map(\.worker)
        alive -= all.count
        idle = []
        return all
    }

    /// How many workers are idle.
    var idleCount: Int { idle.count }
    /// How many invocations wait.
    var waitingCount: Int { waiters.count }
}

extension WorkerPoolState.Checkout: Equatable where Worker: Equatable {}
extension WorkerPoolState.Checkin: Equatable where Worker: Equatable, Waiter: Equatable {}
