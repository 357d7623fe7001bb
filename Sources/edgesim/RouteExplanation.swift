import Topology

/// What `edgesim route --explain` adds: which of the distribution's behaviours a request from
/// the viewer meets, in the order the edge applies them.
enum RouteExplanation {
    static func lines(_ route: Route, path: String) -> [String] {
        let distribution = route.distribution
        let behavior = route.behavior
        var lines: [String] = []
        let country = route.viewer.location.country
        let geo = distribution.geoRestriction
        if geo.kind != .none {
            let listed = geo.countries.sorted().joined(separator: ", ")
            let verdict =
                geo.blocks(country: country)
                ? "refused with 403\(distribution.errorResponses[403]?.page.map { " (the page \($0.path))" } ?? "")"
                : country == nil ? "served (its country is unknown)" : "served"
            lines.append("geo restriction: \(geo.kind.rawValue) \(listed); a viewer in \(country ?? "an unknown country") is \(verdict)")
        }
        let asked = distribution.rootObjectApplied(to: path)
        if asked != path { lines.append("default root object: \(path) asks for \(asked)") }
        lines.append("behavior: \(behavior.pathPattern) (viewer protocol policy \(behavior.viewerProtocolPolicy.rawValue))")
        if !behavior.trustedKeyGroups.isEmpty {
            lines.append(
                "signed URLs: only requests signed with a key of \(behavior.trustedKeyGroups.joined(separator: ", ")) get in (edgesim sign); else 403"
            )
        }
        for event in EventType.allCases {
            guard let association = behavior.functions[event] else { continue }
            lines.append("\(event.rawValue): \(association.function):\(association.version)")
        }
        if let group = distribution.originGroup(behavior.origin) {
            let statuses = group.failoverStatuses.sorted().map(String.init).joined(separator: ", ")
            lines.append(
                "origin group \(group.id): \(group.primary) first, then \(group.secondary) on \(statuses), no connection or no answer in time (GET, HEAD, OPTIONS)"
            )
        } else {
            lines.append("origin: \(behavior.origin)")
        }
        for code in distribution.errorResponses.keys.sorted() {
            guard let response = distribution.errorResponses[code] else { continue }
            let ttl = "cached at least \(response.cachingMinimumTTL.components.seconds) s"
            let page = response.page.map { "the page \($0.path) with \($0.responseCode), " } ?? ""
            lines.append("on \(code) from upstream: \(page)\(ttl)")
        }
        return lines
    }
}
