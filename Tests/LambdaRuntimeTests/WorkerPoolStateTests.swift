import Testing

@testable import LambdaRuntime

/// Who gets which worker, with workers and waiters as plain tokens and made-up instants.
@Suite struct WorkerPoolStateTests {
    typealias State = WorkerPoolState<String, Int, ContinuousClock.Instant>
    let start = ContinuousClock.now
    let alive: (String) -> Bool = { _ in false }

    @Test func startsWorkersUpToTheLimitThenQueuesThenThrottles() {
        var pool = State(maximumConcurrency: 2, maximumQueue: 1)
        let decisions = [pool.checkout(isGone: alive), pool.checkout(isGone: alive), pool.checkout(isGone: alive)]
        #expect(decisions == [.spawn, .spawn, .wait])
        #expect(pool.alive == 2)
        pool.enqueue(1)
        let fourth = pool.checkout(isGone: alive)
        #expect(fourth == .throttle)
        #expect(pool.waitingCount == 1)
    }

    @Test func aReturnedWorkerGoesToTheFirstWaiterThenIdles() {
        var pool = State(maximumConcurrency: 1, maximumQueue: 4)
        _ = pool.checkout(isGone: alive)
        for waiter in [7, 8] {
            let decision = pool.checkout(isGone: alive)
            #expect(decision == .wait)
            pool.enqueue(waiter)
        }
        let checkins = (0..<3).map { _ in pool.checkin("w1", gone: false, at: start) }
        #expect(checkins == [.hand("w1", to: 7), .hand("w1", to: 8), .idle])
        #expect(pool.idleCount == 1 && pool.alive == 1)
        let reused = pool.checkout(isGone: alive)
        #expect(reused == .use("w1"))
    }

    @Test func aDeadWorkersPlaceGoesToAWaiterAsAColdStart() {
        var pool = State(maximumConcurrency: 1, maximumQueue: 4)
        _ = pool.checkout(isGone: alive)
        _ = pool.checkout(isGone: alive)
        pool.enqueue(3)
        let died = pool.checkin("w1", gone: true, at: start)
        #expect(died == .spawn(for: 3))
        #expect(pool.alive == 1 && pool.waitingCount == 0)
        let diedAlone = pool.checkin("w2", gone: true, at: start)
        #expect(diedAlone == .gone)
        #expect(pool.alive == 0)
    }

    @Test func anIdleWorkerThatDiedIsPassedOver() {
        var pool = State(maximumConcurrency: 2, maximumQueue: 0)
        _ = pool.checkout(isGone: alive)
        _ = pool.checkout(isGone: alive)
        _ = pool.checkin("old", gone: false, at: start)
        _ = pool.checkin("new", gone: false, at: start)
        let taken = pool.checkout(isGone: { $0 == "new" })
        #expect(taken == .use("old"))
        #expect(pool.alive == 1 && pool.idleCount == 0)
        let next = pool.checkout(isGone: alive)
        #expect(next == .spawn)
    }

    @Test func aCheckoutTakesTheNewestPreferredWorkerElseTheNewest() {
        var pool = State(maximumConcurrency: 3, maximumQueue: 0)
        for _ in 0..<3 { _ = pool.checkout(isGone: alive) }
        for worker in ["a1", "b1", "a2"] { _ = pool.checkin(worker, gone: false, at: start) }
        let onB = pool.checkout(isGone: alive, isPreferred: { $0.hasPrefix("b") })
        #expect(onB == .use("b1"))
        let noneOnB = pool.checkout(isGone: alive, isPreferred: { $0.hasPrefix("b") })
        #expect(noneOnB == .use("a2"))
        let preferredButGone = pool.checkout(isGone: { $0 == "a1" }, isPreferred: { $0 == "a1" })
        #expect(preferredButGone == .spawn)
        #expect(pool.alive == 3 && pool.idleCount == 0)
    }

    /// Waiters 1 and 3 wait on loop "a", 2 and 4 on loop "b"; workers are named for their loop.
    @Test func aWorkerCheckedInGoesToAWaiterOnItsLoopButNoneIsPassedOverTooOften() {
        var pool = State(maximumConcurrency: 1, maximumQueue: 8)
        _ = pool.checkout(isGone: alive)
        for waiter in 1...4 {
            #expect(pool.checkout(isGone: alive) == .wait)
            pool.enqueue(waiter)
        }
        let onLoop: (Int, String) -> Bool = { waiter, worker in (waiter % 2 == 1 ? "a" : "b") == worker.prefix(1) }
        // A "b" worker skips waiter 1 for waiter 2; then 1 is first again and takes an "a" one.
        #expect(pool.checkin("b", gone: false, at: start, prefers: onLoop) == .hand("b", to: 2))
        #expect(pool.checkin("a", gone: false, at: start, prefers: onLoop) == .hand("a", to: 1))
        // Waiter 3 is passed over twice for "b" waiters (4, then 6), then gets a "b" worker itself.
        pool.enqueue(6)
        pool.enqueue(8)
        #expect(pool.checkin("b", gone: false, at: start, prefers: onLoop) == .hand("b", to: 4))
        #expect(pool.checkin("b", gone: false, at: start, prefers: onLoop) == .hand("b", to: 6))
        #expect(pool.checkin("b", gone: false, at: start, prefers: onLoop) == .hand("b", to: 3))
        // With no waiter preferring it, the first takes it.
        #expect(pool.checkin("c", gone: false, at: start, prefers: onLoop) == .hand("c", to: 8))
        #expect(pool.waitingCount == 0)
    }

    @Test func reapingRetiresOnlyWorkersIdleLongerThanTheLimit() {
        var pool = State(maximumConcurrency: 3, maximumQueue: 0)
        for _ in 0..<3 { _ = pool.checkout(isGone: alive) }
        _ = pool.checkin("a", gone: false, at: start)
        _ = pool.checkin("b", gone: false, at: start + .seconds(50))
        _ = pool.checkin("c", gone: false, at: start + .seconds(59))
        let early = pool.reap(olderThan: .seconds(60), at: start + .seconds(60))
        #expect(early.isEmpty)
        let late = pool.reap(olderThan: .seconds(60), at: start + .seconds(111))
        #expect(late == ["a", "b"])
        #expect(pool.alive == 1 && pool.idleCount == 1)
        let rest = pool.retireIdle()
        #expect(rest == ["c"])
        #expect(pool.alive == 0)
    }
}
