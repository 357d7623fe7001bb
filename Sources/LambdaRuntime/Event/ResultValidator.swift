import Foundation
import HTTPTypes
import Topology

/// What a request event's function returned: the request to go on with, or a response.
public enum RequestStageOutput: Sendable {
    /// Continue with this request.
    case request(EventRequest)
    /// Answer with this generated response.
    case response(EventResponse)
}

/// A function result CloudFront would refuse (502 `LambdaValidationError`), saying what is wrong
/// and where, as CloudFront's validation log does.
public struct ValidationFailure: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Checks a function's result against CloudFront's rules (spec §3, §4, §5) and turns it into a
/// request or response. Every failure is a ``ValidationFailure``.
public enum ResultValidator {
    /// Limits that depend on the event type (spec §4).
    struct Limits {
        var generatedResponse: Int
        var textBody: Int
        var base64Body: Int

        init(_ event: EventType) {
            if event.isViewerFacing {
                (generatedResponse, textBody, base64Body) = (40 * 1024, 40 * 1024, 53_248)
            } else {
                (generatedResponse, textBody, base64Body) = (1 << 20, 1 << 20, 1_398_102)
            }
        }
    }

    /// Validates the result of viewer-request or origin-request.
    /// - Parameters:
    ///   - json: The result JSON.
    ///   - original: The request the function received.
    ///   - event: The event type.
    /// - Throws: ``ValidationFailure``.
    public static func requestResult(_ json: [UInt8], original: EventRequest, event: EventType) throws(ValidationFailure) -> RequestStageOutput {
        let object = try parseObject(json)
        if object["status"] != nil { return .response(try generatedResponse(object, event: event)) }
        guard let uri = object["uri"]?.string else { throw ValidationFailure("The request object must have a string 'uri'.") }
        guard uri.hasPrefix("/") else { throw ValidationFailure("The uri '\(uri)' must start with '/'.") }
        let querystring = object["querystring"]?.string ?? ""
        if let bad = querystring.unicodeScalars.first(where: { $0 == " " || $0 == "#" || $0.value < 0x20 || $0.value == 0x7F }) {
            throw ValidationFailure("The querystring may not contain \(bad == " " ? "spaces" : bad == "#" ? "'#'" : "control characters").")
        }
        guard uri.utf8.count + querystring.utf8.count < 8_192 else {
            throw ValidationFailure("The uri and querystring together must be shorter than 8,192 characters.")
        }
        guard let headerMap = object["headers"] else { throw ValidationFailure("The request object must have 'headers'.") }
        let headers = try headers(headerMap, at: "request.headers")
        try checkHeaderChanges(from: original.headers, to: headers, event: event, at: "request.headers")
        if event == .viewerRequest, headers[HTTPField.Name("CloudFront-Viewer-Country")!] != nil,
            original.headers[HTTPField.Name("CloudFront-Viewer-Country")!] == nil
        {
            throw ValidationFailure("A viewer-request function may not add CloudFront-Viewer-Country.")
        }
        var request = original
        request.uri = uri
        request.querystring = querystring
        request.headers = headers
        if original.body != nil, let body = object["body"]?.object {
            request.body = try replacementBody(body, original: original.body!, event: event)
        }
        if event == .originRequest, let origin = object["origin"], !OriginValidator.isUnchanged(origin, from: original.origin) {
            request.origin = try OriginValidator.origin(origin)
        }
        return .request(request)
    }

    /// Validates the result of origin-response or viewer-response.
    /// - Throws: ``ValidationFailure``.
    public static func responseResult(_ json: [UInt8], original: EventResponse, event: EventType) throws(ValidationFailure) -> EventResponse {
        let object = try parseObject(json)
        let status = try status(object["status"])
        if event == .viewerResponse, status != original.status {
            throw ValidationFailure("A viewer-response function cannot change the status (\(original.status) to \(status)).")
        }
        guard let headerMap = object["headers"] else { throw ValidationFailure("The response object must have 'headers'.") }
        let headers = try headers(headerMap, at: "response.headers")
        try checkHeaderChanges(from: original.headers, to: headers, event: event, at: "response.headers")
        var response = original
        response.status = status
        response.statusDescription = object["statusDescription"]?.string ?? original.statusDescription
        response.headers = headers
        if event == .originResponse, object["body"] != nil {
            response.body = try body(object["body"], encoding: object["bodyEncoding"], limit: Limits(event).textBody)
        }
        return response
    }

    static func generatedResponse(_ object: [String: JSONValue], event: EventType) throws(ValidationFailure) -> EventResponse {
        let status = try status(object["status"])
        let headers = try object["headers"].map { value throws(ValidationFailure) in try Self.headers(value, at: "response.headers") } ?? HTTPFields()
        if let name = headers.first(where: { HeaderRules.isDisallowed($0.name.canonicalName) })?.name.rawName {
            throw ValidationFailure("The generated response has the disallowed header '\(name)'.")
        }
        let body = try body(object["body"], encoding: object["bodyEncoding"], limit: Int.max)
        if status == 204, let body, !body.isEmpty { throw ValidationFailure("A generated 204 response may not have a body.") }
        let size = (body?.count ?? 0) + headers.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count + 4 }
        let limit = Limits(event).generatedResponse
        guard size <= limit else {
            throw ValidationFailure("The generated response is \(size) bytes; \(event.rawValue) allows \(limit) (headers and body).")
        }
        return EventResponse(
            status: status,
            statusDescription: object["statusDescription"]?.string ?? HTTPResponse.Status(code: status).reasonPhrase,
            headers: headers,
            body: body ?? []
        )
    }

