import Foundation
import Topology
import Yams

extension CloudFrontImporter {
    /// A cache behavior (the default one with path `*`).
    mutating func behavior(_ behavior: JSONField, path: String, groups: [String: String]) throws -> Node {
        behavior.unmodelled(
            handled: [
                "PathPattern", "TargetOriginId", "ViewerProtocolPolicy", "TrustedSigners", "TrustedKeyGroups", "AllowedMethods", "Compress",
                "LambdaFunctionAssociations", "FunctionAssociations", "CachePolicyId", "OriginRequestPolicyId", "ResponseHeadersPolicyId",
                "ForwardedValues", "MinTTL", "DefaultTTL", "MaxTTL", "SmoothStreaming", "FieldLevelEncryptionId", "RealtimeLogConfigArn",
                "GrpcConfig",
            ],
            into: &warnings
        )
        let target = try behavior.required("TargetOriginId")
        let targetID = try target.string()
        guard let origin = originIDs[targetID] ?? groups[targetID] else {
            throw target.error("names no origin or origin group of the distribution (CloudFront's NoSuchOrigin)", .noSuchOrigin)
        }
        let policy = try behavior.string("ViewerProtocolPolicy") ?? "allow-all"
        guard ViewerProtocolPolicy(rawValue: policy) != nil else {
            throw try behavior.required("ViewerProtocolPolicy").error("is '\(policy)': expected allow-all, redirect-to-https or https-only")
        }
        for key in ["TrustedKeyGroups", "TrustedSigners"] {
            if let field = behavior[key], try field.bool("Enabled") == true {
                warn(field, "signed URLs need the key group's public keys: declare key_groups: and add trusted_key_groups: to this behavior")
            }
        }
        try checkMethods(behavior)
        for key in ["SmoothStreaming", "FieldLevelEncryptionId", "RealtimeLogConfigArn", "GrpcConfig"] {
            if let field = behavior[key], !field.value.isDefault { warn(field, "not modelled; ignored") }
        }

        var fields: [(String, Node?)] = [("path", YAMLBuilder.text(path)), ("origin", YAMLBuilder.text(origin))]
        if policy != "allow-all" { fields.append(("viewer_protocol_policy", YAMLBuilder.text(policy))) }
        if try behavior.bool("Compress") == true { fields.append(("compress", YAMLBuilder.flag(true))) }
        if let id = try behavior.string("CachePolicyId"), !id.isEmpty {
            fields.append(("cache_policy", YAMLBuilder.text(try cachePolicy(id, at: behavior.required("CachePolicyId")))))
            if let id = try behavior.string("OriginRequestPolicyId"), !id.isEmpty {
                fields.append(
                    ("origin_request_policy", YAMLBuilder.text(try originRequestPolicy(id, at: behavior.required("OriginRequestPolicyId"))))
                )
            }
        } else {
            fields += try legacySettings(behavior)
        }
        if let id = try behavior.string("ResponseHeadersPolicyId"), !id.isEmpty {
            fields.append(
                ("response_headers_policy", YAMLBuilder.text(try responseHeadersPolicy(id, at: behavior.required("ResponseHeadersPolicyId"))))
            )
        }
        let associations = try self.associations(behavior, path: path)
        if !associations.isEmpty { fields.append(("functions", YAMLBuilder.map(associations, flow: true))) }
        return YAMLBuilder.map(fields)
    }

    /// AllowedMethods: edgesim passes every method through, as a behavior allowing all seven does.
    private mutating func checkMethods(_ behavior: JSONField) throws {
        guard let methods = behavior["AllowedMethods"] else { return }
        let allowed = try methods.wrappedItems().map { try $0.string() }
        if allowed.count != 7 {
            warn(methods, "only \(allowed.sorted().joined(separator: ", ")) allowed at CloudFront; edgesim passes every method through")
        }
        if let cached = methods["CachedMethods"], try cached.wrappedItems().contains(where: { try $0.string() == "OPTIONS" }) {
            warn(cached, "OPTIONS responses are not cached here; GET and HEAD are")
        }
    }

