import Testing
import Topology

@testable import Replication

/// A follower's decisions, fed epochs, heartbeats and made-up instants: no stream, no sleep.
@Suite struct FollowerStateTests {
    typealias State = FollowerState<ContinuousClock.Instant>
    let start = ContinuousClock.now

    @Test func withoutARolloutEveryStoredEpochGoesInForceAtOnce() {
        var state = State(node: "NRT50", rollout: .zero, heldAtStart: 0)
        #expect(state.next(latestStored: 0, at: start) == .idle)
        #expect(state.takes(1, held: 0) && !state.takes(1, held: 1))
        state.stored(1, at: start)
        #expect(state.next(latestStored: 1, at: start) == .apply(epoch: 1))
        state.applied(1)
        #expect(state.next(latestStored: 1, at: start) == .idle)
    }

    @Test func aFirstStartIsReadyOnceCaughtUpAndInForce() {
        var state = State(node: "NRT50", rollout: .seconds(60), heldAtStart: 0)
        state.stored(1, at: start)
        state.stored(2, at: start)
        #expect(!state.isReady)
        let early = state.heard(latest: 3, held: 2)
        #expect(!early)  // not caught up yet
        state.stored(3, at: start)
        let caughtUp = state.heard(latest: 3, held: 3)
        let again = state.heard(latest: 3, held: 3)
        #expect(caughtUp && !again)  // said once
        #expect(!state.isReady)
        // Epochs that arrived while catching up skip the rollout.
        #expect(state.next(latestStored: 3, at: start) == .apply(epoch: 3))
        state.applied(3)
        #expect(state.isReady)
    }

    @Test func aRestartIsReadyOnceTheEpochItHeldIsInForce() {
        var state = State(node: "KIX50", rollout: .zero, heldAtStart: 4)
        #expect(!state.isReady)
        state.applied(4)
        #expect(state.isReady)
    }

    @Test func afterTheCatchUpAnEpochWaitsThisNodesShareOfTheRollout() throws {
        let rollout = Duration.seconds(100)
        var state = State(node: "NRT50", rollout: rollout, heldAtStart: 0)
        _ = state.heard(latest: 0, held: 0)
        let arrival = start + .seconds(5)
        state.stored(1, at: arrival)
        let share = rollout * (Double(StableHash.fnv1a("NRT50#1") % 10_000) / 10_000)
        guard case .wait(let until) = state.next(latestStored: 1, at: arrival) else {
            Issue.record("epoch 1 did not wait for NRT50's share (\(share))")
            return
        }
        #expect(until == arrival + share)
        #expect(state.next(latestStored: 1, at: until) == .apply(epoch: 1))
        // Another node waits its own share of the same epoch; the same node, the same share every run.
        var other = State(node: "KIX50", rollout: rollout, heldAtStart: 0)
        _ = other.heard(latest: 0, held: 0)
        other.stored(1, at: arrival)
        var again = State(node: "NRT50", rollout: rollout, heldAtStart: 0)
        _ = again.heard(latest: 0, held: 0)
        again.stored(1, at: arrival)
        #expect(again.next(latestStored: 1, at: arrival) == .wait(until: until))
        #expect(other.next(latestStored: 1, at: arrival) != .wait(until: until))
    }

    @Test func aNewerEpochDuringTheWaitHasItsOwnWait() throws {
        var state = State(node: "NRT50", rollout: .seconds(100), heldAtStart: 0)
        _ = state.heard(latest: 0, held: 0)
        state.stored(1, at: start)
        let arrival2 = start + .seconds(10)
        state.stored(2, at: arrival2)
        let share2 = Duration.seconds(100) * (Double(StableHash.fnv1a("NRT50#2") % 10_000) / 10_000)
        try #require(share2 > .zero)
        // The wait is epoch 2's, counted from its own arrival, not what was left of epoch 1's.
        #expect(state.next(latestStored: 2, at: arrival2) == .wait(until: arrival2 + share2))
        #expect(state.next(latestStored: 2, at: arrival2 + share2) == .apply(epoch: 2))
    }

    @Test func aRefusedEpochIsNotTriedAgainAndEachProblemIsReportedOnce() {
        var state = State(node: "NRT50", rollout: .zero, heldAtStart: 0)
        state.stored(2, at: start)
        let first = state.refusedToApply(2, problem: "epoch 2 refused: too large")
        #expect(first)
        #expect(state.next(latestStored: 2, at: start) == .idle)
        #expect(state.active == 2)
        let repeated = state.noteRefusal("epoch 2 refused: too large")
        let other = state.noteRefusal("auth:3 refused: bad signature")
        #expect(!repeated && other)
        #expect(state.refused == ["epoch 2 refused: too large", "auth:3 refused: bad signature"])
    }

    @Test func theReportFollowsEveryEvent() {
        var state = State(node: "NRT50", role: .edge, rollout: .zero, heldAtStart: 0)
        #expect(state.report.node == "NRT50" && state.report.role == .edge && state.report.epoch == 0)
        let v1 = FunctionRef(name: "auth", version: 1)
        let v2 = FunctionRef(name: "auth", version: 2)
        state.stored(1, at: start, versions: [v1])
        #expect(state.report.storedEpoch == 1 && state.report.epoch == 0 && state.report.versions == [v1])
        state.applied(1, wallTime: 1000)
        state.stored(2, at: start, versions: [v1, v2])
        #expect(state.report.epoch == 1 && state.report.storedEpoch == 2 && state.report.switchedAt == [1: 1000])
        state.collected(versions: [v2])
        #expect(state.report.versions == [v2])
        _ = state.noteRefusal("auth:3 refused: bad signature")
        #expect(state.report.refused == ["auth:3 refused: bad signature"])
        // Switch times are kept for the last epochs only.
        for epoch in 2...60 { state.applied(epoch, wallTime: Double(epoch)) }
        #expect(state.report.switchedAt.keys.min() == 60 - State.switchTimesKept + 1 && state.report.switchedAt[60] == 60)
    }
}
