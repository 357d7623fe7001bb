import HTTPTypes
import Topology

/// The header fields CloudFront sends to an origin, made from the viewer's (spec §9, "Request to
/// the origin"): `X-Forwarded-For` gets the viewer's address, `User-Agent` becomes
/// `Amazon CloudFront`, `Host` the origin's domain, a `Via` is added, and the fields CloudFront
/// strips are gone — unless the behavior's cache key forwards them.
public enum OriginRequestFields {
    /// Fields removed unless the cache key policy forwards them.
    static let removedUnlessForwarded: Set<String> = ["accept", "accept-charset", "accept-language", "referer", "authorization"]

    /// Fields always removed.
    static let alwaysRemoved: Set<String> = [
        "expect", "te", "trailer", "upgrade", "x-forwarded-proto", "x-real-ip", "x-http-method-override", "host",
    ]

    /// Builds the origin-facing fields under CloudFront's legacy settings: the viewer's fields
    /// but those it strips unless the cache key forwards them.
    /// - Parameters:
    ///   - viewer: The viewer's request fields.
    ///   - clientIP: The viewer's address, appended to `X-Forwarded-For`.
    ///   - originHost: The origin's domain, for `Host`.
    ///   - via: This node's `Via` value.
    ///   - requestID: The request id (`X-Amz-Cf-Id`).
    ///   - policy: The behavior's cache key policy: the headers and cookies it forwards.
    /// - Returns: The fields to send.
    public static func make(
        from viewer: HTTPFields,
        clientIP: String,
        originHost: String,
        via: String,
        requestID: String,
        policy: CacheKeyPolicy
    ) -> HTTPFields {
        let forwarded = Set(policy.headers.map { $0.lowercased() })
        return make(
            from: viewer,
            host: originHost,
            sendsUserAgent: forwarded.contains("user-agent"),
            clientIP: clientIP,
            via: via,
            requestID: requestID
        ) {
            field,
            name in
            if removedUnlessForwarded.contains(name), !forwarded.contains(name) { return nil }
            if name == "cookie", case .none = policy.cookies { return nil }
            return field
        }
    }

    /// What every origin request has, whichever settings chose the viewer's fields: `Host`, the
    /// fields CloudFront always strips gone, `User-Agent: Amazon CloudFront` unless the viewer's
    /// is sent, then `X-Forwarded-For`, `Via` and `X-Amz-Cf-Id`.
    /// - Parameter sent: The field to send for one of the viewer's (name lower case), or `nil`.
    private static func make(
        from viewer: HTTPFields,
        host: String,
        sendsUserAgent: Bool,
        clientIP: String,
        via: String,
        requestID: String,
        sent: (HTTPField, String) -> HTTPField?
    ) -> HTTPFields {
        var fields = HTTPFields()
        fields[.host] = host
        for field in viewer.removingHopByHop().removingInternal() {
            let name = field.name.canonicalName
            if alwaysRemoved.contains(name) || name.hasPrefix("proxy-") || name.hasPrefix("x-edge-") { continue }
            if name == "x-forwarded-for" || name == "via" || (name == "user-agent" && !sendsUserAgent) { continue }
            if let kept = sent(field, name) { fields.append(kept) }
        }
        if !sendsUserAgent { fields[.userAgent] = "Amazon CloudFront" }
        fields[.xForwardedFor] = (viewer[values: .xForwardedFor] + [clientIP]).joined(separator: ", ")
        fields[.via] = (viewer[values: .via] + [via]).joined(separator: ", ")
        fields[.amzCfID] = requestID
        return fields
    }
}

extension OriginRequestFields {
    /// What goes to the origin under a cache policy (spec §7.2): the headers, cookies and query
    /// parameters it keys on, joined with what the origin request policy adds, and nothing
    /// else of the viewer's; CloudFront's own fields as always. `Host` is the origin's unless
    /// a policy forwards the viewer's.
    public struct PolicyForwarding: Sendable {
        public var headers: CacheKeyPolicy.Selection
        /// CloudFront's generated headers it sends (lower case).
        public var cloudFrontHeaders: Set<String>
        public var cookies: CacheKeyPolicy.Selection
        public var queryStrings: CacheKeyPolicy.Selection

        public init(cacheKey: CacheKeyPolicy, originRequest: OriginRequestPolicy?) {
            let keyed = CacheKeyPolicy.Selection.only(cacheKey.headers + (cacheKey.acceptEncodings.isEmpty ? [] : ["accept-encoding"]))
            headers = keyed.union(originRequest?.headers ?? .none)
            var generated = Set(cacheKey.headers.filter(OriginRequestPolicy.isCloudFrontHeader))
            generated.formUnion(originRequest?.cloudFrontHeaders ?? [])
            if case .only(let names) = originRequest?.headers { generated.formUnion(names.filter(OriginRequestPolicy.isCloudFrontHeader)) }
            cloudFrontHeaders = generated
            cookies = cacheKey.cookies.union(originRequest?.cookies ?? .none)
            queryStrings = cacheKey.queryStrings.union(originRequest?.queryStrings ?? .none)
        }

        /// Whether a header (lower case) goes: CloudFront's own only when named.
        func sends(_ name: String) -> Bool {
            OriginRequestPolicy.isCloudFrontHeader(name) ? cloudFrontHeaders.contains(name) : headers.keeps(name)
        }

        /// The query string the origin gets.
        public func query(_ query: String) -> String {
            switch queryStrings {
            case .all: query
            case .none: ""
            default: queryStrings.kept(query.split(separator: "&")).joined(separator: "&")
            }
        }
    }

    /// The origin-facing fields under policies.
    /// - Parameter viewerHost: The viewer's `Host` (its authority), sent when a policy forwards it.
    public static func make(
        from viewer: HTTPFields,
        viewerHost: String?,
        clientIP: String,
        originHost: String,
        via: String,
        requestID: String,
        forwarding: PolicyForwarding
    ) -> HTTPFields {
        let host = forwarding.headers.keeps("host") ? viewerHost ?? originHost : originHost
        let sendsUserAgent = forwarding.headers.keeps("user-agent")
        return make(from: viewer, host: host, sendsUserAgent: sendsUserAgent, clientIP: clientIP, via: via, requestID: requestID) { field, name in
            if name == "cookie" {
                let kept = forwarding.cookies.kept(HTTPFields([field]).cookiePairs)
                return kept.isEmpty ? nil : HTTPField(name: .cookie, value: kept.joined(separator: "; "))
            }
            return forwarding.sends(name) ? field : nil
        }
    }
}

extension HTTPFields {
    /// The viewer's cookies as `name=value` pairs, from every `Cookie` field, trimmed, in order.
    public var cookiePairs: [String] {
        self[values: .cookie].flatMap { $0.split(separator: ";") }.map { $0.trimming(" \t") }.filter { !$0.isEmpty }
    }
}
