import Foundation
import Yams

/// The three kinds of named policy (spec §7): `cache_policies:`, `origin_request_policies:` and
/// `response_headers_policies:`, each a mapping of names to settings, and a behavior's
/// `cache_policy:`, `origin_request_policy:` and `response_headers_policy:`, which name one of
/// them or one of AWS's managed policies (by name, with or without `Managed-`, or by id).
extension TopologyParser {
    /// Header names no policy may name: those CloudFront itself owns or strips (spec §5 of the
    /// Lambda@Edge digest), and the framing of the message.
    static let headersNoPolicyNames: Set<String> = ResponseHeadersPolicy.unremovable.subtracting(["host", "content-encoding", "warning"])
        .union(["te", "transfer-encoding"])

    /// Checks a policy's header names: well formed, and none CloudFront forbids there.
    func checkPolicyHeaders(_ headers: [(text: String, node: Node)], in what: String, cachePolicy: Bool) throws {
        for (header, node) in headers {
            let name = header.lowercased()
            if header.wholeMatch(of: IdentifierRules.header) == nil {
                try reader.report(.invalidValue, "'\(header)' in 'headers' of \(what) is not a header name", at: node)
            } else if Self.headersNoPolicyNames.contains(name) || name.hasPrefix("x-amz-cf-") || name.hasPrefix("x-edge-") || name.hasPrefix("proxy-")
            {
                try reader.report(.invalidValue, "\(what) names header '\(header)', which CloudFront does not let a policy forward", at: node)
            } else if cachePolicy, name == "accept-encoding" {
                try reader.report(
                    .invalidValue,
                    "\(what) names Accept-Encoding as a header; CloudFront keys on it through 'accept_encoding: [gzip, br]' instead",
                    at: node
                )
            } else if !cachePolicy, name == "authorization" {
                try reader.report(
                    .invalidValue,
                    "\(what) forwards Authorization, which CloudFront only forwards from a cache policy's key: put it in the cache policy's 'headers'",
                    at: node
                )
            }
        }
    }

    /// One entry of `cache_policies:` — `{ttl: {min, default, max}, cache_key: {…}}`.
    func parseCachePolicy(name: String, keyNode: Node, value: Node) throws -> NamedCachePolicy? {
        let what = "cache policy '\(name)'"
        guard try checkPolicyName(name, at: keyNode, among: NamedCachePolicy.managed.map(\.name), what: what),
            let fields = try reader.fields(value, what: what, allowed: ["ttl", "cache_key"])
        else { return nil }
        var policy = NamedCachePolicy(name: name)
        if let node = fields["ttl"] {
            var ttls = (Duration.zero, CacheBehavior.Default.defaultTTL, CacheBehavior.Default.maximumTTL)
            try parseTTL(node, into: &ttls, in: what)
            (policy.minimumTTL, policy.defaultTTL, policy.maximumTTL) = ttls
        }
        if let node = fields["cache_key"] { policy.cacheKey = try parseCacheKey(node, in: what) }
        return policy
    }

    /// One entry of `origin_request_policies:` — `{headers, cloudfront_headers, cookies, query_strings}`.
    func parseOriginRequestPolicy(name: String, keyNode: Node, value: Node) throws -> OriginRequestPolicy? {
        let what = "origin request policy '\(name)'"
        let allowed = ["headers", "cloudfront_headers", "cookies", "query_strings"]
        guard try checkPolicyName(name, at: keyNode, among: OriginRequestPolicy.managed.map(\.name), what: what),
            let fields = try reader.fields(value, what: what, allowed: allowed)
        else { return nil }
        var policy = OriginRequestPolicy(name: name)
        if let node = fields["headers"] {
            let headers = try selection(node, key: "headers", of: fields, allWord: "all_viewer")
            // An allow list's names are checked; `all_viewer` and a block list forward nothing forbidden.
            if case .only = headers, let listed = try fields.strings("headers") { try checkPolicyHeaders(listed, in: what, cachePolicy: false) }
            policy.headers = Self.lowercased(headers)
        }
        if let listed = try fields.strings("cloudfront_headers") {
            for (header, node) in listed where !OriginRequestPolicy.isCloudFrontHeader(header.lowercased()) {
                try reader.report(
                    .invalidValue,
                    "'\(header)' in 'cloudfront_headers' of \(what) is not one of CloudFront's headers (CloudFront-Viewer-Country, CloudFront-Is-Mobile-Viewer, …)",
                    at: node
                )
            }
            policy.cloudFrontHeaders = listed.map { $0.text.lowercased() }
        }
        if let node = fields["cookies"] { policy.cookies = try selection(node, key: "cookies", of: fields) }
        if let node = fields["query_strings"] { policy.queryStrings = try selection(node, key: "query_strings", of: fields) }
        return policy
    }

