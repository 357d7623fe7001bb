import Foundation
import Topology
import Yams

extension CloudFrontImporter {
    /// One DistributionConfig as a `distributions:` entry.
    mutating func distribution(_ config: JSONField, domain: String?) throws -> Node {
        let handled: Set<String> = [
            "CallerReference", "Comment", "Enabled", "Aliases", "DefaultRootObject", "Origins", "OriginGroups", "DefaultCacheBehavior",
            "CacheBehaviors", "CustomErrorResponses", "Logging", "PriceClass", "ViewerCertificate", "Restrictions", "HttpVersion",
            "IsIPV6Enabled", "ContinuousDeploymentPolicyId", "Staging", "WebACLId",
        ]
        config.unmodelled(handled: handled, into: &warnings)
        if try config.bool("Enabled") == false {
            warn(try config.required("Enabled"), "the distribution is disabled at CloudFront; it is served here")
        }
        if let acl = config["WebACLId"], !acl.value.isDefault { warn(acl, "AWS WAF is not modelled; no request is blocked by it") }
        if try config.bool("Staging") == true || !(config["ContinuousDeploymentPolicyId"]?.value.isDefault ?? true) {
            warn(config, "continuous deployment (staging distributions) is not modelled; imported as a plain distribution")
        }
        if try config.bool("IsIPV6Enabled") == false {
            warn(try config.required("IsIPV6Enabled"), "IPv6 is not modelled (viewers are IPv4 on 127/8)")
        }

        let originEntries = try config.items("Origins")
        guard !originEntries.isEmpty else { throw try config.required("Origins").error("needs at least one origin") }
        var originOrder: [String] = []
        for origin in originEntries { originOrder.append(try self.origin(origin)) }
        var groups: [(String, Node)] = []
        var groupIDs: [String: String] = [:]
        for group in try config.items("OriginGroups") {
            let (id, node) = try originGroup(group, taken: Set(originOrder))
            groupIDs[try group.required("Id").string()] = id
            groups.append((id, node))
        }

        var behaviors: [Node] = []
        for behavior in try config.items("CacheBehaviors") {
            behaviors.append(try self.behavior(behavior, path: try behavior.required("PathPattern").string(), groups: groupIDs))
        }
        behaviors.append(try self.behavior(try config.required("DefaultCacheBehavior"), path: "*", groups: groupIDs))

        var errorResponses: [Node] = []
        for response in try config.items("CustomErrorResponses") {
            response.unmodelled(handled: ["ErrorCode", "ResponsePagePath", "ResponseCode", "ErrorCachingMinTTL"], into: &warnings)
            let page = try response.string("ResponsePagePath").flatMap { $0.isEmpty ? nil : $0 }
            let code = try response["ResponseCode"].flatMap { field -> Int? in
                if case .string(let text) = field.value, text.isEmpty { return nil }
                return try field.integer()
            }
            errorResponses.append(
                YAMLBuilder.map(
                    [
                        ("error_code", YAMLBuilder.number(try response.required("ErrorCode").integer())),
                        ("response_page_path", page.map(YAMLBuilder.text)),
                        ("response_code", page == nil ? nil : code.map(YAMLBuilder.number)),
                        ("error_caching_min_ttl", try response.integer("ErrorCachingMinTTL").map { YAMLBuilder.text("\($0) s") }),
                    ],
                    flow: true
                )
            )
        }

        let aliases = try config.strings("Aliases").map { $0.lowercased() }
        let rootObject = try config.string("DefaultRootObject").flatMap { $0.isEmpty ? nil : $0 }
        return YAMLBuilder.map([
            ("domain", domain.map(YAMLBuilder.text)),
            ("aliases", aliases.isEmpty ? nil : YAMLBuilder.texts(aliases)),
            ("origins", YAMLBuilder.texts(originOrder)),
            ("edges", YAMLBuilder.text("all")),
            ("price_class", try priceClass(config)),
            ("security_policy", try securityPolicy(config)),
            ("http_versions", try httpVersions(config)),
            ("origin_groups", groups.isEmpty ? nil : YAMLBuilder.map(groups)),
            ("geo_restriction", try geoRestriction(config)),
            ("default_root_object", rootObject.map(YAMLBuilder.text)),
            ("custom_error_responses", errorResponses.isEmpty ? nil : YAMLBuilder.list(errorResponses, flow: false)),
            ("logging", try logging(config)),
            ("behaviors", YAMLBuilder.list(behaviors, flow: false)),
        ])
    }

    private mutating func priceClass(_ config: JSONField) throws -> Node? {
        guard let field = config["PriceClass"] else { return nil }
        let text = try field.string()
        guard PriceClass(rawValue: text) != nil else {
            if text != "None" { throw field.error("is '\(text)': expected PriceClass_100, PriceClass_200 or PriceClass_All") }
            warn(field, "PriceClass None (the newer flat-rate plans) is served as PriceClass_All")
            return nil
        }
        return text == PriceClass.all.rawValue ? nil : YAMLBuilder.text(text)
    }