    static func parseObject(_ json: [UInt8]) throws(ValidationFailure) -> [String: JSONValue] {
        guard let value = JSONValue(parsing: json) else { throw ValidationFailure("The function's result is not valid JSON.") }
        guard let object = value.object else {
            throw ValidationFailure("The function must return an object (the request or a response), not \(value.kind).")
        }
        return object
    }

    static func status(_ value: JSONValue?) throws(ValidationFailure) -> Int {
        let status: Int? =
            switch value {
            case .string(let text): Int(text)
            case .number(let number): Int(exactly: number.rounded(.towardZero))
            default: nil
            }
        guard let status else { throw ValidationFailure("The response must have a 'status' (a string such as \"200\").") }
        guard (200...599).contains(status) else { throw ValidationFailure("The status \(status) is outside 200–599.") }
        return status
    }

    static func body(_ value: JSONValue?, encoding: JSONValue?, limit: Int) throws(ValidationFailure) -> [UInt8]? {
        guard let value, value != .null else { return nil }
        guard let text = value.string else { throw ValidationFailure("The body must be a string.") }
        switch encoding?.string ?? "text" {
        case "text":
            guard text.utf8.count <= limit else { throw ValidationFailure("The body is larger than \(limit) bytes.") }
            return Array(text.utf8)
        case "base64":
            guard let data = Data(base64Encoded: text) else { throw ValidationFailure("The body is declared base64 but is not valid base64.") }
            return Array(data)
        case let other: throw ValidationFailure("The bodyEncoding '\(other)' is neither 'text' nor 'base64'.")
        }
    }

    static func replacementBody(_ body: [String: JSONValue], original: EventBody, event: EventType) throws(ValidationFailure) -> EventBody {
        guard body["action"]?.string == "replace" else { return original }
        let encoding = body["encoding"]?.string ?? "base64"
        guard let data = body["data"]?.string else { throw ValidationFailure("request.body.data must be a string.") }
        let limits = Limits(event)
        switch encoding {
        case "text":
            guard data.utf8.count <= limits.textBody else { throw ValidationFailure("The replacement body is larger than \(limits.textBody) bytes.") }
        case "base64":
            guard Data(base64Encoded: data) != nil else { throw ValidationFailure("request.body.data is declared base64 but is not valid base64.") }
            guard data.utf8.count <= limits.base64Body else {
                throw ValidationFailure("The replacement body is larger than \(limits.base64Body) bytes of base64.")
            }
        default: throw ValidationFailure("request.body.encoding must be 'text' or 'base64'.")
        }
        return EventBody(inputTruncated: original.inputTruncated, action: "replace", encoding: encoding, data: data)
    }

    /// Reads a header map: lowercase names, each an array of `{key, value}`.
    static func headers(_ value: JSONValue, at path: String) throws(ValidationFailure) -> HTTPFields {
        guard let map = value.object else { throw ValidationFailure("\(path) must be an object.") }
        var fields = HTTPFields()
        for (name, entries) in map.sorted(by: { $0.key < $1.key }) {
            guard let list = entries.array else {
                throw ValidationFailure("Each header entry in the headers object must be an array (\(path).\(name)).")
            }
            for entry in list {
                guard let value = entry["value"]?.string else {
                    throw ValidationFailure("Each element of \(path).\(name) must be an object with a string 'value'.")
                }
                let key = entry["key"]?.string ?? canonicalKey(name)
                guard key.lowercased() == name.lowercased() else {
                    throw ValidationFailure("\(path).\(name) has an entry whose key '\(key)' does not match the header name.")
                }
                guard let fieldName = HTTPField.Name(key), HTTPField.isValidValue(value) else {
                    throw ValidationFailure("\(path).\(name) has an invalid name or value.")
                }
                fields.append(HTTPField(name: fieldName, value: value))
            }
        }
        return fields
    }

    /// `user-agent` → `User-Agent`: how CloudFront fills in a missing `key`.
    static func canonicalKey(_ name: String) -> String {
        name.split(separator: "-", omittingEmptySubsequences: false).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "-")
    }

    /// No disallowed header added; no read-only header added, changed or removed.
    static func checkHeaderChanges(from original: HTTPFields, to result: HTTPFields, event: EventType, at path: String) throws(ValidationFailure) {
        if let name = result.first(where: { HeaderRules.isDisallowed($0.name.canonicalName) })?.name.rawName {
            throw ValidationFailure("The function added the disallowed header '\(name)' (\(path)).")
        }
        for name in HeaderRules.readOnly(in: event) {
            guard let field = HTTPField.Name(name) else { continue }
            if original[values: field] != result[values: field] {
                throw ValidationFailure(
                    "The function tried to add, delete, or change the read-only header '\(canonicalKey(name))' in \(event.rawValue)."
                )
            }
        }
    }
}
