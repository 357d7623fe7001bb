import Foundation
import Testing

@testable import Topology

/// Per-distribution routing policies: price classes, routing by resolver and the anycast-like
/// share, each checked against an exhaustive search written apart from the library's.
@Suite struct RoutingPolicyTests {
    /// `global.yaml` with one distribution line replaced, to give it a policy.
    static func global(with policy: String) throws -> Topology {
        let original = try String(contentsOfFile: Fixtures.topology("global"), encoding: .utf8)
        let yaml = original.replacingOccurrences(
            of: "    domain: d2global00001.cloudfront.net\n",
            with: "    domain: d2global00001.cloudfront.net\n\(policy)"
        )
        #expect(yaml != original)
        let report = TopologyLoader.check(
            yaml: yaml,
            file: "global.yaml",
            baseDirectory: Fixtures.packageRoot.appendingPathComponent("topologies").path
        )
        return try #require(report.topology, "\(report.diagnostics)")
    }

    /// The nearest of some edges to a viewer, by the same formula as ``RoutingTests``.
    static func nearest(_ topology: Topology, viewer: ViewerSpec, among edges: [EdgeSpec]) -> String? {
        edges.map { (id: $0.id, rtt: RoutingTests.expectedRTT(topology, viewer: viewer, edge: $0)) }
            .min { $0.rtt != $1.rtt ? $0.rtt < $1.rtt : $0.id < $1.id }?.id
    }

    @Test(arguments: [
        ("PriceClass_100", ["US", "CA", "MX", "GB", "IE", "FR", "DE", "NL", "ES", "IT", "SE", "PL", "AT", "CH", "FI", "IL"]),
        (
            "PriceClass_200",
            [
                "US", "CA", "MX", "GB", "IE", "FR", "DE", "NL", "ES", "IT", "SE", "PL", "AT", "CH", "FI", "IL", "TR", "AE", "EG", "NG", "KE", "ZA",
                "IN", "SG", "MY", "TH", "ID", "PH", "HK", "TW", "KR", "JP",
            ]
        ),
    ])
    func aPriceClassServesEveryViewerFromTheNearestEdgeInsideIt(priceClass: String, countries: [String]) throws {
        let topology = try Self.global(with: "    price_class: \(priceClass)\n")
        let distribution = try #require(topology.distributions.first)
        let inside = topology.edges.filter { countries.contains($0.location.country ?? "") }
        #expect(distribution.edges == inside.map(\.id))
        #expect(inside.count < topology.edges.count)
        for viewer in topology.viewers {
            let route = try topology.route(viewer: viewer.id)
            #expect(route.edge.id == Self.nearest(topology, viewer: viewer, among: inside), "viewer \(viewer.id)")
            #expect(route.reason == .nearest)
        }
        // Sydney is served from outside Oceania, and pays for it.
        let sydney = try topology.route(viewer: "sydney")
        let everywhere = try TopologyLoader.load(path: Fixtures.topology("global")).route(viewer: "sydney")
        #expect(sydney.edge.location.country != "AU")
        #expect(sydney.hops[0].rtt > everywhere.hops[0].rtt * 3)
    }

    @Test func routingByResolverSendsAViewerToTheEdgeNearItsResolver() throws {
        // Tokyo's viewer uses a resolver in Singapore; Paris's resolver is at home.
        let original = try String(contentsOfFile: Fixtures.topology("global"), encoding: .utf8)
        var yaml = original.replacingOccurrences(
            of: "    domain: d2global00001.cloudfront.net\n",
            with: "    domain: d2global00001.cloudfront.net\n    routing: { locate_by: resolver }\n"
        )
        let tokyoLine = try #require(yaml.split(separator: "\n").first { $0.hasPrefix("  tokyo: { location: tokyo") })
        yaml = yaml.replacingOccurrences(of: String(tokyoLine), with: String(tokyoLine.dropLast(2)) + ", resolver: singapore }")
        let report = TopologyLoader.check(
            yaml: yaml,
            file: "global.yaml",
            baseDirectory: Fixtures.packageRoot.appendingPathComponent("topologies").path
        )
        let topology = try #require(report.topology, "\(report.diagnostics)")
        let tokyo = try topology.route(viewer: "tokyo")
        #expect(tokyo.edge.location.country == "SG")
        #expect(tokyo.reason == .resolver)
        #expect(tokyo.alternatives.first?.edge.hasPrefix("NRT") == true)
        let paris = try topology.route(viewer: "paris")
        #expect(paris.reason == .nearest)
        #expect(paris.edge.id == Self.nearest(topology, viewer: try #require(topology.viewer("paris")), among: topology.edges))
    }

