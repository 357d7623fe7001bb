import CDNCore
import HTTPTypes
import Testing
import Topology

@testable import LambdaRuntime

/// The event JSON is written as bytes into one buffer; held here against the string-building
/// encoder it replaced (kept as the oracle), byte for byte, on events with every part and
/// with text that needs escaping.
@Suite struct EventJSONOracleTests {
    enum Oracle {
        static func quote(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        static func object(_ members: [(String, String)]) -> String { "{" + members.map { quote($0.0) + ":" + $0.1 }.joined(separator: ",") + "}" }
        static func array(_ values: [String]) -> String { "[" + values.joined(separator: ",") + "]" }

        static func json(_ event: CloudFrontEvent) -> [UInt8] {
            let config = event.config
            var cf: [(String, String)] = [
                (
                    "config",
                    object([
                        ("distributionDomainName", quote(config.distributionDomainName)), ("distributionId", quote(config.distributionId)),
                        ("eventType", quote(config.eventType.rawValue)), ("requestId", quote(config.requestId)),
                    ])
                ),
                ("request", encode(event.request)),
            ]
            if let response = event.response {
                cf.append(
                    (
                        "response",
                        object([
                            ("status", quote("\(response.status)")), ("statusDescription", quote(response.statusDescription)),
                            ("headers", encode(response.headers)),
                        ])
                    )
                )
            }
            return Array(object([("Records", array([object([("cf", object(cf))])]))]).utf8)
        }

        static func encode(_ request: EventRequest) -> String {
            var members: [(String, String)] = [
                ("clientIp", quote(request.clientIp)), ("headers", encode(request.headers)), ("method", quote(request.method)),
                ("querystring", quote(request.querystring)), ("uri", quote(request.uri)),
            ]
            if let body = request.body {
                members.append(
                    (
                        "body",
                        object([
                            ("inputTruncated", body.inputTruncated ? "true" : "false"), ("action", quote(body.action)),
                            ("encoding", quote(body.encoding)), ("data", quote(body.data)),
                        ])
                    )
                )
            }
            if let origin = request.origin { members.append(("origin", encode(origin))) }
            return object(members)
        }

        static func encode(_ origin: EventOrigin) -> String {
            switch origin {
            case .custom(let custom):
                object([
                    (
                        "custom",
                        object([
                            ("customHeaders", encode(custom.customHeaders)), ("domainName", quote(custom.domainName)),
                            ("keepaliveTimeout", "\(custom.keepaliveTimeout)"), ("path", quote(custom.path)), ("port", "\(custom.port)"),
                            ("protocol", quote(custom.protocol)), ("readTimeout", "\(custom.readTimeout)"),
                            ("sslProtocols", array(custom.sslProtocols.map(quote))),
                        ])
                    )
                ])
            case .s3(let s3):
                object([
                    (
                        "s3",
                        object([
                            ("authMethod", quote(s3.authMethod)), ("customHeaders", encode(s3.customHeaders)), ("domainName", quote(s3.domainName)),
                            ("path", quote(s3.path)), ("region", quote(s3.region)),
                        ])
                    )
                ])
            }
        }

        static func encode(_ fields: HTTPFields) -> String {
            var order: [String] = []
            var entries: [String: [String]] = [:]
            for field in fields where !HeaderRules.isDisallowed(field.name.canonicalName) {
                let name = field.name.canonicalName
                if entries[name] == nil { order.append(name) }
                entries[name, default: []].append(object([("key", quote(field.name.rawName)), ("value", quote(field.value))]))
            }
            return object(order.map { ($0, array(entries[$0]!)) })
        }
    }

    static func fields(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return fields
    }

    @Test func writesWhatTheStringEncoderWrote() {
        let tricky = "quote \" back \\ tab \t line \n cr \r bell \u{07} null \u{0} unit \u{1F} é 東京 🙂"
        let headers = Self.fields([
            ("Host", "d1.cloudfront.net"), ("User-Agent", "curl/8"), ("Cookie", "a=1"), ("X-Custom", tricky), ("cookie", "b=2"),
            ("X-Forwarded-Proto", "https"), ("Accept", "*/*"),
        ])
        let events = [
            CloudFrontEvent(
                config: EventConfig(distributionDomainName: "d1.cloudfront.net", distributionId: "E1", eventType: .viewerRequest, requestId: "r=="),
                request: EventRequest(clientIp: "127.0.1.1", method: "GET", uri: "/a b", querystring: "x=\(tricky)", headers: headers)
            ),
            CloudFrontEvent(
                config: EventConfig(distributionDomainName: "d2", distributionId: "E2", eventType: .originRequest, requestId: tricky),
                request: EventRequest(
                    clientIp: "::1",
                    method: "POST",
                    uri: "/f",
                    querystring: "",
                    headers: headers,
                    body: EventBody(inputTruncated: true, action: "read-only", encoding: "base64", data: "aGk="),
                    origin: .custom(CustomOrigin(domainName: "o.example", port: 8080, customHeaders: Self.fields([("X-Key", "v")])))
                )
            ),
            CloudFrontEvent(
                config: EventConfig(distributionDomainName: "d3", distributionId: "E3", eventType: .originResponse, requestId: "q"),
                request: EventRequest(
                    clientIp: "127.0.0.1",
                    method: "GET",
                    uri: "/",
                    querystring: "",
                    headers: [:],
                    origin: .s3(S3Origin(domainName: "b.s3.amazonaws.com", region: "us-east-1"))
                ),
                response: EventResponse(status: 404, statusDescription: "Not \"Found\"", headers: headers)
            ),
        ]
        for event in events {
            #expect(event.json == Oracle.json(event), "\(String(decoding: event.json, as: UTF8.self))")
        }
        #expect(Self.quote(tricky) == Oracle.quote(tricky))
    }

    /// One string as ``JSONWriter`` quotes it.
    static func quote(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 2)
        writer.string(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Quoting copies runs of bytes that need no escape whole: held against the oracle on
    /// generated strings with escapes at the start, the end, side by side and not at all, control
    /// characters, multi-byte characters and the empty string.
    @Test func generatedStringsAreQuotedAsTheOracleQuotesThem() {
        let pieces = ["", "a", "plain text", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "é", "日本", "🚀", "/path?q=1&b=2", " "]
        var random = SeededRandom(seed: 14)
        for _ in 0..<3_000 {
            let text = (0..<Int(random.next() % 7)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            #expect(Self.quote(text) == Oracle.quote(text), "\(Array(text.utf8))")
        }
    }
}
