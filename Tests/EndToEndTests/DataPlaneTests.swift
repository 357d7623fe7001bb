import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The request path over real processes and sockets: two cache tiers, CloudFront's headers,
/// errors, invalidation, coalescing and the launcher's process handling.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct DataPlaneTests {
    @Test func edgeMissThenHitAndASecondEdgeHitsTheHub() async throws {
        try await withNetwork(try TestTopology.make().path) { network in
            let first = try await network.request("/index.html", from: "tokyo-home")
            #expect(first.status == 200)
            #expect(String(buffer: first.body) == "<h1>home</h1>\n")
            #expect(first.header("X-Cache") == "Miss from cloudfront")
            #expect(first.header("X-Amz-Cf-Pop") == "NRT50")
            let timing = first.header("Server-Timing") ?? ""
            #expect(timing.contains("cdn-cache-miss") && timing.contains("cdn-hit-layer;desc=\"Origin\""), "\(timing)")
            #expect(timing.contains("hub;dur=") && timing.contains("origin;dur="), "\(timing)")

            let second = try await network.request("/index.html", from: "tokyo-home")
            #expect(second.header("X-Cache") == "Hit from cloudfront")
            #expect(second.header("Age") != nil)
            #expect(second.header("Server-Timing")?.contains("cdn-hit-layer;desc=\"EDGE\"") == true)
            #expect(second.header("X-Amz-Cf-Id") != first.header("X-Amz-Cf-Id"))

            let otherEdge = try await network.request("/index.html", from: "osaka-office")
            #expect(otherEdge.header("X-Amz-Cf-Pop") == "KIX50")
            #expect(otherEdge.header("X-Cache") == "Miss from cloudfront")
            #expect(otherEdge.header("Server-Timing")?.contains("cdn-hit-layer;desc=\"REC\"") == true)
            #expect(try await network.counter("edgesim_requests_total", of: "site") == 1)
        }
    }

    @Test func cloudFrontHeadersHaveCloudFrontsFormats() async throws {
        try await withNetwork(try TestTopology.make().path) { network in
            let reply = try await network.request("/api.json", from: "tokyo-home")
            let id = try #require(reply.header("X-Amz-Cf-Id"))
            #expect(id.wholeMatch(of: /[A-Za-z0-9_-]{54}==/) != nil, "\(id)")
            let via = try #require(reply.header("Via"))
            #expect(via.wholeMatch(of: /1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)/) != nil, "\(via)")
            #expect(reply.header("Content-Type") == "application/json")
            #expect(reply.header("ETag") != nil && reply.header("Last-Modified") != nil)
            #expect(reply.header("Cache-Control") == "public, max-age=60")
            #expect(reply.header("Server-Timing")?.contains("cdn-pop;desc=\"NRT50\"") == true)
        }
    }

    @Test func rangesAndConditionalRequestsWorkThroughTheEdge() async throws {
        try await withNetwork(try TestTopology.make().path) { network in
            let range = try await network.request("/large.bin", from: "tokyo-home", headers: [("Range", "bytes=100-199")])
            #expect(range.status == 206)
            #expect(range.body.readableBytes == 100)
            #expect(range.header("Content-Range") == "bytes 100-199/65536")

            let full = try await network.request("/large.bin", from: "tokyo-home")
            #expect(full.status == 200 && full.body.readableBytes == 65_536)
            let etag = try #require(full.header("ETag"))
            let revalidated = try await network.request("/large.bin", from: "tokyo-home", headers: [("If-None-Match", etag)])
            #expect(revalidated.status == 304)
            #expect(revalidated.header("X-Cache") == "Hit from cloudfront")
            #expect(revalidated.body.readableBytes == 0)
        }
    }

    @Test func anExpiredObjectIsRevalidatedAsARefreshHit() async throws {
        try await withNetwork(try TestTopology.make().path) { network in
            #expect(try await network.request("/ttl/object.txt", from: "tokyo-home").header("X-Cache") == "Miss from cloudfront")
            try await Task.sleep(for: .milliseconds(1_500))
            let refreshed = try await network.request("/ttl/object.txt", from: "tokyo-home")
            #expect(refreshed.status == 200)
            #expect(refreshed.header("X-Cache") == "RefreshHit from cloudfront")
            #expect(String(buffer: refreshed.body) == "short-lived\n")
        }
    }

    @Test func invalidationReachesEveryEdgeAndHub() async throws {
        try await withNetwork(try TestTopology.make().path) { network in
            _ = try await network.request("/api.json", from: "tokyo-home")
            _ = try await network.request("/api.json", from: "osaka-office")
            #expect(try await network.request("/api.json", from: "tokyo-home").header("X-Cache") == "Hit from cloudfront")
            let result = try await CLI.run(["invalidate", "E2ETEST000001", "/api.*", "--state-dir", network.stateDirectory.path])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("NRT50") && result.stdout.contains("ap-northeast-1"))
            let after = try await network.request("/api.json", from: "tokyo-home")
            #expect(after.header("X-Cache") == "Miss from cloudfront")
            #expect(after.header("Server-Timing")?.contains("cdn-hit-layer;desc=\"Origin\"") == true)
            #expect(try await network.request("/api.json", from: "osaka-office").header("X-Cache") == "Miss from cloudfront")
        }
    }

    @Test func originErrorsGetCloudFrontsAnswerAndTheEdgeKeepsServing() async throws {
        try await withNetwork(try TestTopology.make().path) { network in
            let missing = try await network.request("/missing.html", from: "tokyo-home")
            #expect(missing.status == 404)
            #expect(missing.header("X-Cache") == "Error from cloudfront")

            let down = try await network.request("/down/anything", from: "tokyo-home")
            #expect(down.status == 502)
            #expect(down.header("X-Cache") == "Error from cloudfront")
            #expect(down.header("Server") == "CloudFront")
            #expect(String(buffer: down.body).contains("The request could not be satisfied"))

            #expect(try await network.request("/index.html", from: "tokyo-home").status == 200)
        }
    }

    @Test func anyHTTPServerCanBeACustomOrigin() async throws {
        let server = try PythonHTTPServer.start()
        defer { server.stop() }
        try await withNetwork(try TestTopology.make(customOrigin: "http://127.0.0.1:\(server.port)").path) { network in
            let reply = try await network.request("/down/hello.txt", from: "tokyo-home")
            #expect(reply.status == 200)
            #expect(String(buffer: reply.body) == "hello from python\n")
            #expect(reply.header("X-Cache") == "Miss from cloudfront")
            #expect(try await network.request("/down/hello.txt", from: "tokyo-home").header("X-Cache") == "Hit from cloudfront")
        }
    }

    @Test func aKilledOriginGives502ThenIsRestarted() async throws {
        try await withNetwork(try TestTopology.make().path) { network in
            #expect(try await network.request("/index.html", from: "tokyo-home").status == 200)
            let origin = try network.node("site")
            kill(origin.pid, SIGKILL)
            let failed = try await network.request("/object-1.txt", from: "tokyo-home")
            #expect([502, 504].contains(failed.status))
            #expect(failed.header("X-Cache") == "Error from cloudfront")
            #expect(try await network.request("/index.html", from: "tokyo-home").header("X-Cache") == "Hit from cloudfront")

            let deadline = ContinuousClock.now + .seconds(20)
            var served = false
            while !served, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                served = try await network.request("/object-2.txt", from: "tokyo-home").status == 200
            }
            #expect(served, "the origin was not restarted")
            try network.reload()
            #expect(try network.node("site").restarts >= 1)
            #expect(try network.node("site").pid != origin.pid)
        }
    }

    @Test func aBurstOfMissesMakesOneOriginFetch() async throws {
        try await withNetwork(try TestTopology.make().path) { network in
            let before = try await network.counter("edgesim_requests_total", of: "site")
            let results = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<16 { group.addTask { try await network.request("/object-5.txt", from: "tokyo-home").header("X-Cache") } }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == "Miss from cloudfront" }.count == 1, "\(results)")
            #expect(results.filter { $0 == "Hit from cloudfront" }.count == 15, "\(results)")
            #expect(try await network.counter("edgesim_requests_total", of: "site") - before == 1)
        }
    }

    @Test func methodsCloudFrontDoesNotCacheSkipTheHub() async throws {
        try await withNetwork(try TestTopology.make().path) { network in
            let edge = try network.node("NRT50")
            let viewer = try #require(network.state.viewer("tokyo-home"))
            let reply = try await ViewerClient.get(
                method: .POST,
                host: edge.host,
                port: edge.port,
                path: "/form",
                from: viewer.address,
                body: .init(string: "a=1")
            )
            #expect(reply.header("X-Cache") == "Error from cloudfront")  // the static origin has no POST route: 404
            let timing = reply.header("Server-Timing") ?? ""
            #expect(!timing.contains("hub;") && timing.contains("origin;dur="), "\(timing)")
            #expect(try await network.counter("edgesim_requests_total", of: "ap-northeast-1") == 0)
            #expect(try await network.counter("edgesim_requests_total", of: "site") == 1)
        }
    }

    @Test func oversizedAndMalformedRequestsGetCloudFrontsStatus() async throws {
        try await withNetwork(try TestTopology.make().path) { network in
            let edge = try network.node("NRT50")
            let large = try await ViewerClient.get(
                host: edge.host,
                port: edge.port,
                path: "/index.html",
                from: nil,
                headers: [("X-Padding", String(repeating: "p", count: 25_000))]
            )
            #expect(large.status == 413)
            let longURL = try await ViewerClient.get(host: edge.host, port: edge.port, path: "/" + String(repeating: "u", count: 9_000), from: nil)
            #expect(longURL.status == 413)
            let garbage = try await RawConnection.exchange("NOT HTTP AT ALL\r\n\r\n", host: edge.host, port: edge.port)
            #expect(garbage.hasPrefix("HTTP/1.1 400"), "\(garbage)")
            #expect(try await network.request("/index.html", from: "tokyo-home").status == 200)
        }
    }

    @Test func aKilledLauncherLeavesNoOrphans() async throws {
        let network = try await RunningNetwork.start(try TestTopology.make().path)
        kill(network.launcher.processIdentifier, SIGKILL)
        let survivors = await RunningNetwork.waitForExit(network.state.nodes.map(\.pid), within: .seconds(10))
        #expect(survivors.isEmpty, "nodes outlived a killed launcher: \(survivors)")
        for pid in survivors { kill(pid, SIGKILL) }
        network.launcher.waitUntilExit()
    }

    @Test func downStopsTheNetworkAndStatusReportsIt() async throws {
        let network = try await RunningNetwork.start(try TestTopology.make().path)
        let status = try await CLI.run(["status", "--state-dir", network.stateDirectory.path])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("NRT50") && status.stdout.contains("ok"))
        let down = try await CLI.run(["down", "--state-dir", network.stateDirectory.path])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(await RunningNetwork.waitForExit([network.launcher.processIdentifier] + network.state.nodes.map(\.pid), within: .seconds(10)).isEmpty)
        let after = try await CLI.run(["status", "--state-dir", network.stateDirectory.path])
        #expect(after.status == 1 && after.stderr.contains("no network is running"))
        network.launcher.waitUntilExit()
    }
}
