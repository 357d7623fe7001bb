import HTTPTypes
import Topology

extension CloudFrontEvent {
    /// The event JSON exactly as spec §2 shows it: `{"Records":[{"cf":{config, request, response?}}]}`.
    /// Headers CloudFront never shows a function (the disallowed ones) are left out.
    public var json: [UInt8] {
        var cf: [(String, String)] = [
            (
                "config",
                JSONText.object([
                    ("distributionDomainName", JSONText.quote(config.distributionDomainName)),
                    ("distributionId", JSONText.quote(config.distributionId)),
                    ("eventType", JSONText.quote(config.eventType.rawValue)),
                    ("requestId", JSONText.quote(config.requestId)),
                ])
            ),
            ("request", Self.encode(request)),
        ]
        if let response {
            cf.append(
                (
                    "response",
                    JSONText.object([
                        ("status", JSONText.quote("\(response.status)")),
                        ("statusDescription", JSONText.quote(response.statusDescription)),
                        ("headers", Self.encode(response.headers)),
                    ])
                )
            )
        }
        return Array(JSONText.object([("Records", JSONText.array([JSONText.object([("cf", JSONText.object(cf))])]))]).utf8)
    }

    static func encode(_ request: EventRequest) -> String {
        var members: [(String, String)] = [
            ("clientIp", JSONText.quote(request.clientIp)),
            ("headers", encode(request.headers)),
            ("method", JSONText.quote(request.method)),
            ("querystring", JSONText.quote(request.querystring)),
            ("uri", JSONText.quote(request.uri)),
        ]
        if let body = request.body {
            members.append(
                (
                    "body",
                    JSONText.object([
                        ("inputTruncated", body.inputTruncated ? "true" : "false"), ("action", JSONText.quote(body.action)),
                        ("encoding", JSONText.quote(body.encoding)), ("data", JSONText.quote(body.data)),
                    ])
                )
            )
        }
        if let origin = request.origin { members.append(("origin", encode(origin))) }
        return JSONText.object(members)
    }

    static func encode(_ origin: EventOrigin) -> String {
        switch origin {
        case .custom(let custom):
            JSONText.object([
                (
                    "custom",
                    JSONText.object([
                        ("customHeaders", encode(custom.customHeaders)), ("domainName", JSONText.quote(custom.domainName)),
                        ("keepaliveTimeout", "\(custom.keepaliveTimeout)"), ("path", JSONText.quote(custom.path)),
                        ("port", "\(custom.port)"), ("protocol", JSONText.quote(custom.protocol)),
                        ("readTimeout", "\(custom.readTimeout)"),
                        ("sslProtocols", JSONText.array(custom.sslProtocols.map(JSONText.quote))),
                    ])
                )
            ])
        case .s3(let s3):
            JSONText.object([
                (
                    "s3",
                    JSONText.object([
                        ("authMethod", JSONText.quote(s3.authMethod)), ("customHeaders", encode(s3.customHeaders)),
                        ("domainName", JSONText.quote(s3.domainName)), ("path", JSONText.quote(s3.path)),
                        ("region", JSONText.quote(s3.region)),
                    ])
                )
            ])
        }
    }

    /// Headers as CloudFront gives them: lowercase names, each an array of `{key, value}` in the
    /// order the lines arrived, disallowed names left out.
    static func encode(_ fields: HTTPFields) -> String {
        var order: [String] = []
        var entries: [String: [String]] = [:]
        for field in fields where !HeaderRules.isDisallowed(field.name.canonicalName) {
            let name = field.name.canonicalName
            if entries[name] == nil { order.append(name) }
            entries[name, default: []].append(JSONText.object([("key", JSONText.quote(field.name.rawName)), ("value", JSONText.quote(field.value))]))
        }
        return JSONText.object(order.map { ($0, JSONText.array(entries[$0]!)) })
    }
}
