import Testing

@testable import Launcher

/// The restart backoff, fed made-up instants: no process, no sleep.
@Suite struct RestartBackoffTests {
    typealias Instant = ContinuousClock.Instant
    let start = ContinuousClock.now

    @Test func aCrashLoopDoublesTheWaitUpToTheMaximum() {
        var backoff = RestartBackoff<Instant>(initial: .milliseconds(250), maximum: .seconds(2), stableRun: .seconds(30))
        let waits = (0..<6).map { _ in backoff.exited(startedAt: start, at: start + .milliseconds(100), hold: nil) }
        #expect(
            waits == [250, 500, 1000, 2000, 2000, 2000].map { .restart(after: .milliseconds($0), .crashed) }
        )
    }

    @Test func aLongRunStartsTheBackoffAgain() {
        var backoff = RestartBackoff<Instant>(initial: .milliseconds(250), maximum: .seconds(10), stableRun: .seconds(30))
        _ = backoff.exited(startedAt: start, at: start + .seconds(1), hold: nil)
        _ = backoff.exited(startedAt: start, at: start + .seconds(1), hold: nil)
        #expect(backoff.exited(startedAt: start, at: start + .seconds(1), hold: nil) == .restart(after: .seconds(1), .crashed))
        // Thirty seconds is not yet stable; a run past it is.
        #expect(backoff.exited(startedAt: start, at: start + .seconds(30), hold: nil) == .restart(after: .seconds(2), .crashed))
        #expect(backoff.exited(startedAt: start, at: start + .seconds(31), hold: nil) == .restart(after: .milliseconds(250), .crashed))
    }

    @Test func aHoldIsWaitedExactlyAndLeavesTheBackoffAlone() {
        var backoff = RestartBackoff<Instant>(initial: .milliseconds(250), maximum: .seconds(10), stableRun: .seconds(30))
        #expect(backoff.exited(startedAt: start, at: start + .seconds(1), hold: nil) == .restart(after: .milliseconds(250), .crashed))
        #expect(backoff.exited(startedAt: start, at: start + .seconds(1), hold: .seconds(3)) == .restart(after: .seconds(3), .held))
        #expect(backoff.exited(startedAt: start, at: start + .seconds(1), hold: .seconds(3)) == .restart(after: .seconds(3), .held))
        // The next crash continues where the crash loop was, not where the holds were.
        #expect(backoff.exited(startedAt: start, at: start + .seconds(1), hold: nil) == .restart(after: .milliseconds(500), .crashed))
    }

    @Test func aHeldNodeThatRanLongStillResetsTheBackoff() {
        var backoff = RestartBackoff<Instant>(initial: .milliseconds(250), maximum: .seconds(10), stableRun: .seconds(30))
        for _ in 0..<4 { _ = backoff.exited(startedAt: start, at: start + .seconds(1), hold: nil) }
        #expect(backoff.exited(startedAt: start, at: start + .seconds(60), hold: .seconds(2)) == .restart(after: .seconds(2), .held))
        #expect(backoff.exited(startedAt: start, at: start + .seconds(1), hold: nil) == .restart(after: .milliseconds(250), .crashed))
    }
}
