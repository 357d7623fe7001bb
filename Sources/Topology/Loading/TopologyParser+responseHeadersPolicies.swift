import Yams

/// `response_headers_policies:` — CORS, security headers, custom headers, removals and
/// Server-Timing, each checked against CloudFront's rules (spec §7.4).
extension TopologyParser {
    func parseResponseHeadersPolicy(name: String, keyNode: Node, value: Node) throws -> ResponseHeadersPolicy? {
        let what = "response headers policy '\(name)'"
        let allowed = ["cors", "security_headers", "custom_headers", "remove_headers", "server_timing"]
        guard try checkPolicyName(name, at: keyNode, among: ResponseHeadersPolicy.managed.map(\.name), what: what),
            let fields = try reader.fields(value, what: what, allowed: allowed)
        else { return nil }
        var policy = ResponseHeadersPolicy(name: name)
        if let node = fields["cors"] { policy.cors = try parseCORS(node, in: what) }
        if let node = fields["security_headers"] { policy.headers += try parseSecurityHeaders(node, in: what) }
        if let node = fields["custom_headers"] { policy.headers += try parseCustomHeaders(node, in: what) }
        if let listed = try fields.strings("remove_headers") {
            for (header, node) in listed where !ResponseHeadersPolicy.mayRemove(header.lowercased()) {
                try reader.report(.invalidValue, "\(what) removes '\(header)', a header CloudFront does not let a policy remove", at: node)
            }
            policy.removedHeaders = listed.map { $0.text.lowercased() }
        }
        if let node = fields["server_timing"] {
            guard let timing = try reader.fields(node, what: "'server_timing' of \(what)", allowed: ["enabled", "sampling_rate"]) else {
                return policy
            }
            policy.serverTiming = .init(
                enabled: try timing.bool("enabled") ?? true,
                samplingRate: try timing.number("sampling_rate", in: 0...100) ?? 100
            )
        }
        return policy
    }

    /// `cors: {allow_origins, allow_headers, allow_methods, allow_credentials, expose_headers, max_age, origin_override}`.
    private func parseCORS(_ node: Node, in policy: String) throws -> ResponseHeadersPolicy.CORS? {
        let what = "'cors' of \(policy)"
        let allowed = ["allow_origins", "allow_headers", "allow_methods", "allow_credentials", "expose_headers", "max_age", "origin_override"]
        guard let fields = try reader.fields(node, what: what, allowed: allowed), let origins = try fields.strings("allow_origins", required: true)
        else { return nil }
        for (origin, node) in origins where origin != "*" && !Self.isCORSOrigin(origin) {
            try reader.report(
                .invalidValue,
                "'\(origin)' in 'allow_origins' of \(what) is not an origin: expected *, https://example.org, or https://*.example.org (a wildcard only as the leftmost label)",
                at: node
            )
        }
        var cors = ResponseHeadersPolicy.CORS(allowOrigins: origins.map(\.text))
        if let headers = try fields.strings("allow_headers") { cors.allowHeaders = headers.map(\.text) }
        if let methods = try fields.strings("allow_methods") {
            for (method, node) in methods where !ResponseHeadersPolicy.CORS.methods.contains(method) {
                try reader.report(
                    .invalidValue,
                    "'\(method)' in 'allow_methods' of \(what)\(Suggestion.phrase(for: method, among: ResponseHeadersPolicy.CORS.methods))",
                    at: node
                )
            }
            cors.allowMethods = methods.map(\.text)
        }
        cors.allowCredentials = try fields.bool("allow_credentials") ?? false
        if cors.allowCredentials, cors.allowOrigins.contains("*"), let node = fields["allow_credentials"] {
            try reader.report(.invalidValue, "\(what) allows credentials from any origin (*), which browsers refuse; list the origins", at: node)
        }
        if let headers = try fields.strings("expose_headers") { cors.exposeHeaders = headers.map(\.text) }
        if let age = try fields.quantity("max_age", Quantity.duration) { cors.maxAge = Int(age.components.seconds) }
        cors.originOverride = try fields.bool("origin_override") ?? false
        return cors
    }

