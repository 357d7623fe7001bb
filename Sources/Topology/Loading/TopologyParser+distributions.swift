import Yams

extension TopologyParser {
    /// One entry of `distributions:`.
    func parseDistribution(id: String, keyNode: Node, value: Node) throws -> DistributionSpec? {
        let validID = try checkID(
            id,
            at: keyNode,
            role: "distribution",
            rule: IdentifierRules.distribution,
            expected: IdentifierRules.distributionExpected
        )
        let what = "distribution '\(id)'"
        let allowed = [
            "domain", "aliases", "origins", "edges", "price_class", "routing", "behaviors", "security_policy", "http_versions", "certificate",
            "default_root_object", "custom_error_responses", "origin_groups", "geo_restriction", "logging",
        ]
        guard let fields = try reader.fields(value, what: what, allowed: allowed) else {
            return nil
        }
        let domain = try fields.string("domain", matching: IdentifierRules.domain, expected: IdentifierRules.domainExpected)
        if let domain, let other = distributions.first(where: { $0.names.contains(domain) }) {
            try report(
                .duplicateID,
                "\(what) has domain '\(domain)', which distribution '\(other.id)' already answers to",
                field: "domain",
                of: fields
            )
        }
        let domainName = domain ?? Self.defaultDomain(for: id)
        let aliases = try parseAliases(fields, domain: domainName, in: what)
        let originIDs = try references(fields, "origins", role: "origin", required: true) ?? []
        if originIDs.isEmpty, let node = fields["origins"] {
            try reader.report(.missingField, "\(what) needs at least one origin", at: node)
        }
        let edgeIDs: [String]
        if let node = fields["edges"], case .scalar(let scalar) = node, scalar.string == "all" {
            edgeIDs = edges.map(\.id)
        } else {
            edgeIDs = try references(fields, "edges", role: "edge", required: false) ?? edges.map(\.id)
            if edgeIDs.isEmpty, let node = fields["edges"] {
                try reader.report(.unreachable, "\(what) lists no edges: no viewer could reach it", at: node)
            }
        }
        let routing = try parseRouting(fields)
        let servingEdges = try edgesInPriceClass(edgeIDs, routing.priceClass, of: fields)
        let originGroups = try parseOriginGroups(fields, origins: originIDs)
        let behaviors = try parseBehaviors(fields, origins: originIDs, groups: originGroups.map(\.id), in: what)
        let securityPolicy = try fields.choice("security_policy", SecurityPolicy.self) ?? .tlsv1
        let httpVersions = try fields.choice("http_versions", HTTPVersions.self) ?? .http2
        let certificate = try fields["certificate"].flatMap {
            try parseCertificate($0, names: [domainName] + aliases, in: what)
        }
        let defaultRootObject = try parseDefaultRootObject(fields)
        let errorResponses = try parseErrorResponses(fields)
        let geoRestriction = try parseGeoRestriction(fields)
        let logging = try parseLogging(fields)
        guard validID, let firstOrigin = originIDs.first, let behaviors else { return nil }
        return DistributionSpec(
            id: id,
            domainName: domainName,
            aliases: aliases,
            origins: originIDs,
            originGroups: originGroups,
            edges: servingEdges,
            routing: routing,
            behaviors: behaviors.isEmpty ? [CacheBehavior(origin: firstOrigin)] : behaviors,
            securityPolicy: securityPolicy,
            httpVersions: httpVersions,
            certificate: certificate,
            defaultRootObject: defaultRootObject,
            errorResponses: errorResponses,
            geoRestriction: geoRestriction,
            logging: logging,
            source: reader.location(keyNode)
        )
    }

    /// `aliases:` — alternate domain names (CNAMEs): each a lower-case DNS name, or a wildcard
    /// for one label (`*.example.com`); no name another distribution already answers to, as
    /// CloudFront refuses one (`CNAMEAlreadyExists`); at most 100.
    private func parseAliases(_ fields: Fields, domain: String, in what: String) throws -> [String] {
        guard let entries = try fields.strings("aliases") else { return [] }
        var aliases: [String] = []
        for (alias, node) in entries {
            let name = alias.hasPrefix("*.") ? String(alias.dropFirst(2)) : alias
            if (try? IdentifierRules.domain.wholeMatch(in: name)) == nil {
                try reader.report(
                    .invalidValue,
                    "'aliases' of \(what): '\(alias)' is not a lower-case DNS name or a wildcard for one label (www.example.com, *.example.com)",
                    at: node
                )
            } else if alias == domain || aliases.contains(alias) {
                try reader.report(.duplicateID, "'aliases' of \(what) names '\(alias)' twice", at: node)
            } else if let other = distributions.first(where: { $0.names.contains(alias) }) {
                try reader.report(.duplicateID, "'aliases' of \(what): '\(alias)' is already a name of distribution '\(other.id)'", at: node)
            } else {
                aliases.append(alias)
            }
        }
        try checkQuota(aliases.count, DistributionSpec.maximumAliases, at: fields["aliases"]) { "\(what) has \($0) aliases" }
        return aliases
    }