    @Test(arguments: [0.0, 0.25, 0.5, 1.0])
    func theAnycastShareSendsThatShareOfViewersToTheirSecondNearestEdge(share: Double) throws {
        let topology = try Self.global(with: "    routing: { second_nearest: \(share * 100)% }\n")
        let distribution = try #require(topology.distributions.first)
        var second = 0
        for viewer in topology.viewers {
            let route = try topology.route(viewer: viewer.id)
            let byDistance = topology.edges.map { (id: $0.id, rtt: RoutingTests.expectedRTT(topology, viewer: viewer, edge: $0)) }
                .sorted { $0.rtt != $1.rtt ? $0.rtt < $1.rtt : $0.id < $1.id }
            if route.reason == .secondNearest {
                second += 1
                #expect(route.edge.id == byDistance[1].id, "viewer \(viewer.id)")
            } else {
                #expect(route.edge.id == byDistance[0].id, "viewer \(viewer.id)")
            }
            #expect(topology.routedEdges(from: viewer.id, serving: distribution).first?.edge == route.edge.id)
        }
        #expect(second == Int((share * Double(topology.viewers.count)).rounded()))
        // The same viewers on every load: the choice is a stable hash, not a coin toss.
        let again = try Self.global(with: "    routing: { second_nearest: \(share * 100)% }\n")
        #expect(again.secondNearestViewers(of: distribution) == topology.secondNearestViewers(of: distribution))
    }

    @Test func aViewersPreferenceStaysPutWhenAnEdgeFails() throws {
        // Everyone is in the anycast share: each viewer prefers its second-nearest, then its nearest.
        let topology = try Self.global(with: "    routing: { second_nearest: 100% }\n")
        let viewer = try #require(topology.viewer("tokyo"))
        let byDistance = topology.edges.map { (id: $0.id, rtt: RoutingTests.expectedRTT(topology, viewer: viewer, edge: $0)) }
            .sorted { $0.rtt != $1.rtt ? $0.rtt < $1.rtt : $0.id < $1.id }.map(\.id)
        let preferred = try topology.route(viewer: "tokyo")
        #expect(preferred.edge.id == byDistance[1] && preferred.reason == .secondNearest)
        // Its second-nearest fails: it falls back to its nearest, not to its third.
        let fallback = try topology.route(viewer: "tokyo", excluding: [byDistance[1]])
        #expect(fallback.edge.id == byDistance[0] && fallback.reason == .failover)
        // Its nearest fails: nothing changes for it.
        let unmoved = try topology.route(viewer: "tokyo", excluding: [byDistance[0]])
        #expect(unmoved.edge.id == byDistance[1] && unmoved.reason == .secondNearest)
    }

    @Test func aLiveAnswerPastThePolicysChoiceIsAFailover() throws {
        let topology = try TopologyLoader.load(path: Fixtures.topology("minimal"))
        let normal = try topology.route(viewer: "tokyo-home", answered: "NRT50")
        #expect(normal.edge.id == "NRT50")
        #expect(normal.reason == .nearest)
        let failover = try topology.route(viewer: "tokyo-home", answered: "KIX50")
        #expect(failover.edge.id == "KIX50")
        #expect(failover.reason == .failover)
        #expect(failover.alternatives.map(\.edge) == ["NRT50"])
    }

    @Test func aResolverPolicyWithNoResolversIsAWarning() throws {
        let yaml = Fixtures.base.replacingOccurrences(
            of: "    origins: [site]\n",
            with: "    origins: [site]\n    routing: { locate_by: resolver }\n"
        )
        let report = try Fixtures.check(yaml)
        #expect(report.topology != nil)
        #expect(report.diagnostics.contains { $0.severity == .warning && $0.message.contains("no viewer has a 'resolver:'") })
    }
}
