import Foundation
import Testing

@testable import Topology

@Suite struct RoutingTests {
    /// The round trip from a viewer to an edge, computed from the formula directly (not through
    /// the library's model), so the check does not share the code it checks.
    static func expectedRTT(_ topology: Topology, viewer: ViewerSpec, edge: EdgeSpec) -> Double {
        let a = viewer.location.coordinate
        let b = edge.location.coordinate
        let rad = Double.pi / 180
        let h =
            pow(sin((b.latitude - a.latitude) * rad / 2), 2) + cos(a.latitude * rad) * cos(b.latitude * rad)
            * pow(sin((b.longitude - a.longitude) * rad / 2), 2)
        let kilometres = 2 * 6371.0088 * asin(min(1, sqrt(h)))
        let model = topology.latencyModel
        let floor = 2 * kilometres / model.fibreKilometresPerSecond * 1000
        if let rtt = topology.links.first(where: { $0.joins(viewer.id, edge.id) })?.rtt { return max(floor, rtt.inMilliseconds) }
        let inflation = max(1, model.inflation + model.inflationPer1000Kilometres * kilometres / 1000)
        return viewer.access.inMilliseconds + model.nodeAccess.inMilliseconds + floor * inflation
    }

    @Test(arguments: ["minimal", "global"])
    func everyViewerReachesTheNearestEdgeByExhaustiveCheck(name: String) throws {
        let topology = try TopologyLoader.load(path: Fixtures.topology(name))
        for distribution in topology.distributions {
            for viewer in topology.viewers {
                let route = try topology.route(viewer: viewer.id, distribution: distribution.id)
                let best = distribution.edges.compactMap(topology.edge).map {
                    (edge: $0.id, rtt: Self.expectedRTT(topology, viewer: viewer, edge: $0))
                }
                .min { $0.rtt != $1.rtt ? $0.rtt < $1.rtt : $0.edge < $1.edge }
                #expect(route.edge.id == best?.edge, "viewer \(viewer.id)")
                #expect(abs(route.hops[0].rtt.inMilliseconds - (best?.rtt ?? 0)) < 1e-6)
                #expect(route.hub.id == route.edge.hub)
                #expect(route.hops.map(\.from) == [viewer.id, route.edge.id, route.hub.id])
                #expect(route.alternatives.count == distribution.edges.count - 1)
                #expect(zip(route.alternatives, route.alternatives.dropFirst()).allSatisfy { $0.rtt <= $1.rtt })
            }
        }
    }

    @Test func viewersGoWhereGeographySays() throws {
        let topology = try TopologyLoader.load(path: Fixtures.topology("global"))
        let expected = ["tokyo": "NRT57", "london": "LHR61", "sao-paulo": "GRU3", "sydney": "SYD62", "johannesburg": "JNB50", "new-york": "JFK51"]
        for (viewer, edge) in expected { #expect(try topology.route(viewer: viewer).edge.id == edge) }
    }

    @Test func excludedEdgesAreSkippedForTheNextNearest() throws {
        let topology = try TopologyLoader.load(path: Fixtures.topology("minimal"))
        #expect(try topology.route(viewer: "tokyo-home").edge.id == "NRT50")
        #expect(try topology.route(viewer: "tokyo-home", excluding: ["NRT50"]).edge.id == "KIX50")
        #expect(throws: RoutingError.self) { try topology.route(viewer: "tokyo-home", excluding: ["NRT50", "KIX50"]) }
    }

    @Test func cutLinksAreNotRoutedOver() throws {
        let yaml = Fixtures.base + "links:\n  - between: [home, NRT50]\n    loss: 100%\n"
        let topology = try Fixtures.load(yaml)
        #expect(try topology.route(viewer: "home").edge.id == "KIX50")
    }

    @Test func thePathPicksTheBehaviorAndSoTheOrigin() throws {
        let topology = try TopologyLoader.load(path: Fixtures.topology("global"))
        #expect(try topology.route(viewer: "tokyo", path: "/media/cat.jpg").origin.id == "media")
        #expect(try topology.route(viewer: "tokyo", path: "/index.html").origin.id == "site")
    }

    @Test func unknownNamesAreExplained() throws {
        let topology = try TopologyLoader.load(path: Fixtures.topology("minimal"))
        #expect(throws: RoutingError("unknown viewer 'tokyo-hom'; did you mean 'tokyo-home'?")) { try topology.route(viewer: "tokyo-hom") }
        #expect(throws: RoutingError.self) { try topology.route(viewer: "tokyo-home", distribution: "E9NOPE00000") }
    }

    @Test func routingIsDeterministicOnTies() throws {
        let yaml = Fixtures.base.replacingOccurrences(of: "KIX50: { location: osaka", with: "KIX50: { location: tokyo")
        let topology = try Fixtures.load(yaml)
        #expect(try topology.route(viewer: "home").edge.id == "KIX50")
    }
}
