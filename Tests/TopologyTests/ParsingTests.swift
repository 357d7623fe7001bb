import Foundation
import Testing

@testable import Topology

@Suite struct ParsingTests {
    @Test func minimalTopology() throws {
        let topology = try TopologyLoader.load(path: Fixtures.topology("minimal"))
        #expect(topology.name == "minimal")
        #expect(topology.edges.map(\.id) == ["NRT50", "KIX50"])
        #expect(topology.hubs.map(\.id) == ["ap-northeast-1"])
        #expect(topology.origins.count == 1)
        #expect(topology.viewers.map(\.id) == ["tokyo-home", "osaka-office"])
        let edge = try #require(topology.edge("KIX50"))
        #expect(edge.hub == "ap-northeast-1")
        #expect(edge.location.city == "Osaka")
        #expect(edge.location.timeZone == "Asia/Tokyo")
        #expect(edge.listen == ListenAddress(host: "127.0.0.1", port: 0))
        guard case .staticFolder(let path) = try #require(topology.origin("site")).kind else {
            Issue.record("the minimal origin is a static folder")
            return
        }
        #expect(FileManager.default.fileExists(atPath: path + "/index.html"))
    }

    @Test func globalTopologyCoversEveryContinent() throws {
        let topology = try TopologyLoader.load(path: Fixtures.topology("global"))
        #expect(topology.edges.count >= 36)
        #expect(topology.hubs.count >= 6)
        let countries = Set(topology.viewers.compactMap(\.location.country))
        // North and South America, Europe, Africa, Asia, Oceania, Antarctica.
        for country in ["US", "BR", "GB", "ZA", "JP", "AU", "AQ"] { #expect(countries.contains(country)) }
        #expect(topology.edges.allSatisfy { $0.id.wholeMatch(of: IdentifierRules.edge) != nil })
    }

    @Test func smallFilesGetSensibleDefaults() throws {
        let topology = try Fixtures.load(Fixtures.base)
        let distribution = try #require(topology.distribution("E2TEST000001"))
        #expect(distribution.domainName.hasSuffix(".cloudfront.net"))
        #expect(distribution.domainName.count == "d".count + 13 + ".cloudfront.net".count)
        #expect(distribution.edges == ["NRT50", "KIX50"])
        #expect(distribution.behaviors.map(\.pathPattern) == ["/api/*", "*"])
        let fallback = try #require(distribution.behaviors.last)
        #expect(fallback.origin == "site")
        #expect(fallback.defaultTTL == .seconds(86_400))
        #expect(fallback.maximumTTL == .seconds(31_536_000))
        #expect(topology.viewer("office")?.access == LatencyModel.Default.viewerAccess)
        #expect(topology.viewer("home")?.access == .milliseconds(8))
        #expect(topology.registry.location.city == "Ashburn")
        let function = try #require(topology.function("auth"))
        #expect(function.runtime == .nodejs)
        #expect(function.memoryMegabytes == 128)
        #expect(
            distribution.behaviors[0].functions[.viewerRequest]
                == FunctionAssociation(
                    event: .viewerRequest,
                    function: "auth",
                    version: 1,
                    source: distribution.behaviors[0].functions[.viewerRequest]?.source
                )
        )
    }

    @Test func everyFieldTheFormatHas() throws {
        let yaml = """
            name: full
            latency: { fibre_km_per_s: 200000, inflation: 1.5, inflation_per_1000km: 0, node_access: 2 ms, viewer_access: 20 ms }
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, country_name: Japan, city: Tokyo, region: "13", region_name: Tokyo, time_zone: Asia/Tokyo, postal_code: "100-0001", metro_code: "0", asn: 2516 }
            registry: { location: tokyo, port: 9400 }
            hubs:
              ap-northeast-1: { location: tokyo, host: 127.0.0.2, port: 9401 }
            edges:
              NRT50: { location: { lat: 35.77, lon: 140.39, city: Narita }, hub: ap-northeast-1, port: 9402 }
            origins:
              site: { location: tokyo, static: site, cache_control: "max-age=60" }
              api: { location: tokyo, url: "http://127.0.0.1:8080/v1" }
            viewers:
              home: { location: tokyo, access: 3 ms, address: 127.0.1.1 }
            functions:
              rewrite: { runtime: python3.12, handler: app.handler, code: fn, memory: 256 MB, timeout: 20 s }
            distributions:
              E2FULL0000001:
                domain: d2full0000001.cloudfront.net
                origins: [site, api]
                edges: all
                behaviors:
                  - path: /api/*
                    origin: api
                    ttl: { min: 0 s, default: 10 s, max: 1 min }
                    cache_key: { query_strings: [page, q], headers: [Accept-Language], cookies: all }
                    functions:
                      origin-request: { function: rewrite, version: 1, include_body: true }
                  - path: "*"
                    origin: site
            links:
              - { between: [home, NRT50], rtt: 5 ms, jitter: 1 ms, loss: 0.1%, bandwidth: 100 Mbit }
            """
        let topology = try Fixtures.load(yaml)
        #expect(topology.name == "full")
        #expect(
            topology.latencyModel
                == LatencyModel(
                    fibreKilometresPerSecond: 200_000,
                    inflation: 1.5,
                    inflationPer1000Kilometres: 0,
                    nodeAccess: .milliseconds(2),
                    viewerAccess: .milliseconds(20)
                )
        )
        #expect(topology.registry.listen.port == 9400)
        #expect(topology.hub("ap-northeast-1")?.listen == ListenAddress(host: "127.0.0.2", port: 9401))
        #expect(topology.edge("NRT50")?.location.city == "Narita")
        #expect(topology.origin("api")?.kind == .url("http://127.0.0.1:8080/v1"))
        #expect(topology.viewer("home")?.address == "127.0.1.1")
        #expect(topology.viewer("home")?.location.asn == 2516)
        let function = try #require(topology.function("rewrite"))
        #expect(function.runtime == .python && function.memoryMegabytes == 256 && function.timeout == .seconds(20))
        let api = try #require(topology.distribution("d2full0000001.cloudfront.net")?.behaviors.first)
        #expect(api.cacheKey == CacheKeyPolicy(queryStrings: .only(["page", "q"]), headers: ["accept-language"], cookies: .all))
        #expect(api.functions[.originRequest]?.includeBody == true)
        #expect(api.maximumTTL == .seconds(60))
        let link = try #require(topology.link(between: "NRT50", and: "home"))
        #expect(link.rtt == .milliseconds(5) && link.jitter == .milliseconds(1) && link.loss == 0.001 && link.bandwidth == 1e8 && link.isOverridden)
    }

    @Test(arguments: [
        ("*", "/anything/at/all", true), ("/images/*.jpg", "/images/a/b.jpg", true), ("images/*.jpg", "/images/cat.jpg", true),
        ("/images/*.jpg", "/images/cat.png", false), ("/a?c", "/abc", true), ("/a?c", "/ac", false), ("/API/*", "/api/x", false),
        ("/*/index.html", "/docs/index.html", true), ("/*.*", "/noextension", false), ("*.jpg", "/a/b.jpg", true),
        ("/a*b*c", "/aXbYbZc", true), ("/a*b*c", "/aXbYbZ", false),
    ])
    func pathPatternsMatchAsCloudFrontDoes(pattern: String, path: String, matches: Bool) {
        #expect(CacheBehavior(pathPattern: pattern, origin: "o").matches(path: path) == matches)
    }

    @Test func behaviorsMatchInOrder() throws {
        let topology = try TopologyLoader.load(path: Fixtures.topology("global"))
        let distribution = try #require(topology.distributions.first)
        #expect(distribution.behavior(forPath: "/media/cat.jpg").origin == "media")
        #expect(distribution.behavior(forPath: "/api/users").pathPattern == "/api/*")
        #expect(distribution.behavior(forPath: "/index.html").pathPattern == "*")
    }

    @Test func overridesWinButNeverBeatLight() throws {
        var topology = try Fixtures.load(Fixtures.base)
        let modelled = try #require(topology.link(between: "office", and: "NRT50"))
        #expect(!modelled.isOverridden)
        topology.links = [LinkOverride(between: "NRT50", and: "office", rtt: .microseconds(1))]
        let overridden = try #require(topology.link(between: "office", and: "NRT50"))
        #expect(overridden.rtt == topology.latencyModel.fibreFloor(kilometres: modelled.kilometres))
    }
}

@Suite struct ReadmeTests {
    /// The README's topology example is `topologies/annotated.yaml`, so the example is always valid.
    @Test func theReadmeExampleIsTheAnnotatedTopology() throws {
        let readme = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## The topology file"))
        let block = try #require(readme[section.upperBound...].firstMatch(of: /```yaml\n((?s).*?)```/)?.1)
        let file = try String(contentsOfFile: Fixtures.topology("annotated"), encoding: .utf8)
        #expect(String(block) == file)
        let topology = try TopologyLoader.load(path: Fixtures.topology("annotated"))
        #expect(topology.functions.map(\.name) == ["auth"])
        #expect(topology.link(between: "tokyo-home", and: "NRT50")?.rtt == .milliseconds(3))
    }
}
