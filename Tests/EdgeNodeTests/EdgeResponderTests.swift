import CDNCore
import EdgesimTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import Topology

@testable import EdgeNode

/// The edge's request path in this process: the real responder, called as the viewer listener
/// calls it, with stub trigger stages and a stub hub on a real loopback socket.
@Suite struct EdgeResponderTests {
    struct Edge {
        let responder: EdgeResponder
        let hub: StubHub
        let metrics: NodeMetrics

        /// A GET with `Host: localhost`, which names no distribution, so the edge serves its only one.
        func get(_ path: String) async -> ViewerResponse {
            await ask(path).response
        }

        /// The responder's answer to that GET, ready or not.
        func ask(_ path: String) -> ViewerAnswer {
            responder.respond(to: IncomingRequest(head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: path)))
        }
    }

    /// Runs a body against an edge of `topologies/minimal.yaml` (NRT50) whose hub is a stub.
    static func withEdge(
        _ triggers: StubTriggers = StubTriggers(),
        hub: StubHub = StubHub(),
        inFlightLimit: Int = 16,
        _ body: @escaping @Sendable (Edge) async throws -> Void
    ) async throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("topologies/minimal.yaml").path
        let topology = try #require(TopologyLoader.check(path: file).topology)
        let hubApp = Application(router: hub.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await hubApp.test(.live) { hubClient in
            let port = try #require(hubClient.port)
            let upstream = UpstreamClient()
            let metrics = NodeMetrics(node: "NRT50", role: .edge)
            let responder = EdgeResponder(
                id: "NRT50",
                topology: topology,
                viewers: ViewerDirectory(topology: topology, edge: "NRT50"),
                hub: UpstreamLink(id: "ap-northeast-1", port: port, hostHeader: "ap-northeast-1"),
                origins: [:],
                cache: CacheTier(capacity: 1 << 20, prepare: EdgeResponder.prepareForViewers),
                client: upstream,
                config: ActiveConfig(.init(epoch: 3, triggers: triggers, distributions: ServedDistributions(topology, edge: "NRT50"))),
                metrics: metrics,
                via: CloudFrontIDs.via(host: CloudFrontIDs.viaHost()),
                shedder: LoadShedder(limit: inFlightLimit),
                httpsPort: BoundPort(),
                logger: Logger(label: "test")
            )
            try await withServicesRunning([upstream], logger: Logger(label: "test")) {
                try await body(Edge(responder: responder, hub: hub, metrics: metrics))
            }
        }
    }

    @Test func aMissFetchesThroughTheHubAndTheNextRequestIsAnEdgeHit() async throws {
        try await Self.withEdge { edge in
            let first = await edge.get("/a.txt")
            #expect(first.status == .ok && String(buffer: first.body) == "hello from /a.txt")
            #expect(first.headers[.xCache] == "Miss from cloudfront")
            #expect(first.headers[.amzCfPop] == "NRT50" && first.headers[.edgesimConfigEpoch] == "3")
            #expect(first.headers[.via]?.hasSuffix(".cloudfront.net (CloudFront)") == true)
            let timing = ServerTiming(parsing: first.headers[.serverTiming] ?? "")
            #expect(timing.contains("cdn-cache-miss") && timing.detail("cdn-hit-layer") == "Origin", "\(timing)")
            #expect(timing.duration("origin") == .milliseconds(2) && timing.duration("hub") != nil, "\(timing)")
            // What the hub heard, and what the viewer never sees.
            let asked = try #require(edge.hub.lastFields)
            #expect(asked[.edgesimDistribution] == "E2MINIMAL0001" && asked[.edgesimBehavior] == "*" && asked[.edgesimOrigin] == "site")
            #expect(asked[.userAgent] == "Amazon CloudFront" && asked[.amzCfID] == first.headers[.amzCfID])
            #expect(first.headers.allSatisfy { !$0.name.canonicalName.hasPrefix("x-edgesim-") }, "\(first.headers)")

            let second = await edge.get("/a.txt")
            #expect(second.headers[.xCache] == "Hit from cloudfront" && second.headers[.age] != nil)
            #expect(ServerTiming(parsing: second.headers[.serverTiming] ?? "").detail("cdn-hit-layer") == "EDGE")
            #expect(edge.hub.requests == 1)
            #expect(second.headers[.amzCfID] != first.headers[.amzCfID])
            let metrics = edge.metrics.exposition()
            #expect(metrics.contains("edgesim_cache_hits_total{node=\"NRT50\",role=\"edge\"} 1"), "\(metrics)")
            #expect(metrics.contains("edgesim_cache_misses_total{node=\"NRT50\",role=\"edge\"} 1"), "\(metrics)")
        }
    }

    /// A hit that no function sees is answered at once, with the fields its cache prepared:
    /// the object's own, in order, already encoded, and none the edge sets itself.
    @Test func aPlainHitIsAnsweredAtOnceWithTheFieldsItsCachePrepared() async throws {
        try await Self.withEdge { edge in
            guard case .later = edge.ask("/p.txt") else {
                Issue.record("a miss was answered without fetching")
                return
            }
            _ = await edge.get("/p.txt")  // now cached
            guard case .now(let hit) = edge.ask("/p.txt") else {
                Issue.record("a plain hit waited for a task")
                return
            }
            #expect(hit.headers[.xCache] == "Hit from cloudfront" && hit.headers[.age] != nil)
            #expect(hit.fields[.eTag] == "\"v1\"" && hit.fields[.contentType] == "text/plain")
            #expect(hit.fields.allSatisfy { !EdgeResponder.isSetByTheEdge($0.name, age: true) && !ResponseHead.isOwn($0.name) }, "\(hit.fields)")
            let encoded = try #require(hit.encodedFields)
            #expect(String(buffer: encoded) == hit.fields.map { "\($0.name.rawName): \($0.value)\r\n" }.joined())
        }
        // A viewer-request function sees every request, so even a hit goes through a task.
        try await Self.withEdge(StubTriggers(viewerRequest: .pass)) { edge in
            _ = await edge.get("/p.txt")
            #expect(await edge.get("/p.txt").headers[.xCache] == "Hit from cloudfront")
            guard case .later = edge.ask("/p.txt") else {
                Issue.record("a hit a function must see was answered at once")
                return
            }
        }
    }

    /// The viewer fields are made for a cache key only when its policy names one of them.
    @Test func aKeyNeedsTheViewerFieldsOnlyWhenItsPolicyNamesOne() {
        #expect(!EdgeResponder.keyNamesViewerField(CacheKeyPolicy()))
        #expect(!EdgeResponder.keyNamesViewerField(CacheKeyPolicy(headers: ["Accept-Language", "Origin"])))
        #expect(EdgeResponder.keyNamesViewerField(CacheKeyPolicy(headers: ["Origin", "CloudFront-Viewer-Country"])))
        #expect(EdgeResponder.keyNamesViewerField(CacheKeyPolicy(headers: ["cloudfront-is-mobile-viewer"])))
        #expect(EdgeResponder.keyNamesViewerField(CacheKeyPolicy(headers: ["CloudFront-Forwarded-Proto"])))
    }

    @Test func aHubThatHadTheObjectIsTheRegionalLayer() async throws {
        try await Self.withEdge(hub: StubHub(result: .hit)) { edge in
            let reply = await edge.get("/b.txt")
            #expect(reply.headers[.xCache] == "Miss from cloudfront")
            #expect(ServerTiming(parsing: reply.headers[.serverTiming] ?? "").detail("cdn-hit-layer") == "REC")
        }
    }

    @Test func aViewerRequestFunctionsResponseIsNeitherCachedNorSeenByViewerResponse() async throws {
        var triggers = StubTriggers()
        triggers.viewerRequest = .respond(status: 200, body: "made at the edge")
        triggers.viewerResponseHeader = ("X-Vrs", "ran")
        try await Self.withEdge(triggers) { edge in
            for _ in 0..<2 {
                let reply = await edge.get("/c")
                #expect(String(buffer: reply.body) == "made at the edge")
                #expect(reply.headers[.xCache] == "LambdaGeneratedResponse from cloudfront")
                #expect(reply.headers[.edgesimFunctions] == "vr:1" && reply.headers[HTTPField.Name("X-Vrs")!] == nil)
            }
            #expect(edge.hub.requests == 0)
        }
    }

    @Test func anOriginRequestFunctionsResponseIsCachedAndNamedOnlyOnItsFirstDelivery() async throws {
        var triggers = StubTriggers()
        triggers.originRequest = .respond(status: 200, body: "made for the cache")
        try await Self.withEdge(triggers) { edge in
            let first = await edge.get("/d")
            #expect(first.headers[.xCache] == "LambdaGeneratedResponse from cloudfront" && first.headers[.edgesimFunctions] == "or:1")
            #expect(ServerTiming(parsing: first.headers[.serverTiming] ?? "").duration("origin-request") != nil)
            let second = await edge.get("/d")
            #expect(second.headers[.xCache] == "Hit from cloudfront" && String(buffer: second.body) == "made for the cache")
            #expect(second.headers[.edgesimFunctions] == nil, "an origin function does not run on a hit")
            #expect(edge.hub.requests == 0)
        }
    }

    @Test func originStageFunctionsCountOnTheMissOnlyAndViewerResponseOnEveryDelivery() async throws {
        var triggers = StubTriggers()
        triggers.originRequest = .addHeader("X-From-Or", "1")
        triggers.originResponseHeader = ("X-Ors", "stored")
        triggers.viewerResponseHeader = ("X-Vrs", "ran")
        try await Self.withEdge(triggers) { edge in
            let miss = await edge.get("/e")
            #expect(miss.headers[.edgesimFunctions] == "or:1, ors:1, vrs:1")
            let stages = ServerTiming(parsing: miss.headers[.serverTiming] ?? "")
            #expect(["origin-request", "origin-response", "viewer-response"].allSatisfy { stages.duration($0) != nil }, "\(stages)")
            #expect(edge.hub.lastFields?[HTTPField.Name("X-From-Or")!] == "1")
            let hit = await edge.get("/e")
            #expect(hit.headers[.xCache] == "Hit from cloudfront" && hit.headers[.edgesimFunctions] == "vrs:1")
            #expect(hit.headers[HTTPField.Name("X-Ors")!] == "stored" && hit.headers[HTTPField.Name("X-Vrs")!] == "ran")
            #expect(ServerTiming(parsing: hit.headers[.serverTiming] ?? "").duration("origin-request") == nil)
        }
    }

    @Test func aFailedFunctionGetsCloudFrontsStatusAndXCache() async throws {
        for (kind, status, xCache) in [
            (FunctionFailure.Kind.validation, 502, "LambdaValidationError"), (.execution, 500, "LambdaExecutionError"),
            (.limitExceeded, 503, "LambdaLimitExceeded"),
        ] {
            var triggers = StubTriggers()
            triggers.viewerRequest = .fail(kind, status: status)
            try await Self.withEdge(triggers) { edge in
                let reply = await edge.get("/f")
                #expect(reply.status.code == status && reply.headers[.xCache] == "\(xCache) from cloudfront")
                #expect(edge.hub.requests == 0)
            }
        }
    }

    @Test func pastItsInFlightLimitTheEdgeShedsWith503AndRetryAfter() async throws {
        try await Self.withEdge(inFlightLimit: 0) { edge in
            let reply = await edge.get("/g")
            #expect(reply.status == .serviceUnavailable && reply.headers[.retryAfter] == "1")
            #expect(reply.headers[.xCache] == "Error from cloudfront")
            #expect(edge.hub.requests == 0)
        }
    }
}
