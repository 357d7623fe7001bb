extension Topology {
    /// Problems of reach: nodes that no traffic or function version can get to, given the links
    /// the topology cuts (100 % loss), and parts that take no part in any distribution.
    ///
    /// Errors: a hub cut from the registry (no version can reach it or its edges), an edge cut
    /// from its hub, an edge that cannot reach an origin of a distribution it serves, a viewer
    /// cut from every edge. Warnings: a hub with no edges, an edge or origin no distribution uses.
    /// - Returns: The problems, at the declarations they concern.
    public func reachabilityProblems() -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func isCut(_ a: String, _ b: String) -> Bool { override(between: a, and: b)?.isCut == true }

        for hub in hubs {
            if isCut(hub.id, RegistrySpec.id) {
                problems.append(
                    Diagnostic(
                        .error,
                        .unreachable,
                        "hub '\(hub.id)' is unreachable: its link to the registry is cut (100% loss), so no function version can reach it or its edges",
                        at: hub.source
                    )
                )
            }
            if !edges.contains(where: { $0.hub == hub.id }) {
                problems.append(Diagnostic(.warning, .unreachable, "hub '\(hub.id)' has no edges: no request will pass through it", at: hub.source))
            }
        }
        for edge in edges {
            if isCut(edge.id, edge.hub) {
                problems.append(
                    Diagnostic(
                        .error,
                        .unreachable,
                        "edge '\(edge.id)' is unreachable: its link to hub '\(edge.hub)' is cut (100% loss)",
                        at: edge.source
                    )
                )
                continue
            }
            let served = distributions.filter { $0.edges.contains(edge.id) }
            if served.isEmpty {
                problems.append(Diagnostic(.warning, .unreachable, "edge '\(edge.id)' serves no distribution", at: edge.source))
            }
            for distribution in served {
                // An origin group is cut off only when both its members are.
                for origin in Set(distribution.behaviors.map(\.origin)).sorted()
                where distribution.members(of: origin).allSatisfy({ isCut(edge.hub, $0) }) {
                    let what = distribution.originGroup(origin) == nil ? "origin" : "either origin of group"
                    let message =
                        "edge '\(edge.id)' cannot reach \(what) '\(origin)' of \(distribution.id): the link from its hub '\(edge.hub)' is cut (100% loss)"
                    problems.append(Diagnostic(.error, .unreachable, message, at: edge.source))
                }
            }
        }
        for origin in origins
        where !distributions.contains(where: { distribution in
            distribution.behaviors.contains { distribution.members(of: $0.origin).contains(origin.id) }
        }) {
            problems.append(Diagnostic(.warning, .unreachable, "origin '\(origin.id)' is used by no cache behavior", at: origin.source))
        }
        for viewer in viewers {
            let reachable = edges.contains { !isCut(viewer.id, $0.id) }
            if !reachable {
                problems.append(
                    Diagnostic(
                        .error,
                        .unreachable,
                        "viewer '\(viewer.id)' is unreachable: its links to every edge are cut (100% loss)",
                        at: viewer.source
                    )
                )
            }
        }
        return problems
    }
}
