import EdgesimTestSupport
import Foundation
import Testing
import Topology

@Suite struct RouteCommandTests {
    struct RouteJSON: Decodable {
        struct Hop: Decodable {
            var from: String
            var to: String
            var rttMs: Double
        }
        var viewer: String
        var edge: String
        var hub: String
        var origin: String
        var hops: [Hop]
        var totalMs: Double
    }

    @Test func explainSaysWhatTheRequestMeets() async throws {
        let result = try await CLI.run(["route", "topologies/annotated.yaml", "--from", "tokyo-home", "--path", "/", "--explain"])
        #expect(result.status == 0, "\(result.stderr)")
        for line in [
            "GET / from tokyo-home at NRT50:", "geo restriction: blacklist KP; a viewer in JP is served",
            "default root object: / asks for /index.html",
            "on 404 from upstream: the page /index.html with 200, cached at least 10 s",
        ] {
            #expect(result.stdout.contains(line), "'\(line)' in:\n\(result.stdout)")
        }
        let json = try await CLI.run(["route", "topologies/annotated.yaml", "--from", "tokyo-home", "--path", "/", "--explain", "--json"])
        let routes = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        let lines = try #require(routes?.first?["explain"] as? [String], "\(json.stdout)")
        #expect(lines.contains("default root object: / asks for /index.html"), "\(lines)")

        let api = try await CLI.run(["route", "topologies/annotated.yaml", "--from", "tokyo-home", "--path", "/api/x", "--explain"])
        for line in [
            "cache policy api-short: TTL 0 s / 0 s / 60 s, key headers accept-language, query page",
            "origin request policy api-forward: headers x-api-version, plus cloudfront-viewer-country, cookies all, query all",
            "response headers policy api-headers: CORS for https://www.example.test; adds X-Content-Type-Options, X-Frame-Options, X-Served-By",
        ] {
            #expect(api.stdout.contains(line), "'\(line)' in:\n\(api.stdout)")
        }
        #expect(result.stdout.contains("legacy cache settings: TTL 0 s / 86400 s / 31536000 s"), "\(result.stdout)")
    }

    @Test func jsonAgreesWithTheLibraryForEveryViewer() async throws {
        let result = try await CLI.run(["route", "topologies/global.yaml", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let routes = try decoder.decode([RouteJSON].self, from: Data(result.stdout.utf8))
        let topology = try TopologyLoader.load(path: CLI.packageRoot.appendingPathComponent("topologies/global.yaml").path)
        #expect(routes.map(\.viewer) == topology.viewers.map(\.id))
        for printed in routes {
            let route = try topology.route(viewer: printed.viewer)
            #expect(printed.edge == route.edge.id && printed.hub == route.hub.id && printed.origin == route.origin.id)
            #expect(printed.hops.map(\.to) == [route.edge.id, route.hub.id, route.origin.id])
            #expect(abs(printed.totalMs - route.total.inMilliseconds) < 0.01)
            #expect(abs(printed.hops.map(\.rttMs).reduce(0, +) - printed.totalMs) < 0.01)
        }
    }

    @Test func oneViewerGetsEachHopAndTheRunnersUp() async throws {
        let result = try await CLI.run(["route", "topologies/minimal.yaml", "--from", "tokyo-home"])
        #expect(result.status == 0)
        for text in ["viewer → edge", "tokyo-home", "NRT50", "edge → hub", "ap-northeast-1", "hub → origin", "total", "next nearest edges: KIX50"] {
            #expect(result.stdout.contains(text), "missing \(text) in:\n\(result.stdout)")
        }
    }

    @Test func theTableHasARowPerViewer() async throws {
        let result = try await CLI.run(["route", "topologies/minimal.yaml"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").filter { $0.hasPrefix("tokyo-home") || $0.hasPrefix("osaka-office") }.count == 2)
    }

    @Test func anUnknownViewerIsExplained() async throws {
        let result = try await CLI.run(["route", "topologies/minimal.yaml", "--from", "osaka-ofice"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("unknown viewer 'osaka-ofice'; did you mean 'osaka-office'?"))
    }
}
