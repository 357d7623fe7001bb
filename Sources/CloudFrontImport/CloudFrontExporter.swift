import Foundation
import Topology

/// `edgesim export cloudfront DIST`: a topology's distribution written back as CloudFront's JSON
/// (spec §9): `get-distribution`'s shape, whose `DistributionConfig` is what `update-distribution`
/// takes, and a `get-…-policy` document for each declared policy it names. Importing what this
/// writes gives the same distribution again.
public struct CloudFrontExporter {
    /// One file to write: its name and text.
    public struct File: Sendable, Equatable {
        public var name: String
        public var text: String
    }

    /// The account the ARNs name: edgesim's networks have no AWS account, and every simulated
    /// ARN (the workers' invoked function ARNs, the key value stores') names this one.
    static let account = "123456789012"

    let topology: Topology
    let distribution: DistributionSpec
    /// The runtimes of functions the topology does not declare (published to a running
    /// network), so their associations are written as the right kind.
    var runtimes: [String: Runtime] = [:]
    private var documents: [String: String] = [:]

    /// The distribution's files: `DIST.json` first, then the declared policies', by name.
    public static func files(for distribution: DistributionSpec, in topology: Topology) -> [File] {
        var exporter = CloudFrontExporter(topology: topology, distribution: distribution)
        let config = exporter.config()
        let main = OrderedJSON.object([
            ("ETag", .string(Self.etag(config.text()))),
            (
                "Distribution",
                .object([
                    ("Id", .string(distribution.id)),
                    ("ARN", .string("arn:aws:cloudfront::\(account):distribution/\(distribution.id)")),
                    ("Status", .string("Deployed")),
                    ("DomainName", .string(distribution.domainName)),
                    ("DistributionConfig", config),
                ])
            ),
        ])
        return [File(name: "\(distribution.id).json", text: main.text() + "\n")]
            + exporter.documents.sorted { $0.key < $1.key }.map { File(name: $0.key, text: $0.value) }
    }

    /// The bare DistributionConfig, as `update-distribution --distribution-config` takes it.
    public static func config(for distribution: DistributionSpec, in topology: Topology) -> String {
        var exporter = CloudFrontExporter(topology: topology, distribution: distribution)
        return exporter.config().text() + "\n"
    }

    /// The DistributionConfig as JSON values, for the API's XML.
    static func configJSON(for distribution: DistributionSpec, in topology: Topology, runtimes: [String: Runtime] = [:]) -> OrderedJSON {
        var exporter = CloudFrontExporter(topology: topology, distribution: distribution, runtimes: runtimes)
        return exporter.config()
    }

    /// An ETag like CloudFront's (`E2QWRUHEXAMPLE`), the same for the same config.
    static func etag(_ config: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var hash = StableHash.fnv1a(config)
        return "E"
            + String(
                (0..<13).map { _ in
                    defer { hash /= 36 }
                    return alphabet[Int(hash % 36)]
                }
            )
    }

