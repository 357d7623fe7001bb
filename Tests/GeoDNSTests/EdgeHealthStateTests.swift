import CDNCore
import Testing

@testable import GeoDNS

/// Routing by health, fed probe outcomes: no sockets, no sleeps.
@Suite struct EdgeHealthStateTests {
    @Test func twoFailuresInARowTakeAnEdgeOutAndOneSuccessBringsItBack() {
        var state = EdgeHealthState()
        #expect(state.probed("NRT50", .healthy) == .none)
        #expect(state.probed("NRT50", .failed) == .none)
        #expect(state.outOfRouting.isEmpty)
        #expect(state.probed("NRT50", .failed) == .left(.silent))
        #expect(state.outOfRouting == ["NRT50"])
        #expect(state.probed("NRT50", .failed) == .none)  // already out: said once
        #expect(state.probed("NRT50", .healthy) == .returned)
        #expect(state.outOfRouting.isEmpty)
        #expect(state.probed("NRT50", .healthy) == .none)
    }

    @Test func aSuccessBetweenFailuresKeepsTheEdgeIn() {
        var state = EdgeHealthState()
        for _ in 0..<5 {
            #expect(state.probed("KIX50", .failed) == .none)
            #expect(state.probed("KIX50", .healthy) == .none)
        }
        #expect(state.outOfRouting.isEmpty)
    }

    @Test func anOverloadedEdgeLeavesSayingWhy() {
        var state = EdgeHealthState()
        _ = state.probed("KIX50", .overloaded)
        #expect(state.probed("KIX50", .overloaded) == .left(.overloaded))
        // A silent probe and an overloaded one both count; the one that crosses names the reason.
        _ = state.probed("NRT50", .overloaded)
        #expect(state.probed("NRT50", .failed) == .left(.silent))
        #expect(state.outOfRouting == ["KIX50", "NRT50"])
    }

    @Test func edgesAreCountedApart() {
        var state = EdgeHealthState(failuresToLeave: 3)
        _ = state.probed("A", .failed)
        _ = state.probed("B", .failed)
        _ = state.probed("A", .failed)
        #expect(state.outOfRouting.isEmpty)
        #expect(state.probed("A", .failed) == .left(.silent))
        #expect(state.outOfRouting == ["A"])
    }
}
