import CDNCore
import Testing

@testable import Measure

/// Where a request's time went, read from the nodes' Server-Timing: each part counted once.
@Suite struct StageTimesTests {
    @Test func theStagesAddUpToTheTotalWithFunctionsTakenOutOfTheEdge() {
        let timing = ServerTiming(
            parsing: "cdn-pop;desc=\"NRT50\", cdn-cache-miss, viewer-request;dur=1, origin-request;dur=0.5, edge;dur=3, hub;dur=4, origin;dur=6"
        )
        let stages = StageTimes(serverTiming: timing, total: .milliseconds(20))
        #expect(stages.viewerRequest == 1 && stages.originRequest == 0.5)
        #expect(stages.edge == 2)  // the edge's 3 ms less the viewer-facing function's 1 ms
        #expect(stages.hub == 4 && stages.origin == 6)
        #expect(stages.viewerLink == 20 - 3 - 4 - 6 - 0.5)
        #expect(abs(stages.total - 20) < 1e-9)
    }

    @Test func aHitHasOnlyTheEdgeAndTheViewersLink() {
        let stages = StageTimes(
            serverTiming: ServerTiming(parsing: "cdn-cache-hit, cdn-hit-layer;desc=\"EDGE\", edge;dur=0.2"),
            total: .milliseconds(8)
        )
        #expect(stages.hub == 0 && stages.origin == 0 && stages.edge == 0.2)
        #expect(abs(stages.viewerLink - 7.8) < 1e-9)
    }

    @Test func meansDivideEveryStage() {
        var sum = StageTimes(serverTiming: ServerTiming(parsing: "edge;dur=2, hub;dur=4"), total: .milliseconds(10))
        sum.add(StageTimes(serverTiming: ServerTiming(parsing: "edge;dur=4, hub;dur=8"), total: .milliseconds(20)))
        let mean = sum.divided(by: 2)
        #expect(mean.edge == 3 && mean.hub == 6 && mean.viewerLink == 6)
        #expect(sum.divided(by: 0) == sum)
    }

    @Test func theCacheResultIsReadFromXCache() {
        #expect(ResultType(xCache: "RefreshHit from cloudfront") == .refreshHit)
        #expect(ResultType(xCache: "LambdaGeneratedResponse from cloudfront") == .lambdaGeneratedResponse)
        #expect(ResultType(xCache: "Hit") == nil && ResultType(xCache: "Bogus from cloudfront") == nil)
        for result in ResultType.allCases { #expect(ResultType(xCache: result.xCache) == result) }
    }
}