    private mutating func securityPolicy(_ config: JSONField) throws -> Node? {
        guard let certificate = config["ViewerCertificate"] else { return nil }
        certificate.unmodelled(
            handled: [
                "CloudFrontDefaultCertificate", "MinimumProtocolVersion", "ACMCertificateArn", "IAMCertificateId", "SSLSupportMethod",
                "Certificate", "CertificateSource",
            ],
            into: &warnings
        )
        for key in ["ACMCertificateArn", "IAMCertificateId"] {
            if let field = certificate[key], !field.value.isDefault {
                warn(
                    field,
                    "the certificate is the network CA's for the distribution's names here (edgesim ca); give certificate: {chain, key} to bring your own"
                )
            }
        }
        if try certificate.string("SSLSupportMethod") == "vip" || certificate.string("SSLSupportMethod") == "static-ip" {
            warn(try certificate.required("SSLSupportMethod"), "dedicated IP addresses are not modelled; served by SNI")
        }
        if try certificate.bool("CloudFrontDefaultCertificate") == true { return nil }
        guard let field = certificate["MinimumProtocolVersion"] else { return nil }
        let text = try field.string()
        guard SecurityPolicy(rawValue: text) != nil else {
            let known = SecurityPolicy.allCases.map(\.rawValue).joined(separator: ", ")
            throw field.error("is '\(text)': expected one of \(known)")
        }
        return text == SecurityPolicy.tlsv1.rawValue ? nil : YAMLBuilder.text(text)
    }

    private func httpVersions(_ config: JSONField) throws -> Node? {
        guard let field = config["HttpVersion"] else { return nil }
        let text = try field.string()
        guard HTTPVersions(rawValue: text) != nil else { throw field.error("is '\(text)': expected http1.1, http2, http3 or http2and3") }
        return text == HTTPVersions.http2.rawValue ? nil : YAMLBuilder.text(text)
    }

    private mutating func geoRestriction(_ config: JSONField) throws -> Node? {
        guard let restrictions = config["Restrictions"] else { return nil }
        restrictions.unmodelled(handled: ["GeoRestriction"], into: &warnings)
        guard let geo = restrictions["GeoRestriction"] else { return nil }
        let kind = try geo.required("RestrictionType").string()
        guard GeoRestriction.Kind(rawValue: kind) != nil else {
            throw try geo.required("RestrictionType").error("is '\(kind)': expected none, whitelist or blacklist")
        }
        guard kind != "none" else { return nil }
        let countries = try geo.wrappedItems().map { try $0.string() }
        return YAMLBuilder.map([("restriction_type", YAMLBuilder.text(kind)), ("locations", YAMLBuilder.texts(countries))], flow: true)
    }

    private mutating func logging(_ config: JSONField) throws -> Node? {
        guard let logging = config["Logging"], try logging.bool("Enabled") == true else { return nil }
        logging.unmodelled(handled: ["Enabled", "IncludeCookies", "Bucket", "Prefix"], into: &warnings)
        let bucket = try logging.required("Bucket").string()
        guard !bucket.isEmpty else { throw try logging.required("Bucket").error("is empty, but logging is enabled") }
        let prefix = try logging.string("Prefix") ?? ""
        return YAMLBuilder.map(
            [
                ("bucket", YAMLBuilder.text(bucket)),
                ("prefix", prefix.isEmpty ? nil : YAMLBuilder.text(prefix)),
                ("include_cookies", try logging.bool("IncludeCookies") == true ? YAMLBuilder.flag(true) : nil),
            ],
            flow: true
        )
    }

    /// An origin group: its members (already imported origins) and failover statuses.
    private mutating func originGroup(_ group: JSONField, taken: Set<String>) throws -> (String, Node) {
        group.unmodelled(handled: ["Id", "FailoverCriteria", "Members", "SelectionCriteria"], into: &warnings)
        if let selection = try group.string("SelectionCriteria"), selection != "default" {
            warn(
                try group.required("SelectionCriteria"),
                "selection '\(selection)' (media quality-based) is not modelled; the primary is tried first"
            )
        }
        let id = try identifier(for: try group.required("Id").string(), at: group.required("Id"), taken: taken)
        var members: [String] = []
        for member in try group.items("Members") {
            let origin = try member.required("OriginId")
            guard let mapped = originIDs[try origin.string()] else { throw origin.error("names no origin of the distribution") }
            members.append(mapped)
        }
        let statuses = try group.required("FailoverCriteria").items("StatusCodes").map { try $0.integer() }
        return (
            id,
            YAMLBuilder.map(
                [("members", YAMLBuilder.texts(members)), ("failover_criteria", YAMLBuilder.list(statuses.map(YAMLBuilder.number)))],
                flow: true
            )
        )
    }

    /// An id the topology takes (`up to 64 letters, digits, . _ -`) for one of CloudFront's.
    mutating func identifier(for name: String, at field: JSONField, taken: Set<String>) throws -> String {
        var id = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "-" }.prefix(64))
        while id.contains("--") { id = id.replacingOccurrences(of: "--", with: "-") }
        while let first = id.first, !(first.isLetter || first.isNumber) { id.removeFirst() }
        while id.hasSuffix("-") { id.removeLast() }
        if id.isEmpty { id = "origin" }
        var unique = id
        var counter = 2
        while taken.contains(unique) {
            unique = String(id.prefix(60)) + "-\(counter)"
            counter += 1
        }
        if unique != name { warn(field, "'\(name)' is '\(unique)' here (the topology's ids are letters, digits, '.', '_' and '-')") }
        return unique
    }
}