    /// A CloudFront-looking domain derived from the id, so a distribution needs no `domain:`.
    static func defaultDomain(for id: String) -> String {
        let hash = StableHash.fnv1a(id)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let suffix = (0..<13).map { index in alphabet[Int((hash >> UInt64(index * 4)) % 36)] }
        return "d\(String(suffix)).cloudfront.net"
    }

    /// A list of references to declared ids of one role, each checked where written, no repeats.
    func references(_ fields: Fields, _ key: String, role: String, required: Bool) throws -> [String]? {
        guard let entries = try fields.strings(key, required: required) else { return nil }
        var result: [String] = []
        for (reference, node) in entries {
            if result.contains(reference) {
                try reader.report(.duplicateID, "'\(key)' of \(fields.what) lists '\(reference)' twice", at: node)
            } else if try resolve(reference, role: role, at: node, in: fields.what) {
                result.append(reference)
            }
        }
        return result
    }

    /// `behaviors:` — in CloudFront's matching order; the default (`*`) is last, added when absent.
    /// - Returns: `nil` when a behavior could not be read.
    private func parseBehaviors(_ fields: Fields, origins: [String], groups: [String], in what: String) throws -> [CacheBehavior]? {
        guard let node = fields["behaviors"] else { return origins.first.map { [CacheBehavior(origin: $0)] } ?? [] }
        guard let items = try reader.items(node, what: "'behaviors' of \(what)") else { return nil }
        var behaviors: [CacheBehavior] = []
        var failed = false
        for item in items {
            guard let behavior = try parseBehavior(item, origins: origins, groups: groups, in: what) else {
                failed = true
                continue
            }
            if behaviors.contains(where: { $0.pathPattern == behavior.pathPattern }) {
                try reader.report(
                    .duplicateID,
                    "\(what) has two behaviors for path '\(behavior.pathPattern)'; the second could never match",
                    at: item
                )
            } else if behaviors.last?.pathPattern == CacheBehavior.Default.pathPattern {
                try reader.report(
                    .invalidValue,
                    "\(what): the default behavior '*' must come last; the behavior for '\(behavior.pathPattern)' after it could never match",
                    at: item
                )
            }
            behaviors.append(behavior)
        }
        if behaviors.last?.pathPattern != CacheBehavior.Default.pathPattern, let first = origins.first {
            behaviors.append(CacheBehavior(origin: first))
        }
        try checkQuota(behaviors.count, DistributionSpec.maximumBehaviors, at: node) { "\(what) has \($0) cache behaviors" }
        return failed ? nil : behaviors
    }

