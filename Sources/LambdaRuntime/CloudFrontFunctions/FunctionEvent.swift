import HTTPTypes
import Topology

/// One name of a CloudFront Functions value map (`headers`, `cookies`, `querystring`) and every
/// value it has, in the order they came: the event shows the first as `value` and, when there
/// are several, all of them as `multiValue` (cloudfront-functions-spec.md §2).
public struct FunctionField: Hashable, Sendable {
    /// One value; a response cookie's also has its attributes (the rest of its `Set-Cookie`).
    public struct Value: Hashable, Sendable {
        public var value: String
        public var attributes: String?

        public init(_ value: String, attributes: String? = nil) {
            self.value = value
            self.attributes = attributes
        }
    }

    public var name: String
    public var values: [Value]

    public init(name: String, values: [Value]) {
        self.name = name
        self.values = values
    }
}

/// A value map in arrival order, its names as the event shows them.
public struct FunctionFields: Hashable, Sendable {
    public var fields: [FunctionField] = []

    public init(_ fields: [FunctionField] = []) { self.fields = fields }

    /// Adds a value under a name, after any it has already.
    public mutating func append(_ name: String, _ value: FunctionField.Value) {
        if let index = fields.firstIndex(where: { $0.name == name }) {
            fields[index].values.append(value)
        } else {
            fields.append(FunctionField(name: name, values: [value]))
        }
    }

    /// The values of a name.
    public subscript(name: String) -> [FunctionField.Value]? { fields.first { $0.name == name }?.values }

    /// The names.
    public var names: [String] { fields.map(\.name) }
}

/// The request of a CloudFront Functions event: headers without `Cookie` (its cookies are
/// parsed into ``cookies``), the query parsed by name, and no body, which these functions never
/// see.
public struct FunctionRequest: Hashable, Sendable {
    public var method: String
    public var uri: String
    public var querystring: FunctionFields
    public var headers: FunctionFields
    public var cookies: FunctionFields

    public init(method: String, uri: String, querystring: FunctionFields, headers: FunctionFields, cookies: FunctionFields) {
        self.method = method
        self.uri = uri
        self.querystring = querystring
        self.headers = headers
        self.cookies = cookies
    }

    /// The request of an edge: its header fields (names lowercased, `Cookie` parsed, the
    /// headers no function sees left out) and its raw query.
    public init(method: String, uri: String, query: String, fields: HTTPFields) {
        var headers = FunctionFields()
        var cookies = FunctionFields()
        for field in fields {
            let name = field.name.canonicalName
            if HeaderRules.isDisallowed(name) { continue }
            if name == "cookie" {
                for pair in field.value.split(separator: ";") {
                    let trimmed = pair.withoutSpacesAround
                    guard !trimmed.isEmpty else { continue }
                    let parts = trimmed.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    cookies.append(String(parts[0]), .init(parts.count > 1 ? String(parts[1]) : ""))
                }
                continue
            }
            headers.append(name, .init(field.value))
        }
        self.init(method: method, uri: uri, querystring: Self.parse(query: query), headers: headers, cookies: cookies)
    }

    /// A raw query by name, values as they came (not decoded): `a=1&b&a=2`.
    static func parse(query: String) -> FunctionFields {
        var fields = FunctionFields()
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields.append(String(parts[0]), .init(parts.count > 1 ? String(parts[1]) : ""))
        }
        return fields
    }
}

/// The response of a CloudFront Functions event: an integer status, headers without
/// `Set-Cookie` (its cookies are in ``cookies``, each with its attributes).
public struct FunctionResponse: Hashable, Sendable {
    public var statusCode: Int
    public var statusDescription: String?
    public var headers: FunctionFields
    public var cookies: FunctionFields
    /// A body the function set (generated, or replacing the origin's); `nil` keeps the body.
    public var body: [UInt8]?

    public init(statusCode: Int, statusDescription: String?, headers: FunctionFields, cookies: FunctionFields, body: [UInt8]? = nil) {
        self.statusCode = statusCode
        self.statusDescription = statusDescription
        self.headers = headers
        self.cookies = cookies
        self.body = body
    }