    private static func lowercased(_ selection: CacheKeyPolicy.Selection) -> CacheKeyPolicy.Selection {
        switch selection {
        case .none, .all: selection
        case .only(let names): .only(names.map { $0.lowercased() })
        case .allExcept(let names): .allExcept(names.map { $0.lowercased() })
        }
    }

    /// A declared policy's name: a name, and not a managed policy's, which it would hide.
    func checkPolicyName(_ name: String, at node: Node, among managed: [String], what: String) throws -> Bool {
        let valid = try checkID(name, at: node, role: "policy", rule: IdentifierRules.name, expected: IdentifierRules.nameExpected)
        guard valid else { return false }
        if managed.contains(name) || name.hasPrefix("Managed-") {
            try reader.report(.duplicateID, "\(what) has the name of an AWS managed policy; name it otherwise or use the managed one", at: node)
            return false
        }
        return true
    }

    /// A behavior's policy: declared or managed, by name or id; otherwise an error with the
    /// nearest name.
    func resolvePolicy<Policy>(
        _ key: String,
        of fields: Fields,
        in what: String,
        declared: [Policy],
        managed: [Policy],
        name: (Policy) -> String,
        id: (Policy) -> String
    ) throws -> Policy? {
        guard let text = try fields.string(key), let node = fields[key] else { return nil }
        let byName = Dictionary(declared.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
        if let policy = PolicyName.find(text, declared: byName, managed: managed, nameOf: name, idOf: id) { return policy }
        let names = declared.map(name) + managed.map { "Managed-" + name($0) }
        let kind = key.replacingOccurrences(of: "_", with: " ")
        let hint =
            Suggestion.closest(to: text, among: declared.map(name) + managed.map(name)).map { "; did you mean '\($0)'?" }
            ?? Suggestion.phrase(for: text, among: names)
        try reader.report(.unknownReference, "\(what) names unknown \(kind) '\(text)'\(hint)", at: node)
        return nil
    }
}

extension TopologyParser {
    /// A behavior's `cache_policy`, `origin_request_policy` and `response_headers_policy`.
    /// A cache policy takes the place of `ttl` and `cache_key` (CloudFront's legacy settings),
    /// and an origin request policy needs one, as at CloudFront.
    func parsePolicies(_ fields: Fields, into behavior: inout CacheBehavior, in what: String) throws {
        if let policy = try resolvePolicy(
            "cache_policy",
            of: fields,
            in: what,
            declared: cachePolicies,
            managed: NamedCachePolicy.managed,
            name: \.name,
            id: \.id
        ) {
            if let legacy = fields["ttl"] ?? fields["cache_key"] {
                try reader.report(
                    .invalidValue,
                    "\(what) has both a cache_policy and legacy 'ttl'/'cache_key' settings; CloudFront takes one or the other: move them into the policy",
                    at: legacy
                )
            }
            behavior.cachePolicy = policy.name
            (behavior.minimumTTL, behavior.defaultTTL, behavior.maximumTTL) = (policy.minimumTTL, policy.defaultTTL, policy.maximumTTL)
            behavior.cacheKey = policy.cacheKey
        }
        behavior.originRequestPolicy = try resolvePolicy(
            "origin_request_policy",
            of: fields,
            in: what,
            declared: originRequestPolicies,
            managed: OriginRequestPolicy.managed,
            name: \.name,
            id: \.id
        )
        if behavior.originRequestPolicy != nil, behavior.cachePolicy == nil, fields["cache_policy"] == nil, let node = fields["origin_request_policy"]
        {
            try reader.report(
                .missingField,
                "\(what) has an origin_request_policy but no cache_policy; CloudFront needs both (try cache_policy: Managed-CachingOptimized)",
                at: node
            )
        }
        behavior.responseHeadersPolicy = try resolvePolicy(
            "response_headers_policy",
            of: fields,
            in: what,
            declared: responseHeadersPolicies,
            managed: ResponseHeadersPolicy.managed,
            name: \.name,
            id: \.id
        )
    }
}