    /// One cache behavior.
    private func parseBehavior(_ node: Node, origins: [String], groups: [String], in distribution: String) throws -> CacheBehavior? {
        let allowed = [
            "path", "origin", "ttl", "cache_key", "cache_policy", "origin_request_policy", "response_headers_policy", "functions",
            "viewer_protocol_policy", "trusted_key_groups", "compress", "realtime_log_config",
        ]
        guard let fields = try reader.fields(node, what: "a behavior of \(distribution)", allowed: allowed),
            let path = try fields.string("path", required: true)
        else { return nil }
        let what = "the behavior '\(path)' of \(distribution)"
        if path.count > 255 || path.contains(where: { $0.isWhitespace || !$0.isASCII }) {
            try report(.invalidValue, "path pattern '\(path)' must be at most 255 printable ASCII characters", field: "path", of: fields)
        }
        var behavior = CacheBehavior(pathPattern: path, origin: origins.first ?? "")
        if let origin = try fields.string("origin"), let originNode = fields["origin"] {
            if groups.contains(origin) {
                // One of the distribution's origin groups.
            } else if declared[origin] == nil, !groups.isEmpty {
                try reader.report(
                    .unknownReference,
                    "\(what) names unknown origin or origin group '\(origin)'\(Suggestion.phrase(for: origin, among: origins + groups))",
                    at: originNode
                )
            } else if try resolve(origin, role: "origin", at: originNode, in: what), !origins.contains(origin) {
                try reader.report(
                    .unknownReference,
                    "\(what) sends requests to origin '\(origin)', which is not among the distribution's origins",
                    at: originNode
                )
            }
            behavior.origin = origin
        }
        if let node = fields["ttl"] { try parseTTL(node, into: &behavior, in: what) }
        if let node = fields["cache_key"] { behavior.cacheKey = try parseCacheKey(node, in: what) }
        try parsePolicies(fields, into: &behavior, in: what)
        if let node = fields["functions"] { behavior.functions = try parseAssociations(node, in: what) }
        if let policy = try fields.choice("viewer_protocol_policy", ViewerProtocolPolicy.self) { behavior.viewerProtocolPolicy = policy }
        behavior.trustedKeyGroups = try parseTrustedKeyGroups(fields, in: what)
        behavior.realtimeLog = try parseRealtimeLogReference(fields, in: what)
        if try fields.bool("compress") == true {
            behavior.compress = true
            // Legacy settings key on both encodings once a behavior compresses; a cache policy
            // says for itself.
            if behavior.cachePolicy == nil, !(fields["cache_key"].map { Self.names(key: "accept_encoding", in: $0) } ?? false) {
                behavior.cacheKey.acceptEncodings = Set(CacheKeyPolicy.ContentCoding.allCases)
            }
            if behavior.cacheKey.headers.contains("accept-encoding"), let node = fields["compress"] {
                try reader.report(
                    .invalidValue,
                    "\(what) compresses but names accept-encoding in its cache key headers, which turns CloudFront's compression off; use 'accept_encoding' instead",
                    at: node
                )
            }
        }
        behavior.source = reader.location(node)
        return behavior
    }

    /// `ttl: {min, default, max}`; CloudFront requires min ≤ default ≤ max.
    private func parseTTL(_ node: Node, into behavior: inout CacheBehavior, in what: String) throws {
        var ttls = (behavior.minimumTTL, behavior.defaultTTL, behavior.maximumTTL)
        try parseTTL(node, into: &ttls, in: what)
        (behavior.minimumTTL, behavior.defaultTTL, behavior.maximumTTL) = ttls
    }

    /// `ttl: {min, default, max}` into (min, default, max).
    func parseTTL(_ node: Node, into ttls: inout (Duration, Duration, Duration), in what: String) throws {
        guard let fields = try reader.fields(node, what: "'ttl' of \(what)", allowed: ["min", "default", "max"]) else { return }
        if let value = try fields.quantity("min", Quantity.duration) { ttls.0 = value }
        if let value = try fields.quantity("default", Quantity.duration) { ttls.1 = value }
        if let value = try fields.quantity("max", Quantity.duration) { ttls.2 = value }
        if !(ttls.0 <= ttls.1 && ttls.1 <= ttls.2) {
            try reader.report(.outOfRange, "'ttl' of \(what): CloudFront requires min ≤ default ≤ max", at: node)
        }
    }

    /// `cache_key: {query_strings, headers, cookies, accept_encoding}`.
    func parseCacheKey(_ node: Node, in what: String) throws -> CacheKeyPolicy {
        guard
            let fields = try reader.fields(node, what: "'cache_key' of \(what)", allowed: ["query_strings", "headers", "cookies", "accept_encoding"])
        else {
            return .init()
        }
        var policy = CacheKeyPolicy()
        if let node = fields["query_strings"] { policy.queryStrings = try selection(node, key: "query_strings", of: fields) }
        if let node = fields["cookies"] { policy.cookies = try selection(node, key: "cookies", of: fields) }
        if let node = fields["accept_encoding"] {
            if case .scalar(let scalar) = node, scalar.string == "none" {
                policy.acceptEncodings = []
            } else if let listed = try fields.strings("accept_encoding") {
                for (text, item) in listed {
                    guard let coding = CacheKeyPolicy.ContentCoding(rawValue: text) else {
                        try reader.report(.invalidValue, "'\(text)' in 'accept_encoding' of \(fields.what): expected gzip or br", at: item)
                        continue
                    }
                    policy.acceptEncodings.insert(coding)
                }
            }
        }
        if let headers = try fields.strings("headers") {
            try checkPolicyHeaders(headers, in: fields.what, cachePolicy: true)
            policy.headers = headers.map { $0.text.lowercased() }
            try checkQuota(headers.count, CacheKeyPolicy.maximumNames, at: fields["headers"]) { "'headers' of \(fields.what) lists \($0)" }
        }
        return policy
    }

    /// Whether a mapping node has a key.
    static func names(key: String, in node: Node) -> Bool {
        guard case .mapping(let mapping) = node else { return false }
        return mapping.contains { if case .scalar(let scalar) = $0.key { scalar.string == key } else { false } }
    }

