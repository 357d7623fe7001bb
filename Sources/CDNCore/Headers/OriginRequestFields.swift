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

    /// Builds the origin-facing fields.
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
        var fields = HTTPFields()
        fields[.host] = originHost
        for field in viewer.removingHopByHop().removingInternal() {
            let name = field.name.canonicalName
            if alwaysRemoved.contains(name) || name.hasPrefix("proxy-") || name.hasPrefix("x-edge-") { continue }
            if removedUnlessForwarded.contains(name), !forwarded.contains(name) { continue }
            if name == "cookie", case .none = policy.cookies { continue }
            if name == "user-agent", !forwarded.contains(name) { continue }
            if name == "x-forwarded-for" || name == "via" { continue }
            fields.append(field)
        }
        if !forwarded.contains("user-agent") { fields[.userAgent] = "Amazon CloudFront" }
        let chain = viewer[values: .xForwardedFor] + [clientIP]
        fields[.xForwardedFor] = chain.joined(separator: ", ")
        fields[.via] = (viewer[values: .via] + [via]).joined(separator: ", ")
        fields[.amzCfID] = requestID
        return fields
    }
}
