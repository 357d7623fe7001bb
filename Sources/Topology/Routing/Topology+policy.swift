extension Topology {
    /// The edges a viewer is sent to under its distribution's routing policy, best first. The
    /// GeoDNS answers with the first; `route` and `measure` take the same one.
    ///
    /// The candidates are the edges ``rankedEdges(from:serving:excluding:)`` gives (in the price
    /// class, reachable), with the round trip from the viewer. Routing by resolver reorders them
    /// by nearness to the viewer's resolver; a viewer in the anycast-like share then swaps the
    /// first two. Excluded edges are left out last, so the others keep their order.
    /// - Parameters:
    ///   - viewer: The viewer's id.
    ///   - distribution: The distribution.
    ///   - excluding: Edges to leave out, for example the unhealthy ones.
    /// - Returns: Edge ids with the viewer's round trips, in the order the policy prefers them.
    public func routedEdges(
        from viewer: String,
        serving distribution: DistributionSpec,
        excluding: Set<String> = []
    ) -> [Route.RankedEdge] {
        routing(from: viewer, serving: distribution, excluding: excluding).edges
    }

    /// The viewers a distribution sends to their second-nearest edge: its anycast-like share of
    /// all viewers, rounded to whole viewers, chosen by a stable hash so every run and every
    /// tool picks the same ones.
    public func secondNearestViewers(of distribution: DistributionSpec) -> Set<String> {
        let share = distribution.routing.secondNearestShare
        guard share > 0 else { return [] }
        let count = Int((share * Double(viewers.count)).rounded())
        // Each viewer hashed once; equal hashes keep the file's order, as a stable sort does.
        let order = viewers.enumerated()
            .map { (hash: StableHash.fnv1a("\(distribution.id)/\($1.id)"), index: $0, id: $1.id) }
            .sorted { ($0.hash, $0.index) < ($1.hash, $1.index) }
        return Set(order.prefix(count).map(\.id))
    }

    /// The policy's order of edges for a viewer, and why the first comes first.
    func routing(
        from viewer: String,
        serving distribution: DistributionSpec,
        excluding: Set<String>
    ) -> (edges: [Route.RankedEdge], reason: Route.Reason) {
        // The viewer's order of preference is fixed, as a resolver's or a BGP path's is; an
        // excluded edge only drops out of it. So an anycast viewer whose second-nearest edge
        // fails goes to its nearest, not to its third.
        var ranked = rankedEdges(from: viewer, serving: distribution)
        var reason = Route.Reason.nearest
        if distribution.routing.locateBy == .resolver, let resolver = self.viewer(viewer)?.resolver {
            let nearest = ranked.first
            ranked = ranked.map { (edge: $0, rtt: roundTrip(from: resolver, to: $0.edge)) }
                .sorted { $0.rtt != $1.rtt ? $0.rtt < $1.rtt : $0.edge.edge < $1.edge.edge }
                .map(\.edge)
            if ranked.first != nearest { reason = .resolver }
        }
        if ranked.count > 1, secondNearestViewers(of: distribution).contains(viewer) {
            ranked.swapAt(0, 1)
            reason = .secondNearest
        }
        let preferred = ranked.first
        ranked.removeAll { excluding.contains($0.edge) }
        if ranked.first != preferred { reason = .failover }
        return (ranked, reason)
    }

    /// The modelled round trip from a place (a resolver) to an edge: distance only, since no
    /// link override names a resolver.
    private func roundTrip(from place: Location, to edge: String) -> Duration {
        guard let edge = self.edge(edge) else { return .zero }
        return latencyModel.roundTrip(
            from: place.coordinate,
            to: edge.location.coordinate,
            accessA: .zero,
            accessB: latencyModel.nodeAccess
        )
    }
}
