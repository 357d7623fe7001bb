import Foundation
import HTTPTypes
import Topology

/// What a CloudFront Functions viewer-request returned: the request to go on with (its query
/// as the text to send), or a response to answer with.
public enum FunctionRequestOutput: Sendable {
    case request(FunctionRequest, query: String)
    case response(FunctionResponse)
}

/// Checks what a CloudFront Function returned against CloudFront's rules
/// (cloudfront-functions-spec.md §2) and turns it into a request or a response. A result that
/// breaks one is a ``ValidationFailure``, which CloudFront answers with 502
/// `FunctionValidationError`; its message reads as CloudFront's does ("The CloudFront function
/// returned an invalid value: …").
public enum FunctionResultValidator {
    /// Headers a function may read but not add, change or remove, per event.
    static func readOnly(in event: EventType) -> Set<String> {
        event == .viewerRequest ? ["cdn-loop", "content-length", "host", "transfer-encoding", "via"] : ["warning", "via"]
    }

    /// Whether a function may never set a header (Lambda@Edge's list, and the certificate
    /// headers of mutual TLS).
    public static func isDisallowed(_ name: String) -> Bool {
        HeaderRules.isDisallowed(name) || ["cloudfront-viewer-cert-pem", "client-cert", "client-cert-chain"].contains(name)
    }

    /// Validates a viewer-request result.
    /// - Parameters:
    ///   - json: What the handler returned, as JSON.
    ///   - original: The request it was given.
    ///   - rawQuery: The query as the viewer sent it, kept byte for byte when the function left
    ///     the query as it was.
    public static func requestResult(_ json: [UInt8], original: FunctionRequest, rawQuery: String) throws(ValidationFailure) -> FunctionRequestOutput
    {
        let object = try topObject(json, event: .viewerRequest)
        if object["statusCode"] != nil { return .response(try response(object, original: nil, event: .viewerRequest)) }
        if object["request"] != nil || object["version"] != nil {
            throw invalid("the function returned the whole event: return event.request (or a response object)")
        }
        if let method = object["method"], method.string != original.method {
            throw invalid("request.method is read-only")
        }
        guard let uri = object["uri"]?.string else { throw invalid("request.uri must be a string") }
        guard uri.hasPrefix("/") else { throw invalid("request.uri must start with '/': '\(uri)'") }
        let querystring: FunctionFields
        let query: String
        switch object["querystring"] {
        case .string(let text)?:
            let text = text.hasPrefix("?") ? String(text.dropFirst()) : text
            querystring = FunctionRequest.parse(query: text)
            query = text
        case let value:
            querystring = try fields(value, original: original.querystring, at: "request.querystring", names: .asTheyCome)
            query = querystring == original.querystring ? rawQuery : Self.query(querystring)
        }
        if let bad = query.unicodeScalars.first(where: { $0 == " " || $0 == "#" || $0.value < 0x20 || $0.value == 0x7F }) {
            let what = bad == " " ? "spaces" : bad == "#" ? "'#'" : "control characters"
            throw invalid("request.querystring may not contain \(what)")
        }
        guard uri.utf8.count + query.utf8.count < 8_192 else { throw invalid("request.uri and its query must be shorter than 8,192 characters") }
        let headers = try fields(object["headers"], original: original.headers, at: "request.headers", names: .lowercase)
        try checkHeaders(from: original.headers, to: headers, event: .viewerRequest, at: "request.headers")
        let cookies = try fields(object["cookies"], original: original.cookies, at: "request.cookies", names: .asTheyCome)
        let request = FunctionRequest(method: original.method, uri: uri, querystring: querystring, headers: headers, cookies: cookies)
        return .request(request, query: query)
    }

    /// Validates a viewer-response result.
    public static func responseResult(_ json: [UInt8], original: FunctionResponse) throws(ValidationFailure) -> FunctionResponse {
        let object = try topObject(json, event: .viewerResponse)
        if object["uri"] != nil, object["statusCode"] == nil {
            throw invalid("viewer-response must return the response object (event.response), not the request")
        }
        return try response(object, original: original, event: .viewerResponse)
    }

    // MARK: The parts

    private static func topObject(_ json: [UInt8], event: EventType) throws(ValidationFailure) -> [String: JSONValue] {
        guard let value = JSONValue(parsing: json) else { throw invalid("the result is not JSON") }
        guard let object = value.object else {
            let expected = event == .viewerRequest ? "the request or a response object" : "the response object"
            throw invalid("the function returned \(value.kind); it must return \(expected)")
        }
        return object
    }

