import Foundation

/// The headers CloudFront adds to and removes from what a behavior sends viewers
/// (`ResponseHeadersPolicyConfig`), declared under `response_headers_policies:` or managed.
public struct ResponseHeadersPolicy: Hashable, Sendable {
    public var name: String
    /// A managed policy's AWS id; a declared one's own name.
    public var id: String
    /// CORS headers for CORS requests and preflights.
    public var cors: CORS?
    /// The security headers, then the custom ones, as they are added.
    public var headers: [Header]
    /// Headers removed from every response (lower case), before any are added.
    public var removedHeaders: [String]
    /// Whether and how often responses get `Server-Timing`; `nil` leaves edgesim's default
    /// (every response), a deliberate difference that keeps the breakdown on without a policy.
    public var serverTiming: ServerTiming?

    /// One header a policy adds: with `override`, in place of the origin's; without, only where
    /// the origin sent none.
    public struct Header: Hashable, Sendable {
        public var name: String
        public var value: String
        public var override: Bool

        public init(name: String, value: String, override: Bool) {
            self.name = name
            self.value = value
            self.override = override
        }
    }

    /// The CORS settings (`CorsConfig`).
    public struct CORS: Hashable, Sendable {
        /// Exact origins, `*`, or `https://*.example.org` (a wildcard as the leftmost label).
        public var allowOrigins: [String]
        public var allowHeaders: [String]
        /// Method names, or `ALL`.
        public var allowMethods: [String]
        public var allowCredentials: Bool
        public var exposeHeaders: [String]
        public var maxAge: Int?
        public var originOverride: Bool

        public init(
            allowOrigins: [String],
            allowHeaders: [String] = ["*"],
            allowMethods: [String] = ["ALL"],
            allowCredentials: Bool = false,
            exposeHeaders: [String] = [],
            maxAge: Int? = nil,
            originOverride: Bool = false
        ) {
            self.allowOrigins = allowOrigins
            self.allowHeaders = allowHeaders
            self.allowMethods = allowMethods
            self.allowCredentials = allowCredentials
            self.exposeHeaders = exposeHeaders
            self.maxAge = maxAge
            self.originOverride = originOverride
        }

        /// The methods CloudFront lets `AccessControlAllowMethods` name.
        public static let methods = ["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "HEAD", "ALL"]

        /// The `Access-Control-Allow-Origin` value for a request's `Origin`, or `nil` when the
        /// policy does not allow that origin.
        public func allowOrigin(for origin: String) -> String? {
            if allowOrigins.contains("*") { return "*" }
            return allowOrigins.contains { Self.matches(origin, pattern: $0) } ? origin : nil
        }

        static func matches(_ origin: String, pattern: String) -> Bool {
            guard let star = pattern.range(of: "://*.") else { return origin.lowercased() == pattern.lowercased() }
            let scheme = pattern[..<star.lowerBound].lowercased()
            let suffix = "." + pattern[star.upperBound...].lowercased()
            let lower = origin.lowercased()
            guard lower.hasPrefix(scheme + "://"), lower.hasSuffix(suffix) else { return false }
            let label = lower.dropFirst(scheme.count + 3).dropLast(suffix.count)
            return !label.isEmpty && !label.contains(".")
        }

        /// `Access-Control-Allow-Methods`: `ALL` is every method CloudFront names.
        public var allowMethodsValue: String {
            (allowMethods.contains("ALL") ? ["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "HEAD"] : allowMethods).joined(separator: ", ")
        }
    }

    /// `ServerTimingHeadersConfig`: on or off, for a share of responses (0–100 %).
    public struct ServerTiming: Hashable, Sendable {
        public var enabled: Bool
        public var samplingRate: Double

        public init(enabled: Bool, samplingRate: Double = 100) {
            self.enabled = enabled
            self.samplingRate = samplingRate
        }
    }

    public init(
        name: String,
        id: String? = nil,
        cors: CORS? = nil,
        headers: [Header] = [],
        removedHeaders: [String] = [],
        serverTiming: ServerTiming? = nil
    ) {
        self.name = name
        self.id = id ?? name
        self.cors = cors
        self.headers = headers
        self.removedHeaders = removedHeaders
        self.serverTiming = serverTiming
    }

    /// Headers CloudFront refuses to remove (spec §7.4), lower case; `x-amz-cf-`, `x-edge-`
    /// and `x-accel-` prefixes besides.
    public static let unremovable: Set<String> = [
        "connection", "content-encoding", "content-length", "expect", "host", "keep-alive", "proxy-authenticate",
        "proxy-authorization", "proxy-connection", "trailer", "transfer-encoding", "upgrade", "via", "warning", "x-amzn-auth",
        "x-amzn-cf-billing", "x-amzn-cf-id", "x-amzn-cf-xff", "x-amzn-errortype", "x-amzn-fle-profile", "x-amzn-header-count",
        "x-amzn-header-order", "x-amzn-lambda-integration-tag", "x-amzn-requestid", "x-cache", "x-forwarded-proto", "x-real-ip",
    ]

    /// Whether CloudFront lets a policy remove a header (name lower case).
    public static func mayRemove(_ name: String) -> Bool {
        !unremovable.contains(name) && !name.hasPrefix("x-amz-cf-") && !name.hasPrefix("x-edge-") && !name.hasPrefix("x-accel-")
    }

    /// The security headers of AWS's SecurityHeadersPolicy: only `X-Content-Type-Options`
    /// overrides the origin's. The values are the spec's, which marks them unconfirmed.
    static let managedSecurityHeaders = [
        Header(name: "Strict-Transport-Security", value: "max-age=31536000", override: false),
        Header(name: "X-Content-Type-Options", value: "nosniff", override: true),
        Header(name: "X-Frame-Options", value: "SAMEORIGIN", override: false),
        Header(name: "X-XSS-Protection", value: "1; mode=block", override: false),
        Header(name: "Referrer-Policy", value: "strict-origin-when-cross-origin", override: false),
    ]

    /// AWS's managed response headers policies (spec §7.7).
    public static let managed: [ResponseHeadersPolicy] = {
        let simple = CORS(allowOrigins: ["*"], allowHeaders: [], allowMethods: ["GET", "HEAD"], originOverride: false)
        let preflight = CORS(
            allowOrigins: ["*"],
            allowHeaders: ["*"],
            allowMethods: ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
            exposeHeaders: ["*"],
            originOverride: false
        )
        return [
            ResponseHeadersPolicy(name: "SimpleCORS", id: "60669652-455b-4ae9-85a4-c4c02393f86c", cors: simple),
            ResponseHeadersPolicy(name: "CORS-With-Preflight", id: "5cc3b908-e619-4b99-88e5-2cf7f45965bd", cors: preflight),
            ResponseHeadersPolicy(name: "SecurityHeadersPolicy", id: "67f7725c-6f97-4210-82d7-5512b31e9d03", headers: managedSecurityHeaders),
            ResponseHeadersPolicy(
                name: "CORS-and-SecurityHeadersPolicy",
                id: "e61eb60c-9c35-4d20-a928-2b84e02af89c",
                cors: simple,
                headers: managedSecurityHeaders
            ),
            ResponseHeadersPolicy(
                name: "CORS-With-Preflight-and-SecurityHeadersPolicy",
                id: "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
                cors: preflight,
                headers: managedSecurityHeaders
            ),
        ]
    }()
}
