import CDNCore
import Testing
import Topology

@testable import Measure

/// Where a request's time went, read from the nodes' Server-Timing: each part counted once.
@Suite struct StageTimesTests {
    /// The stages from a `Server-Timing` value, read from its bytes as measure reads a response's.
    static func stages(_ value: String, total: Duration) -> StageTimes {
        var value = value
        return value.withUTF8 { StageTimes(serverTiming: UnsafeRawBufferPointer($0)[...], total: total) }
    }

    @Test func theStagesAddUpToTheTotalWithFunctionsTakenOutOfTheEdge() {
        let stages = Self.stages(
            "cdn-pop;desc=\"NRT50\", cdn-cache-miss, viewer-request;dur=1, origin-request;dur=0.5, edge;dur=3, hub;dur=4, origin;dur=6",
            total: .milliseconds(20)
        )
        #expect(stages.viewerRequest == 1 && stages.originRequest == 0.5)
        #expect(stages.edge == 2)  // the edge's 3 ms less the viewer-facing function's 1 ms
        #expect(stages.hub == 4 && stages.origin == 6)
        #expect(stages.viewerLink == 20 - 3 - 4 - 6 - 0.5)
        #expect(abs(stages.total - 20) < 1e-9)
    }

    @Test func aHitHasOnlyTheEdgeAndTheViewersLink() {
        let stages = Self.stages("cdn-cache-hit, cdn-hit-layer;desc=\"EDGE\", edge;dur=0.2", total: .milliseconds(8))
        #expect(stages.hub == 0 && stages.origin == 0 && stages.edge == 0.2)
        #expect(abs(stages.viewerLink - 7.8) < 1e-9)
    }

    @Test func meansDivideEveryStage() {
        var sum = Self.stages("edge;dur=2, hub;dur=4", total: .milliseconds(10))
        sum.add(Self.stages("edge;dur=4, hub;dur=8", total: .milliseconds(20)))
        let mean = sum.divided(by: 2)
        #expect(mean.edge == 3 && mean.hub == 6 && mean.viewerLink == 6)
        #expect(sum.divided(by: 0) == sum)
    }

    /// Read from the value's bytes, the stages are what the parsed value gives, by the first
    /// entry of each name, on generated values with repeats, gaps and malformed durations.
    @Test func theStagesFromBytesAreTheStagesFromTheParsedValue() {
        let names = [
            "edge", "hub", "origin", "viewer-request", "origin-request", "origin-response", "viewer-response", "cdn-pop", "edgy", "hut", "orig-n",
            "origin-respons", "viewer-responsx",
        ]
        let durations = ["1", "0.41", "2.05", "x", "", "1e1", "12.345"]
        var random = SeededRandom(seed: 5)
        for _ in 0..<2_000 {
            let entries = (0..<Int(random.next() % 9)).map { _ -> String in
                let name = names[Int(random.next() % UInt64(names.count))]
                let duration = durations[Int(random.next() % UInt64(durations.count))]
                return random.next() % 4 == 0 ? name : "\(name);dur=\(duration)"
            }
            let value = entries.joined(separator: random.next() % 2 == 0 ? ", " : ",")
            let total = Duration.milliseconds(Int64(random.next() % 50))
            let timing = ServerTiming(parsing: value)
            func ms(_ name: String) -> Double { timing.duration(name)?.inMilliseconds ?? 0 }
            var expected = StageTimes()
            (expected.viewerRequest, expected.originRequest) = (ms("viewer-request"), ms("origin-request"))
            (expected.originResponse, expected.viewerResponse) = (ms("origin-response"), ms("viewer-response"))
            (expected.hub, expected.origin) = (ms("hub"), ms("origin"))
            expected.edge = max(0, ms("edge") - expected.viewerRequest - expected.viewerResponse)
            expected.viewerLink = max(
                0,
                total.inMilliseconds - ms("edge") - expected.hub - expected.origin - expected.originRequest - expected.originResponse
            )
            #expect(Self.stages(value, total: total) == expected, "\(value)")
        }
    }

    @Test func edgeNamesAreMadeOncePerEdge() {
        var names = EdgeNames()
        var bytes = Array("NRT50".utf8)
        let first = bytes.withUnsafeBytes { names.name($0[...]) }
        bytes = Array("KIX50".utf8)
        let second = bytes.withUnsafeBytes { names.name($0[...]) }
        #expect(first == "NRT50" && second == "KIX50")
        #expect(Array("NRT50".utf8).withUnsafeBytes { names.name($0[...]) } == "NRT50")
    }

    @Test func theCacheResultIsReadFromXCache() {
        #expect(ResultType(xCache: "RefreshHit from cloudfront") == .refreshHit)
        #expect(ResultType(xCache: "LambdaGeneratedResponse from cloudfront") == .lambdaGeneratedResponse)
        #expect(ResultType(xCache: "Hit") == nil && ResultType(xCache: "Bogus from cloudfront") == nil)
        for result in ResultType.allCases {
            #expect(ResultType(xCache: result.xCache) == result)
            #expect(Array(result.xCache.utf8).withUnsafeBytes { ResultType(xCache: $0[...]) } == result)
        }
        #expect(Array("Hit".utf8).withUnsafeBytes { ResultType(xCache: $0[...]) } == nil)
    }

    @Test func theBehavioursThatMetARequestAreReadFromTheSameMetrics() {
        var value = "cdn-pop;desc=\"KIX50\", cors;desc=\"allowed\", origin-shield;desc=\"ap-northeast-1 hit\", "
        value += "cdn-hit-layer;desc=\"Origin Shield\", edge;dur=1, hub;dur=4, shield;dur=3, error-page;desc=\"/index.html\""
        var applied: AppliedBehaviours = []
        let stages = value.withUTF8 { StageTimes(serverTiming: UnsafeRawBufferPointer($0)[...], total: .milliseconds(10), applied: &applied) }
        #expect(applied == [.cors, .originShield, .errorPage] && applied.names == ["error-page", "cors", "origin-shield"])
        // The shield's time is inside the hub's: the stages still add up to the total.
        #expect(stages.hub == 4 && stages.edge == 1 && abs(stages.total - 10) < 1e-9)
        var none: AppliedBehaviours = []
        var plain = "cdn-pop;desc=\"NRT50\", cdn-cache-hit, edge;dur=0.2"
        _ = plain.withUTF8 { StageTimes(serverTiming: UnsafeRawBufferPointer($0)[...], total: .milliseconds(8), applied: &none) }
        #expect(none.isEmpty)
    }
}