    /// A generated response (viewer-request) or a changed one (viewer-response).
    private static func response(
        _ object: [String: JSONValue],
        original: FunctionResponse?,
        event: EventType
    ) throws(ValidationFailure)
        -> FunctionResponse
    {
        guard let status = object["statusCode"]?.integer else { throw invalid("response.statusCode must be an integer") }
        guard (100...599).contains(status) else { throw invalid("response.statusCode must lie between 100 and 599: \(status)") }
        var description: String?
        if let value = object["statusDescription"] {
            guard let text = value.string else { throw invalid("response.statusDescription must be a string") }
            description = text
        }
        let empty = FunctionFields()
        let headers = try fields(object["headers"], original: original?.headers ?? empty, at: "response.headers", names: .lowercase)
        if let original {
            try checkHeaders(from: original.headers, to: headers, event: event, at: "response.headers")
        } else if let bad = headers.names.first(where: isDisallowed) {
            throw invalid("response.headers may not set '\(bad)', which CloudFront does not let functions set")
        }
        let cookies = try fields(object["cookies"], original: original?.cookies ?? empty, at: "response.cookies", names: .asTheyCome)
        let body = try body(object["body"])
        return FunctionResponse(statusCode: status, statusDescription: description, headers: headers, cookies: cookies, body: body)
    }

    /// `body`: a string (text), or `{encoding: "text"|"base64", data}`; absent keeps the body.
    private static func body(_ value: JSONValue?) throws(ValidationFailure) -> [UInt8]? {
        guard let value else { return nil }
        switch value {
        case .null: return nil
        case .string(let text): return Array(text.utf8)
        case .object(let members):
            let encoding = members["encoding"]?.string ?? "text"
            guard let data = members["data"]?.string ?? (members["data"] == nil ? "" : nil) else {
                throw invalid("response.body.data must be a string")
            }
            switch encoding {
            case "text": return Array(data.utf8)
            case "base64":
                guard let bytes = Data(base64Encoded: data) else { throw invalid("response.body.data is not valid base64") }
                return Array(bytes)
            default: throw invalid("response.body.encoding must be 'text' or 'base64': '\(encoding)'")
            }
        default: throw invalid("response.body must be a string or an object with 'encoding' and 'data'")
        }
    }

    /// How a map's names are checked: header names must be lowercase.
    private enum NameRule { case lowercase, asTheyCome }

    /// A value map, merged with the one the function was given by CloudFront's rules: a
    /// changed `multiValue` wins; otherwise a changed `value` replaces the first occurrence and
    /// the later ones stay. Names the function kept come in their original order, new ones
    /// after them in name order.
    private static func fields(
        _ value: JSONValue?,
        original: FunctionFields,
        at path: String,
        names rule: NameRule
    ) throws(ValidationFailure)
        -> FunctionFields
    {
        guard let value, value != .null else { return FunctionFields() }
        guard let members = value.object else { throw invalid("\(path) must be an object") }
        let kept = original.names.filter { members[$0] != nil }
        let added = members.keys.filter { original[$0] == nil }.sorted()
        var result = FunctionFields()
        for name in kept + added {
            if rule == .lowercase, name.utf8.contains(where: { (0x41...0x5A).contains($0) }) {
                throw invalid("\(path) must have header names in lower case")
            }
            guard let entry = members[name]?.object else { throw invalid("\(path).\(name) must be an object with a 'value'") }
            let first = try entryValue(entry, at: "\(path).\(name)")
            let given = original[name] ?? []
            var values: [FunctionField.Value]
            if let list = entry["multiValue"], list != .null {
                guard let items = list.array else { throw invalid("\(path).\(name).multiValue must be an array") }
                var multi: [FunctionField.Value] = []
                for (index, item) in items.enumerated() {
                    guard let object = item.object else { throw invalid("\(path).\(name).multiValue[\(index)] must be an object with a 'value'") }
                    multi.append(try entryValue(object, at: "\(path).\(name).multiValue[\(index)]"))
                }
                values = multi == given && !given.isEmpty ? [first] + given.dropFirst() : multi
            } else {
                values = [first] + given.dropFirst()
            }
            if values.isEmpty { continue }
            result.fields.append(FunctionField(name: name, values: values))
        }
        return result
    }

    private static func entryValue(_ entry: [String: JSONValue], at path: String) throws(ValidationFailure) -> FunctionField.Value {
        guard let value = entry["value"]?.string else { throw invalid("\(path).value must be a string") }
        var attributes: String?
        if let given = entry["attributes"], given != .null {
            guard let text = given.string else { throw invalid("\(path).attributes must be a string") }
            attributes = text
        }
        return FunctionField.Value(value, attributes: attributes)
    }

    /// Read-only headers kept as they were, and no disallowed header added.
    private static func checkHeaders(
        from original: FunctionFields,
        to changed: FunctionFields,
        event: EventType,
        at path: String
    ) throws(ValidationFailure) {
        for name in readOnly(in: event) where original[name] != changed[name] {
            throw invalid("\(path).\(name) is read-only in \(event.rawValue): it may not be added, changed or removed")
        }
        for name in changed.names where isDisallowed(name) && original[name] == nil {
            throw invalid("\(path) may not set '\(name)', which CloudFront does not let functions set")
        }
    }

    /// A query map as text: `name=value`, `&` between, a name with an empty value alone.
    static func query(_ fields: FunctionFields) -> String {
        var parts: [String] = []
        for field in fields.fields {
            for value in field.values { parts.append(value.value.isEmpty ? field.name : field.name + "=" + value.value) }
        }
        return parts.joined(separator: "&")
    }

    private static func invalid(_ problem: String) -> ValidationFailure {
        ValidationFailure("The CloudFront function returned an invalid value: \(problem).")
    }
}