    /// `https://example.org`, `http://localhost:3000`, `https://*.example.org`.
    static func isCORSOrigin(_ text: String) -> Bool {
        text.wholeMatch(of: /https?:\/\/(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?/) != nil
    }

    /// `security_headers:` — each header with its value and `override`, checked as CloudFront checks them.
    private func parseSecurityHeaders(_ node: Node, in policy: String) throws -> [ResponseHeadersPolicy.Header] {
        let what = "'security_headers' of \(policy)"
        let allowed = [
            "content_type_options", "frame_options", "referrer_policy", "strict_transport_security", "xss_protection", "content_security_policy",
        ]
        guard let fields = try reader.fields(node, what: what, allowed: allowed) else { return [] }
        var headers: [ResponseHeadersPolicy.Header] = []
        func header(_ key: String, _ name: String, extra: [String] = [], value: (Fields) throws -> String?) throws {
            guard let node = fields[key], let inner = try reader.fields(node, what: "'\(key)' of \(what)", allowed: ["override"] + extra),
                let text = try value(inner)
            else { return }
            headers.append(.init(name: name, value: text, override: try inner.bool("override") ?? false))
        }
        try header("content_type_options", "X-Content-Type-Options") { _ in "nosniff" }
        try header("frame_options", "X-Frame-Options", extra: ["value"]) { inner in
            try inner.string("value", required: true, matching: /DENY|SAMEORIGIN/, expected: "DENY or SAMEORIGIN")
        }
        try header("referrer_policy", "Referrer-Policy", extra: ["value"]) { inner in
            try inner.string(
                "value",
                required: true,
                matching:
                    /no-referrer|no-referrer-when-downgrade|origin|origin-when-cross-origin|same-origin|strict-origin|strict-origin-when-cross-origin|unsafe-url/,
                expected: "one of the eight Referrer-Policy values, such as strict-origin-when-cross-origin"
            )
        }
        try header("strict_transport_security", "Strict-Transport-Security", extra: ["max_age", "include_subdomains", "preload"]) { inner in
            guard let age = try inner.quantity("max_age", required: true, Quantity.duration) else { return nil }
            var value = "max-age=\(age.components.seconds)"
            if try inner.bool("include_subdomains") == true { value += "; includeSubDomains" }
            if try inner.bool("preload") == true { value += "; preload" }
            return value
        }
        try header("xss_protection", "X-XSS-Protection", extra: ["protection", "mode_block", "report_uri"]) { inner in
            guard try inner.bool("protection") ?? true else { return "0" }
            let block = try inner.bool("mode_block") ?? false
            let report = try inner.string("report_uri")
            if block, report != nil, let node = inner["report_uri"] {
                try reader.report(.invalidValue, "'xss_protection' of \(what) sets both mode_block and report_uri; CloudFront takes one", at: node)
            }
            return "1" + (block ? "; mode=block" : "") + (report.map { "; report=\($0)" } ?? "")
        }
        try header("content_security_policy", "Content-Security-Policy", extra: ["value"]) { inner in
            guard let value = try inner.string("value", required: true) else { return nil }
            if value.utf8.count > 1_783, let node = inner["value"] {
                try reader.report(
                    .limitExceeded,
                    "'content_security_policy' of \(what) is \(value.utf8.count) bytes; CloudFront allows 1,783",
                    at: node
                )
            }
            return value
        }
        return headers
    }

    /// `custom_headers: [{header, value, override}]`.
    private func parseCustomHeaders(_ node: Node, in policy: String) throws -> [ResponseHeadersPolicy.Header] {
        let what = "'custom_headers' of \(policy)"
        guard let items = try reader.items(node, what: what) else { return [] }
        var headers: [ResponseHeadersPolicy.Header] = []
        for item in items {
            guard let fields = try reader.fields(item, what: "an entry of \(what)", allowed: ["header", "value", "override"]),
                let name = try fields.string("header", required: true)
            else { continue }
            if name.wholeMatch(of: IdentifierRules.header) == nil || !ResponseHeadersPolicy.mayRemove(name.lowercased()), let node = fields["header"]
            {
                try reader.report(.invalidValue, "\(what) adds '\(name)', which is not a header a policy may set", at: node)
                continue
            }
            headers.append(.init(name: name, value: try fields.string("value") ?? "", override: try fields.bool("override") ?? false))
        }
        return headers
    }
}