    /// A response of the edge as the event shows it.
    public init(status: HTTPResponse.Status, fields: HTTPFields) {
        var headers = FunctionFields()
        var cookies = FunctionFields()
        for field in fields {
            let name = field.name.canonicalName
            if HeaderRules.isDisallowed(name) { continue }
            if name == "set-cookie" {
                let line = field.value
                let semicolon = line.firstIndex(of: ";")
                let pair = semicolon.map { line[..<$0] } ?? line[...]
                let attributes = semicolon.map { line[line.index(after: $0)...].withoutSpacesAround }
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0]).withoutSpacesAround
                cookies.append(name, .init(parts.count > 1 ? String(parts[1]) : "", attributes: attributes ?? ""))
                continue
            }
            headers.append(name, .init(field.value))
        }
        self.init(statusCode: status.code, statusDescription: status.reasonPhrase, headers: headers, cookies: cookies)
    }
}

/// A CloudFront Functions event (cloudfront-functions-spec.md §2): `version`, `context`,
/// `viewer`, `request`, and in viewer-response the `response`.
public struct FunctionEvent: Sendable {
    public var distributionDomainName: String
    public var distributionId: String
    public var eventType: EventType
    public var requestId: String
    public var viewerIP: String
    public var request: FunctionRequest
    public var response: FunctionResponse?

    public init(
        distributionDomainName: String,
        distributionId: String,
        eventType: EventType,
        requestId: String,
        viewerIP: String,
        request: FunctionRequest,
        response: FunctionResponse? = nil
    ) {
        self.distributionDomainName = distributionDomainName
        self.distributionId = distributionId
        self.eventType = eventType
        self.requestId = requestId
        self.viewerIP = viewerIP
        self.request = request
        self.response = response
    }

    /// The event as JSON, in the order AWS's examples show.
    public var json: [UInt8] {
        var writer = JSONWriter(capacity: 1_024)
        writer.object { event in
            event.member("version", string: "1.0")
            event.member("context") { context in
                context.object { context in
                    context.member("distributionDomainName", string: distributionDomainName)
                    context.member("distributionId", string: distributionId)
                    context.member("eventType", string: eventType.rawValue)
                    context.member("requestId", string: requestId)
                }
            }
            event.member("viewer") { viewer in viewer.object { $0.member("ip", string: viewerIP) } }
            event.member("request") { request in
                request.object { request in
                    request.member("method", string: self.request.method)
                    request.member("uri", string: self.request.uri)
                    request.member("querystring") { Self.write(self.request.querystring, into: &$0) }
                    request.member("headers") { Self.write(self.request.headers, into: &$0) }
                    request.member("cookies") { Self.write(self.request.cookies, into: &$0) }
                }
            }
            if let response {
                event.member("response") { writer in
                    writer.object { writer in
                        writer.member("statusCode", raw: String(response.statusCode))
                        if let description = response.statusDescription { writer.member("statusDescription", string: description) }
                        writer.member("headers") { Self.write(response.headers, into: &$0) }
                        writer.member("cookies") { Self.write(response.cookies, into: &$0) }
                    }
                }
            }
        }
        return writer.bytes
    }

    /// A value map: `{"name": {"value": …, "multiValue": [{"value": …}, …]}}`, with `multiValue`
    /// only for a name that came more than once, and `attributes` for response cookies.
    static func write(_ fields: FunctionFields, into writer: inout JSONWriter) {
        writer.object { map in
            for field in fields.fields {
                map.member(field.name) { entry in
                    entry.object { entry in
                        writeValue(field.values[0], into: &entry)
                        if field.values.count > 1 {
                            entry.member("multiValue") { list in
                                list.array { list in
                                    for value in field.values { list.object { writeValue(value, into: &$0) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func writeValue(_ value: FunctionField.Value, into writer: inout JSONWriter) {
        writer.member("value", string: value.value)
        if let attributes = value.attributes { writer.member("attributes", string: attributes) }
    }
}

extension StringProtocol {
    /// The text without spaces at either end (around a cookie's name and its attributes).
    fileprivate var withoutSpacesAround: String {
        let start = firstIndex { $0 != " " } ?? endIndex
        let end = lastIndex { $0 != " " }.map { index(after: $0) } ?? start
        return start < end ? String(self[start..<end]) : ""
    }
}

extension FunctionEvent {
    /// `cf.edgeLocation` as a 2.0 function sees it at viewer-request (cloudfront-functions-spec.md
    /// §3): the POP's three-letter IATA code, the address the viewer reached, and the Region of
    /// the regional edge cache the POP uses.
    public static func edgeLocation(pop: String, serverIP: String, region: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 96)
        writer.object { location in
            location.member("name", string: String(pop.prefix(3)))
            location.member("serverIp", string: serverIP)
            location.member("region", string: region)
        }
        return writer.bytes
    }
}