    /// `none`, `all` (or `allWord`, such as `all_viewer`), a list of names, or
    /// `{all_except: [names]}`.
    func selection(_ node: Node, key: String, of fields: Fields, allWord: String = "all") throws -> CacheKeyPolicy.Selection {
        let expected = "expected none, \(allWord), a list of names, or {all_except: [names]}"
        if case .scalar(let scalar) = node {
            switch scalar.string {
            case "none": return .none
            case allWord: return .all
            default:
                try reader.report(.invalidValue, "'\(key)' of \(fields.what) is '\(scalar.string)': \(expected)", at: node)
                return .none
            }
        }
        if case .mapping = node {
            guard let inner = try reader.fields(node, what: "'\(key)' of \(fields.what)", allowed: ["all_except"]),
                let names = try inner.strings("all_except", required: true)
            else { return .none }
            try checkQuota(names.count, CacheKeyPolicy.maximumNames, at: node) { "'\(key)' of \(fields.what) lists \($0)" }
            return .allExcept(names.map(\.text))
        }
        guard let names = try fields.strings(key) else { return .none }
        try checkQuota(names.count, CacheKeyPolicy.maximumNames, at: node) { "'\(key)' of \(fields.what) lists \($0)" }
        return .only(names.map(\.text))
    }
}

extension TopologyParser {
    /// `price_class:` and `routing: {locate_by, second_nearest}` of a distribution.
    func parseRouting(_ fields: Fields) throws -> RoutingPolicy {
        var policy = RoutingPolicy()
        if let priceClass = try fields.choice("price_class", PriceClass.self) { policy.priceClass = priceClass }
        guard let node = fields["routing"] else { return policy }
        let what = "'routing' of \(fields.what)"
        guard let routing = try reader.fields(node, what: what, allowed: ["locate_by", "second_nearest"]) else { return policy }
        if let locator = try routing.choice("locate_by", RoutingPolicy.Locator.self) { policy.locateBy = locator }
        if let share = try routing.quantity("second_nearest", Quantity.ratio) { policy.secondNearestShare = share }
        if policy.locateBy == .resolver, !viewers.contains(where: { $0.resolver != nil }), let locator = routing["locate_by"] {
            try reader.report(
                .invalidValue,
                "\(what) locates viewers by resolver, but no viewer has a 'resolver:': every viewer is routed as if by its own location",
                at: locator,
                severity: .warning
            )
        }
        return policy
    }

    /// The listed edges that a price class includes, by each edge's country. An edge with no
    /// country cannot be placed in a class, and a class that leaves no edge could serve no one:
    /// both are errors at `price_class`.
    func edgesInPriceClass(_ listed: [String], _ priceClass: PriceClass, of fields: Fields) throws -> [String] {
        guard priceClass != .all, let node = fields["price_class"] else { return listed }
        let listedEdges = listed.compactMap { id in edges.first { $0.id == id } }
        let unplaced = listedEdges.filter { $0.location.country == nil }.map(\.id)
        if !unplaced.isEmpty {
            try reader.report(
                .missingField,
                "\(fields.what) has price class \(priceClass.rawValue), but edge\(unplaced.count == 1 ? "" : "s") \(unplaced.map { "'\($0)'" }.joined(separator: ", ")) "
                    + "\(unplaced.count == 1 ? "has" : "have") no country: give \(unplaced.count == 1 ? "its location" : "their locations") a 'country:'",
                at: node
            )
            return listed
        }
        let included = listedEdges.filter { priceClass.includes(country: $0.location.country ?? "") }.map(\.id)
        if included.isEmpty {
            let countries = Set(listedEdges.compactMap(\.location.country)).sorted().joined(separator: ", ")
            try reader.report(
                .unreachable,
                "\(fields.what) has price class \(priceClass.rawValue), which includes none of its edges (in \(countries)): no viewer could reach it",
                at: node
            )
            return listed
        }
        return included
    }

    /// Reports a list longer than CloudFront's quota for it, at the list.
    /// - Parameters:
    ///   - count: How many entries the list has.
    ///   - limit: CloudFront's quota.
    ///   - node: The list.
    ///   - counted: What the list is, with its count (`distribution 'E1' has 26 cache behaviors`).
    private func checkQuota(_ count: Int, _ limit: Int, at node: Node?, _ counted: (Int) -> String) throws {
        guard count > limit, let node else { return }
        try reader.report(.limitExceeded, "\(counted(count)); CloudFront allows \(limit)", at: node)
    }
}
