extension Topology {
    /// The edges that serve a distribution, nearest to a viewer first.
    ///
    /// Nearness is the modelled round trip of the viewer→edge link (overrides included); ties go
    /// to the lower id, so routing is the same on every run and every machine. Edges whose link
    /// from the viewer is cut (100 % loss) are left out.
    /// - Parameters:
    ///   - viewer: The viewer's id.
    ///   - distribution: The distribution.
    ///   - excluding: Edges to leave out, for example the unhealthy ones.
    /// - Returns: Edge ids with their round trips, nearest first.
    public func rankedEdges(
        from viewer: String,
        serving distribution: DistributionSpec,
        excluding: Set<String> = []
    ) -> [Route.RankedEdge] {
        distribution.edges
            .filter { !excluding.contains($0) }
            .compactMap { edge in
                link(between: viewer, and: edge).flatMap { $0.loss < 1 ? Route.RankedEdge(edge: edge, rtt: $0.rtt) : nil }
            }
            .sorted { $0.rtt != $1.rtt ? $0.rtt < $1.rtt : $0.edge < $1.edge }
    }

    /// The route a viewer's request takes: to the edge the distribution's routing policy picks
    /// (by default the nearest that serves it), through its hub, to the origin of the behavior
    /// that matches the path.
    /// - Parameters:
    ///   - viewer: The viewer's id.
    ///   - distribution: The distribution's id or domain; may be left out when there is only one.
    ///   - path: The request path, which picks the behavior and so the origin.
    ///   - excluding: Edges to leave out, for example the unhealthy ones.
    ///   - answered: The edge a live GeoDNS answered with, when it is known; the route then goes
    ///     there, and is a failover when the policy would have picked another.
    /// - Returns: The route, hop by hop.
    /// - Throws: ``RoutingError`` when the viewer or distribution is unknown or no edge is reachable.
    public func route(
        viewer: String,
        distribution: String? = nil,
        path: String = "/",
        excluding: Set<String> = [],
        answered: String? = nil
    ) throws(RoutingError) -> Route {
        guard let viewerSpec = self.viewer(viewer) else {
            throw RoutingError("unknown viewer '\(viewer)'\(Suggestion.phrase(for: viewer, among: viewers.map(\.id)))")
        }
        let distributionSpec = try resolveDistribution(distribution)
        var (ranked, reason) = routing(from: viewer, serving: distributionSpec, excluding: excluding)
        if let answered, let index = ranked.firstIndex(where: { $0.edge == answered }) {
            if index > 0 { reason = .failover }
            ranked.insert(ranked.remove(at: index), at: 0)
        }
        guard let chosen = ranked.first, let edge = edge(chosen.edge), let hub = hub(edge.hub) else {
            throw RoutingError("no edge serving \(distributionSpec.id) is reachable from viewer '\(viewer)'")
        }
        let behavior = distributionSpec.behavior(forPath: distributionSpec.rootObjectApplied(to: path))
        // An origin group's requests go to its primary first.
        guard let origin = origin(distributionSpec.firstOrigin(of: behavior.origin)) else {
            throw RoutingError("the behavior '\(behavior.pathPattern)' names unknown origin '\(behavior.origin)'")
        }
        // Through the origin's Origin Shield, when it has one that is not the edge's own hub.
        let shield = shield(for: origin.id, at: hub.id).flatMap { self.hub($0) }
        let upstream = shield.map { [(hub.id, $0.id), ($0.id, origin.id)] } ?? [(hub.id, origin.id)]
        let hops = ([(viewer, edge.id), (edge.id, hub.id)] + upstream).compactMap { from, to in
            link(between: from, and: to).map { Route.Hop(from: from, to: to, rtt: $0.rtt, kilometres: $0.kilometres) }
        }
        return Route(
            viewer: viewerSpec,
            distribution: distributionSpec,
            behavior: behavior,
            edge: edge,
            hub: hub,
            origin: origin,
            shield: shield,
            hops: hops,
            alternatives: ranked.dropFirst().sorted { $0.rtt != $1.rtt ? $0.rtt < $1.rtt : $0.edge < $1.edge },
            reason: reason
        )
    }

    /// The distribution an id or domain names, or the only one when none is named.
    func resolveDistribution(_ idOrDomain: String?) throws(RoutingError) -> DistributionSpec {
        if let idOrDomain {
            guard let found = distribution(idOrDomain) else {
                let known = distributions.map(\.id)
                throw RoutingError("unknown distribution '\(idOrDomain)'\(Suggestion.phrase(for: idOrDomain, among: known))")
            }
            return found
        }
        guard distributions.count == 1, let only = distributions.first else {
            throw RoutingError(
                "the topology has \(distributions.count) distributions; name one of: \(distributions.map(\.id).joined(separator: ", "))"
            )
        }
        return only
    }
}

/// Why a route could not be found.
public struct RoutingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
