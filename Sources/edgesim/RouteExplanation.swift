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
        lines.append(Self.cacheLine(behavior))
        if let policy = behavior.originRequestPolicy { lines.append("origin request policy \(policy.name): \(Self.describe(policy))") }
        if let policy = behavior.responseHeadersPolicy { lines.append("response headers policy \(policy.name): \(Self.describe(policy))") }
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
            lines.append("origin: \(behavior.origin)" + (route.shield.map { ", fetched through the Origin Shield \($0.id)" } ?? ""))
        }
        for code in distribution.errorResponses.keys.sorted() {
            guard let response = distribution.errorResponses[code] else { continue }
            let ttl = "cached at least \(response.cachingMinimumTTL.components.seconds) s"
            let page = response.page.map { "the page \($0.path) with \($0.responseCode), " } ?? ""
            lines.append("on \(code) from upstream: \(page)\(ttl)")
        }
        return lines
    }

    /// The behavior's TTLs and cache key, and where they come from.
    static func cacheLine(_ behavior: CacheBehavior) -> String {
        let source = behavior.cachePolicy.map { "cache policy \($0)" } ?? "legacy cache settings"
        let ttls = [behavior.minimumTTL, behavior.defaultTTL, behavior.maximumTTL].map { "\($0.components.seconds) s" }.joined(separator: " / ")
        let key = behavior.cacheKey
        var parts = ["TTL \(ttls)"]
        if !key.headers.isEmpty { parts.append("key headers \(key.headers.joined(separator: ", "))") }
        if key.queryStrings != .none { parts.append("query \(describe(key.queryStrings))") }
        if key.cookies != .none { parts.append("cookies \(describe(key.cookies))") }
        if !key.acceptEncodings.isEmpty { parts.append("Accept-Encoding \(key.acceptEncodings.map(\.rawValue).sorted().joined(separator: ", "))") }
        let forwarded = behavior.cachePolicy == nil ? "; the origin gets the viewer's headers" : "; the origin gets only what the policies name"
        return "\(source): " + parts.joined(separator: ", ") + forwarded
    }

    static func describe(_ selection: CacheKeyPolicy.Selection) -> String {
        switch selection {
        case .none: "none"
        case .all: "all"
        case .only(let names): names.joined(separator: ", ")
        case .allExcept(let names): "all except " + names.joined(separator: ", ")
        }
    }

    static func describe(_ policy: OriginRequestPolicy) -> String {
        var parts = ["headers \(describe(policy.headers))"]
        let generated = policy.cloudFrontHeaders
        if !generated.isEmpty {
            parts.append(generated.count <= 3 ? "plus \(generated.joined(separator: ", "))" : "plus \(generated.count) of CloudFront's headers")
        }
        parts.append("cookies \(describe(policy.cookies))")
        parts.append("query \(describe(policy.queryStrings))")
        return parts.joined(separator: ", ")
    }

    static func describe(_ policy: ResponseHeadersPolicy) -> String {
        var parts: [String] = []
        if let cors = policy.cors { parts.append("CORS for \(cors.allowOrigins.joined(separator: ", "))") }
        if !policy.headers.isEmpty { parts.append("adds \(policy.headers.map(\.name).joined(separator: ", "))") }
        if !policy.removedHeaders.isEmpty { parts.append("removes \(policy.removedHeaders.joined(separator: ", "))") }
        if let timing = policy.serverTiming {
            parts.append(timing.enabled ? "Server-Timing on \(timing.samplingRate.compact) % of responses" : "no Server-Timing")
        }
        return parts.isEmpty ? "nothing" : parts.joined(separator: "; ")
    }
}