    private mutating func config() -> OrderedJSON {
        let d = distribution
        let behaviors = d.behaviors.indices.map { behavior(d.behaviors[$0], isDefault: $0 == d.behaviors.count - 1) }
        let errorResponses = d.errorResponses.keys.sorted().map { code -> OrderedJSON in
            let response = d.errorResponses[code]!
            return .object([
                ("ErrorCode", .integer(code)),
                ("ResponsePagePath", .string(response.page?.path ?? "")),
                ("ResponseCode", .string(response.page.map { String($0.responseCode) } ?? "")),
                ("ErrorCachingMinTTL", .integer(Int(response.cachingMinimumTTL.components.seconds))),
            ])
        }
        let defaultCertificate = d.securityPolicy == .tlsv1 && d.certificate == nil
        return .object([
            ("CallerReference", .string(d.id)),
            ("Aliases", .strings(d.aliases)),
            ("DefaultRootObject", .string(d.defaultRootObject ?? "")),
            ("Origins", .wrapped(d.origins.compactMap { topology.origin($0).map(origin) })),
            ("OriginGroups", .wrapped(d.originGroups.map(originGroup))),
            ("DefaultCacheBehavior", behaviors.last!),
            ("CacheBehaviors", .wrapped(Array(behaviors.dropLast()))),
            ("CustomErrorResponses", .wrapped(errorResponses)),
            ("Comment", .string("")),
            (
                "Logging",
                .object([
                    ("Enabled", .bool(d.logging != nil)),
                    ("IncludeCookies", .bool(d.logging?.includeCookies ?? false)),
                    ("Bucket", .string(d.logging?.bucket ?? "")),
                    ("Prefix", .string(d.logging?.prefix ?? "")),
                ])
            ),
            ("PriceClass", .string(d.routing.priceClass.rawValue)),
            ("Enabled", .bool(true)),
            (
                "ViewerCertificate",
                defaultCertificate
                    ? .object([("CloudFrontDefaultCertificate", .bool(true)), ("MinimumProtocolVersion", .string("TLSv1"))])
                    : .object([
                        ("CloudFrontDefaultCertificate", .bool(false)),
                        ("ACMCertificateArn", .string("arn:aws:acm:us-east-1:\(Self.account):certificate/edgesim-\(d.id.lowercased())")),
                        ("SSLSupportMethod", .string("sni-only")),
                        ("MinimumProtocolVersion", .string(d.securityPolicy.rawValue)),
                    ])
            ),
            (
                "Restrictions",
                .object([
                    (
                        "GeoRestriction",
                        .wrapped(
                            d.geoRestriction.countries.sorted().map(OrderedJSON.string),
                            extra: [("RestrictionType", .string(d.geoRestriction.kind.rawValue))]
                        )
                    )
                ])
            ),
            ("WebACLId", .string("")),
            ("HttpVersion", .string(d.httpVersions.rawValue)),
            ("IsIPV6Enabled", .bool(true)),
        ])
    }

