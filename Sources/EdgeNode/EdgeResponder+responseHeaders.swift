import CDNCore
import HTTPTypes
import Topology

/// What a behavior's response headers policy needs to know of the request, taken once when
/// the behavior is chosen; absent, the reply path does no policy work at all.
struct ResponsePolicyContext: Sendable {
    let policy: ResponseHeadersPolicy
    /// The viewer's `Origin`: a CORS request when present.
    let origin: String?
    /// An `OPTIONS` with `Origin` and `Access-Control-Request-Method`: a CORS preflight.
    let isPreflight: Bool
    /// `Pragma: server-timing`, which always gets `Server-Timing`.
    let asksServerTiming: Bool
    /// The `Access-Control-Allow-Origin` the policy gives the request's `Origin`, if any.
    let allowedOrigin: String?
    /// How the policy's CORS settings met the request (`allowed`, `preflight`, `refused`):
    /// `nil` when it was no CORS request or the policy has none.
    let corsResult: String?

    init(policy: ResponseHeadersPolicy, request: IncomingRequest) {
        self.policy = policy
        let origin = request.headers[.origin]
        self.origin = origin
        let isPreflight = request.method == .options && origin != nil && request.headers[.accessControlRequestMethod] != nil
        self.isPreflight = isPreflight
        asksServerTiming = request.headers[values: .pragma].contains { $0.lowercased().contains("server-timing") }
        let allowed = origin.flatMap { policy.cors?.allowOrigin(for: $0) }
        allowedOrigin = allowed
        corsResult = policy.cors == nil || origin == nil ? nil : allowed == nil ? "refused" : isPreflight ? "preflight" : "allowed"
    }

    /// Whether this response gets `Server-Timing`: edgesim's default (always) when the policy
    /// does not say; else when enabled, for the sampled share, or when the viewer asked.
    func sendsServerTiming(sample: Double = .random(in: 0..<100)) -> Bool {
        guard let timing = policy.serverTiming else { return true }
        return asksServerTiming || (timing.enabled && sample < timing.samplingRate)
    }

    /// The response's fields under the policy (spec §7.4): removals first, then CORS, then the
    /// security and custom headers, each added in place of the origin's only with `override`.
    func apply(to fields: inout HTTPFields) {
        for name in policy.removedHeaders { if let field = HTTPField.Name(name) { fields[field] = nil } }
        if let cors = policy.cors, let allowed = allowedOrigin {
            func set(_ name: HTTPField.Name, _ value: String) {
                if cors.originOverride || fields[name] == nil { fields[name] = value }
            }
            set(.accessControlAllowOrigin, allowed)
            if allowed != "*", !fields[values: .vary].contains(where: { $0.lowercased().contains("origin") }) {
                fields.append(HTTPField(name: .vary, value: "Origin"))
            }
            if cors.allowCredentials { set(.accessControlAllowCredentials, "true") }
            if !cors.exposeHeaders.isEmpty { set(.accessControlExposeHeaders, cors.exposeHeaders.joined(separator: ", ")) }
            if isPreflight {
                set(.accessControlAllowMethods, cors.allowMethodsValue)
                if !cors.allowHeaders.isEmpty { set(.accessControlAllowHeaders, cors.allowHeaders.joined(separator: ", ")) }
                if let age = cors.maxAge { set(.accessControlMaxAge, String(age)) }
            }
        }
        for header in policy.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            if header.override || fields[name] == nil { fields[name] = header.value }
        }
    }
}

extension HTTPField.Name {
    fileprivate static let pragma = HTTPField.Name("Pragma")!
}