    /// The legacy `ForwardedValues` and TTLs (spec §7.3) as `ttl:` and `cache_key:`.
    private mutating func legacySettings(_ behavior: JSONField) throws -> [(String, Node?)] {
        let minimum = try behavior.integer("MinTTL") ?? 0
        let standard = try behavior.integer("DefaultTTL") ?? 86_400
        let maximum = try behavior.integer("MaxTTL") ?? 31_536_000
        var result: [(String, Node?)] = []
        if (minimum, standard, maximum) != (0, 86_400, 31_536_000) {
            result.append(("ttl", Self.ttl(minimum, standard, maximum)))
        }
        guard let forwarded = behavior["ForwardedValues"] else { return result }
        forwarded.unmodelled(handled: ["QueryString", "Cookies", "Headers", "QueryStringCacheKeys"], into: &warnings)
        var key: [(String, Node?)] = []
        if try forwarded.bool("QueryString") == true {
            let names = try forwarded.strings("QueryStringCacheKeys")
            key.append(("query_strings", names.isEmpty ? YAMLBuilder.text("all") : YAMLBuilder.texts(names)))
        }
        let headers = try forwarded.strings("Headers")
        if headers.contains("*") {
            warn(
                try forwarded.required("Headers"),
                "forwarding all headers ('*') keys on every header at CloudFront; not modelled, so none are keyed"
            )
        } else if !headers.isEmpty {
            key.append(("headers", YAMLBuilder.texts(headers.map { $0.lowercased() })))
        }
        if let cookies = forwarded["Cookies"] {
            switch try cookies.string("Forward") ?? "none" {
            case "all": key.append(("cookies", YAMLBuilder.text("all")))
            case "whitelist": key.append(("cookies", YAMLBuilder.texts(try cookies.strings("WhitelistedNames"))))
            default: break
            }
        }
        if !key.isEmpty { result.append(("cache_key", YAMLBuilder.map(key, flow: true))) }
        return result
    }

    static func ttl(_ minimum: Int, _ standard: Int, _ maximum: Int) -> Node {
        YAMLBuilder.map(
            [("min", YAMLBuilder.text("\(minimum) s")), ("default", YAMLBuilder.text("\(standard) s")), ("max", YAMLBuilder.text("\(maximum) s"))],
            flow: true
        )
    }

    /// A cache policy by id: a managed one by its name, else the declared one its
    /// `get-cache-policy` output makes.
    mutating func cachePolicy(_ id: String, at field: JSONField) throws -> String {
        if let managed = NamedCachePolicy.managed.first(where: { $0.id == id }) { return "Managed-" + managed.name }
        if let name = declaredPolicyIDs[id] { return name }
        if running {
            throw field.error(
                "names cache policy \(id), which is neither a managed policy nor one of the network's cache_policies",
                .noSuchCachePolicy
            )
        }
        guard let config = cachePolicyDocuments[id] else {
            throw field.error(
                "names cache policy \(id), which is not a managed policy: add the output of aws cloudfront get-cache-policy --id \(id)",
                .noSuchCachePolicy
            )
        }
        config.unmodelled(
            handled: ["Name", "Comment", "MinTTL", "DefaultTTL", "MaxTTL", "ParametersInCacheKeyAndForwardedToOrigin"],
            into: &warnings
        )
        let name = try identifier(for: try config.required("Name").string(), at: config.required("Name"), taken: Set(cachePolicies.map(\.0)))
        var key: [(String, Node?)] = []
        if let parameters = config["ParametersInCacheKeyAndForwardedToOrigin"] {
            parameters.unmodelled(
                handled: ["EnableAcceptEncodingGzip", "EnableAcceptEncodingBrotli", "HeadersConfig", "CookiesConfig", "QueryStringsConfig"],
                into: &warnings
            )
            let codings = [("gzip", try parameters.bool("EnableAcceptEncodingGzip")), ("br", try parameters.bool("EnableAcceptEncodingBrotli"))]
                .filter { $0.1 == true }.map(\.0)
            key.append(("query_strings", try selection(parameters["QueryStringsConfig"], behavior: "QueryStringBehavior", list: "QueryStrings")))
            if let headers = parameters["HeadersConfig"], try headers.string("HeaderBehavior") == "whitelist" {
                key.append(("headers", YAMLBuilder.texts(try headers.strings("Headers").map { $0.lowercased() })))
            }
            key.append(("cookies", try selection(parameters["CookiesConfig"], behavior: "CookieBehavior", list: "Cookies")))
            key.append(("accept_encoding", codings.isEmpty ? YAMLBuilder.text("none") : YAMLBuilder.texts(codings)))
        }
        let ttl = Self.ttl(try config.integer("MinTTL") ?? 0, try config.integer("DefaultTTL") ?? 86_400, try config.integer("MaxTTL") ?? 31_536_000)
        cachePolicies.append((name, YAMLBuilder.map([("ttl", ttl), ("cache_key", YAMLBuilder.map(key, flow: true))])))
        declaredPolicyIDs[id] = name
        return name
    }