    /// An origin: a static one as the S3 bucket of its nearest hub's region, a URL one as a
    /// custom origin at the URL's host.
    private func origin(_ origin: OriginSpec) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = [("Id", .string(origin.id))]
        switch origin.kind {
        case .url(let text):
            let host = URLComponents(string: text)?.host ?? origin.id
            members += [
                ("DomainName", .string(host)),
                ("OriginPath", .string("")),
                ("CustomHeaders", .wrapped([])),
                (
                    "CustomOriginConfig",
                    .object([
                        ("HTTPPort", .integer(origin.httpPort)),
                        ("HTTPSPort", .integer(origin.httpsPort)),
                        ("OriginProtocolPolicy", .string(origin.protocolPolicy.rawValue)),
                        ("OriginSslProtocols", .strings(origin.sslProtocols.map(\.rawValue))),
                        ("OriginReadTimeout", .integer(Int(origin.timeouts.responseTimeout.components.seconds))),
                        ("OriginKeepaliveTimeout", .integer(5)),
                    ])
                ),
            ]
        case .staticFolder:
            let region =
                topology.hubs.min {
                    $0.location.coordinate.distance(to: origin.location.coordinate) < $1.location.coordinate.distance(to: origin.location.coordinate)
                }?.id ?? "us-east-1"
            members += [
                ("DomainName", .string("\(origin.id.lowercased()).s3.\(region).amazonaws.com")),
                ("OriginPath", .string("")),
                ("CustomHeaders", .wrapped([])),
                ("S3OriginConfig", .object([("OriginAccessIdentity", .string(""))])),
            ]
        }
        members += [
            ("ConnectionAttempts", .integer(origin.timeouts.connectionAttempts)),
            ("ConnectionTimeout", .integer(Int(origin.timeouts.connectionTimeout.components.seconds))),
            (
                "OriginShield",
                origin.originShield.map { .object([("Enabled", .bool(true)), ("OriginShieldRegion", .string($0))]) }
                    ?? .object([("Enabled", .bool(false))])
            ),
        ]
        return .object(members)
    }

    private func originGroup(_ group: OriginGroup) -> OrderedJSON {
        .object([
            ("Id", .string(group.id)),
            ("FailoverCriteria", .object([("StatusCodes", .wrapped(group.failoverStatuses.sorted().map(OrderedJSON.integer)))])),
            ("Members", .wrapped(group.members.map { .object([("OriginId", .string($0))]) })),
            ("SelectionCriteria", .string("default")),
        ])
    }

    /// A cache behavior; the default one has no PathPattern.
    private mutating func behavior(_ behavior: CacheBehavior, isDefault: Bool) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = []
        if !isDefault { members.append(("PathPattern", .string(behavior.pathPattern))) }
        let methods = ["HEAD", "DELETE", "POST", "GET", "OPTIONS", "PUT", "PATCH"]
        members += [
            ("TargetOriginId", .string(behavior.origin)),
            ("TrustedSigners", .object([("Enabled", .bool(false)), ("Quantity", .integer(0))])),
            (
                "TrustedKeyGroups",
                .wrapped(behavior.trustedKeyGroups.map(OrderedJSON.string), extra: [("Enabled", .bool(!behavior.trustedKeyGroups.isEmpty))])
            ),
            ("ViewerProtocolPolicy", .string(behavior.viewerProtocolPolicy.rawValue)),
            ("AllowedMethods", .wrapped(methods.map(OrderedJSON.string), extra: [("CachedMethods", .strings(["HEAD", "GET"]))])),
            ("SmoothStreaming", .bool(false)),
            ("Compress", .bool(behavior.compress)),
            ("LambdaFunctionAssociations", .wrapped(associations(behavior, cloudFront: false))),
            ("FunctionAssociations", .wrapped(associations(behavior, cloudFront: true))),
            ("FieldLevelEncryptionId", .string("")),
        ]
        if let name = behavior.cachePolicy {
            members.append(("CachePolicyId", .string(cachePolicyID(name, behavior: behavior))))
            if let policy = behavior.originRequestPolicy { members.append(("OriginRequestPolicyId", .string(originRequestPolicyID(policy)))) }
        } else {
            members += legacy(behavior)
        }
        if let policy = behavior.responseHeadersPolicy { members.append(("ResponseHeadersPolicyId", .string(responseHeadersPolicyID(policy)))) }
        return .object(members)
    }

    /// `describe-function`'s output for a CloudFront Function, which says its runtime.
    private mutating func describeFunction(_ name: String) {
        guard let function = topology.functions.first(where: { $0.name == name }) else { return }
        let json = OrderedJSON.object([
            ("ETag", .string("E" + String(StableHash.fnv1a(name) % 1_000_000_000_000))),
            (
                "FunctionSummary",
                .object([
                    ("Name", .string(name)),
                    ("Status", .string("DEPLOYED")),
                    ("FunctionConfig", .object([("Comment", .string("")), ("Runtime", .string(function.runtime.rawValue))])),
                ])
            ),
        ])
        documents["function.\(name).json"] = json.text() + "\n"
    }

    private mutating func associations(_ behavior: CacheBehavior, cloudFront: Bool) -> [OrderedJSON] {
        var found: [OrderedJSON] = []
        for event in EventType.allCases {
            guard let association = behavior.functions[event] else { continue }
            let runtime = topology.functions.first { $0.name == association.function }?.runtime ?? runtimes[association.function]
            let isCloudFront = runtime?.isCloudFrontFunction ?? false
            guard isCloudFront == cloudFront else { continue }
            if cloudFront {
                describeFunction(association.function)
                found.append(
                    .object([
                        ("FunctionARN", .string("arn:aws:cloudfront::\(Self.account):function/\(association.function)")),
                        ("EventType", .string(event.rawValue)),
                    ])
                )
            } else {
                found.append(
                    .object([
                        (
                            "LambdaFunctionARN",
                            .string("arn:aws:lambda:us-east-1:\(Self.account):function:\(association.function):\(association.version)")
                        ),
                        ("EventType", .string(event.rawValue)),
                        ("IncludeBody", .bool(association.includeBody)),
                    ])
                )
            }
        }
        return found
    }

    /// The legacy `ForwardedValues` and TTLs, for a behavior without a cache policy.
    private func legacy(_ behavior: CacheBehavior) -> [(String, OrderedJSON)] {
        let key = behavior.cacheKey
        let queryNames: [String] = if case .only(let names) = key.queryStrings { names } else { [] }
        let cookies: OrderedJSON =
            switch key.cookies {
            case .all, .allExcept: .object([("Forward", .string("all"))])
            case .only(let names): .object([("Forward", .string("whitelist")), ("WhitelistedNames", .strings(names))])
            case .none: .object([("Forward", .string("none"))])
            }
        return [
            (
                "ForwardedValues",
                .object([
                    ("QueryString", .bool(key.queryStrings != .none)),
                    ("Cookies", cookies),
                    ("Headers", .strings(key.headers)),
                    ("QueryStringCacheKeys", .strings(queryNames)),
                ])
            ),
            ("MinTTL", .integer(Int(behavior.minimumTTL.components.seconds))),
            ("DefaultTTL", .integer(Int(behavior.defaultTTL.components.seconds))),
            ("MaxTTL", .integer(Int(behavior.maximumTTL.components.seconds))),
        ]
    }

    /// A managed cache policy's id, or a declared one's name with its document written.
    private mutating func cachePolicyID(_ name: String, behavior: CacheBehavior) -> String {
        if let managed = NamedCachePolicy.managed.first(where: { $0.name == name }) { return managed.id }
        let key = behavior.cacheKey
        let config = OrderedJSON.object([
            ("Comment", .string("")),
            ("Name", .string(name)),
            ("DefaultTTL", .integer(Int(behavior.defaultTTL.components.seconds))),
            ("MaxTTL", .integer(Int(behavior.maximumTTL.components.seconds))),
            ("MinTTL", .integer(Int(behavior.minimumTTL.components.seconds))),
            (
                "ParametersInCacheKeyAndForwardedToOrigin",
                .object([
                    ("EnableAcceptEncodingGzip", .bool(key.acceptEncodings.contains(.gzip))),
                    ("EnableAcceptEncodingBrotli", .bool(key.acceptEncodings.contains(.br))),
                    (
                        "HeadersConfig",
                        .object(
                            [("HeaderBehavior", .string(key.headers.isEmpty ? "none" : "whitelist"))]
                                + (key.headers.isEmpty ? [] : [("Headers", .strings(key.headers))])
                        )
                    ),
                    ("CookiesConfig", Self.selection(key.cookies, behavior: "CookieBehavior", list: "Cookies")),
                    ("QueryStringsConfig", Self.selection(key.queryStrings, behavior: "QueryStringBehavior", list: "QueryStrings")),
                ])
            ),
        ])
        document("cache-policy.\(name).json", "CachePolicy", id: name, configKey: "CachePolicyConfig", config)
        return name
    }

    private mutating func originRequestPolicyID(_ policy: OriginRequestPolicy) -> String {
        if OriginRequestPolicy.managed.contains(where: { $0.id == policy.id }) { return policy.id }
        let headers: OrderedJSON =
            switch policy.headers {
            case .all:
                policy.cloudFrontHeaders.isEmpty
                    ? .object([("HeaderBehavior", .string("allViewer"))])
                    : .object([("HeaderBehavior", .string("allViewerAndWhitelistCloudFront")), ("Headers", .strings(policy.cloudFrontHeaders))])
            case .allExcept(let names): .object([("HeaderBehavior", .string("allExcept")), ("Headers", .strings(names))])
            case .only(let names): .object([("HeaderBehavior", .string("whitelist")), ("Headers", .strings(names + policy.cloudFrontHeaders))])
            case .none:
                policy.cloudFrontHeaders.isEmpty
                    ? .object([("HeaderBehavior", .string("none"))])
                    : .object([("HeaderBehavior", .string("whitelist")), ("Headers", .strings(policy.cloudFrontHeaders))])
            }
        let config = OrderedJSON.object([
            ("Comment", .string("")),
            ("Name", .string(policy.name)),
            ("HeadersConfig", headers),
            ("CookiesConfig", Self.selection(policy.cookies, behavior: "CookieBehavior", list: "Cookies")),
            ("QueryStringsConfig", Self.selection(policy.queryStrings, behavior: "QueryStringBehavior", list: "QueryStrings")),
        ])
        document("origin-request-policy.\(policy.name).json", "OriginRequestPolicy", id: policy.id, configKey: "OriginRequestPolicyConfig", config)
        return policy.id
    }

    private mutating func responseHeadersPolicyID(_ policy: ResponseHeadersPolicy) -> String {
        if ResponseHeadersPolicy.managed.contains(where: { $0.id == policy.id }) { return policy.id }
        var members: [(String, OrderedJSON)] = [("Comment", .string("")), ("Name", .string(policy.name))]
        if let cors = policy.cors {
            var fields: [(String, OrderedJSON)] = [
                ("AccessControlAllowOrigins", .strings(cors.allowOrigins)),
                ("AccessControlAllowHeaders", .strings(cors.allowHeaders.map { $0 == "*" ? "ALL" : $0 })),
                ("AccessControlAllowMethods", .strings(cors.allowMethods.map { $0 == "*" ? "ALL" : $0 })),
                ("AccessControlAllowCredentials", .bool(cors.allowCredentials)),
            ]
            if !cors.exposeHeaders.isEmpty { fields.append(("AccessControlExposeHeaders", .strings(cors.exposeHeaders))) }
            if let age = cors.maxAge { fields.append(("AccessControlMaxAgeSec", .integer(age))) }
            fields.append(("OriginOverride", .bool(cors.originOverride)))
            members.append(("CorsConfig", .object(fields)))
        }
        var security: [(String, OrderedJSON)] = []
        var custom: [OrderedJSON] = []
        for header in policy.headers {
            if let entry = Self.securityHeader(header) {
                security.append(entry)
            } else {
                custom.append(.object([("Header", .string(header.name)), ("Value", .string(header.value)), ("Override", .bool(header.override))]))
            }
        }
        if !security.isEmpty { members.append(("SecurityHeadersConfig", .object(security))) }
        if !custom.isEmpty { members.append(("CustomHeadersConfig", .wrapped(custom))) }
        if !policy.removedHeaders.isEmpty {
            members.append(("RemoveHeadersConfig", .wrapped(policy.removedHeaders.map { .object([("Header", .string($0))]) })))
        }
        if let timing = policy.serverTiming {
            members.append(
                ("ServerTimingHeadersConfig", .object([("Enabled", .bool(timing.enabled)), ("SamplingRate", .number(timing.samplingRate))]))
            )
        }
        document(
            "response-headers-policy.\(policy.name).json",
            "ResponseHeadersPolicy",
            id: policy.id,
            configKey: "ResponseHeadersPolicyConfig",
            .object(members)
        )
        return policy.id
    }

    /// A security header as SecurityHeadersConfig has it, or `nil` for a custom header.
    static func securityHeader(_ header: ResponseHeadersPolicy.Header) -> (String, OrderedJSON)? {
        let override = ("Override", OrderedJSON.bool(header.override))
        switch header.name {
        case "X-Content-Type-Options": return ("ContentTypeOptions", .object([override]))
        case "X-Frame-Options": return ("FrameOptions", .object([override, ("FrameOption", .string(header.value))]))
        case "Referrer-Policy": return ("ReferrerPolicy", .object([override, ("ReferrerPolicy", .string(header.value))]))
        case "Content-Security-Policy": return ("ContentSecurityPolicy", .object([override, ("ContentSecurityPolicy", .string(header.value))]))
        case "Strict-Transport-Security":
            let parts = header.value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            let age = parts.first { $0.hasPrefix("max-age=") }.flatMap { Int($0.dropFirst(8)) } ?? 0
            return (
                "StrictTransportSecurity",
                .object([
                    override, ("IncludeSubdomains", .bool(parts.contains("includeSubDomains"))), ("Preload", .bool(parts.contains("preload"))),
                    ("AccessControlMaxAgeSec", .integer(age)),
                ])
            )
        case "X-XSS-Protection":
            let parts = header.value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            var fields: [(String, OrderedJSON)] = [override, ("Protection", .bool(parts.first == "1"))]
            if parts.contains("mode=block") { fields.append(("ModeBlock", .bool(true))) }
            if let report = parts.first(where: { $0.hasPrefix("report=") }) { fields.append(("ReportUri", .string(String(report.dropFirst(7))))) }
            return ("XSSProtection", .object(fields))
        default: return nil
        }
    }

    /// A selection as a policy's `{XBehavior, Xs}`.
    static func selection(_ selection: CacheKeyPolicy.Selection, behavior: String, list: String) -> OrderedJSON {
        switch selection {
        case .none: .object([(behavior, .string("none"))])
        case .all: .object([(behavior, .string("all"))])
        case .only(let names): .object([(behavior, .string("whitelist")), (list, .strings(names))])
        case .allExcept(let names): .object([(behavior, .string("allExcept")), (list, .strings(names))])
        }
    }

    private mutating func document(_ file: String, _ kind: String, id: String, configKey: String, _ config: OrderedJSON) {
        let json = OrderedJSON.object([
            ("ETag", .string("E" + String(StableHash.fnv1a(id) % 1_000_000_000_000))), (kind, .object([("Id", .string(id)), (configKey, config)])),
        ])
        documents[file] = json.text() + "\n"
    }
}