    /// An origin request policy by id, managed or from its `get-origin-request-policy` output.
    mutating func originRequestPolicy(_ id: String, at field: JSONField) throws -> String {
        if let managed = OriginRequestPolicy.managed.first(where: { $0.id == id }) { return "Managed-" + managed.name }
        if let name = declaredPolicyIDs[id] { return name }
        if running {
            throw field.error(
                "names origin request policy \(id), which is neither a managed policy nor one of the network's origin_request_policies",
                .noSuchOriginRequestPolicy
            )
        }
        guard let config = originRequestPolicyDocuments[id] else {
            throw field.error(
                "names origin request policy \(id), which is not a managed policy: add the output of aws cloudfront get-origin-request-policy --id \(id)",
                .noSuchOriginRequestPolicy
            )
        }
        config.unmodelled(handled: ["Name", "Comment", "HeadersConfig", "CookiesConfig", "QueryStringsConfig"], into: &warnings)
        let name = try identifier(for: try config.required("Name").string(), at: config.required("Name"), taken: Set(originRequestPolicies.map(\.0)))
        var fields: [(String, Node?)] = []
        if let headers = config["HeadersConfig"] {
            let names = try headers.strings("Headers")
            let viewer = names.filter { !$0.lowercased().hasPrefix("cloudfront-") }
            let cloudFront = names.filter { $0.lowercased().hasPrefix("cloudfront-") }
            switch try headers.string("HeaderBehavior") ?? "none" {
            case "whitelist": if !viewer.isEmpty { fields.append(("headers", YAMLBuilder.texts(viewer.map { $0.lowercased() }))) }
            case "allViewer", "allViewerAndWhitelistCloudFront": fields.append(("headers", YAMLBuilder.text("all_viewer")))
            case "allExcept":
                fields.append(("headers", YAMLBuilder.map([("all_except", YAMLBuilder.texts(viewer.map { $0.lowercased() }))], flow: true)))
            default: break
            }
            if !cloudFront.isEmpty { fields.append(("cloudfront_headers", YAMLBuilder.texts(cloudFront))) }
        }
        fields.append(("cookies", try selection(config["CookiesConfig"], behavior: "CookieBehavior", list: "Cookies")))
        fields.append(("query_strings", try selection(config["QueryStringsConfig"], behavior: "QueryStringBehavior", list: "QueryStrings")))
        originRequestPolicies.append((name, YAMLBuilder.map(fields, flow: true)))
        declaredPolicyIDs[id] = name
        return name
    }

    /// A policy's `{XBehavior: none|whitelist|allExcept|all, Xs: {…}}` as a selection.
    private func selection(_ config: JSONField?, behavior: String, list: String) throws -> Node {
        guard let config else { return YAMLBuilder.text("none") }
        let names = try config.strings(list)
        switch try config.string(behavior) ?? "none" {
        case "whitelist": return YAMLBuilder.texts(names)
        case "allExcept": return YAMLBuilder.map([("all_except", YAMLBuilder.texts(names))], flow: true)
        case "all": return YAMLBuilder.text("all")
        case "none": return YAMLBuilder.text("none")
        case let other: throw try config.required(behavior).error("is '\(other)': expected none, whitelist, allExcept or all")
        }
    }
}
