import HTTPTypes
import NIOHTTP1

/// Reads a whole HTTP/1 request head, its bytes already received, into swift-http-types'
/// `HTTPRequest`, in one pass over the bytes: no intermediate header list, and each field's name
/// and value made once. Strict where a lenient reading would let two parties disagree about
/// where a request ends (folded lines, both `Transfer-Encoding` and `Content-Length`, differing
/// lengths, control characters in values); lenient where RFC 9112 allows (a bare LF ends a line).
struct RequestHeadParser {
    /// `http` or `https`: the scheme the connection speaks.
    let scheme: String

    /// Parses the head in `bytes[0..<end]` (`end` is just past its empty line).
    /// - Returns: The head, and how its body is framed.
    /// - Throws: ``HTTP1ParseError`` naming what is wrong.
    func parse(_ bytes: UnsafeRawBufferPointer, end: Int) throws(HTTP1ParseError) -> (head: ViewerRequestHead, framing: BodyFraming) {
        var lines = HeadBytes.Lines(bytes, to: end)
        guard let requestLine = lines.next() else { throw HTTP1ParseError(code: .requestLine, message: "the request has no request line") }
        let (method, target, version) = try Self.requestLine(requestLine, in: bytes)

        var fields = HTTPFields()
        fields.reserveCapacity(12)
        var authority: String?
        var framingFields = FramingFields()
        var expectsContinue = false
        while let line = lines.next(), !line.isEmpty {
            let (nameBytes, value) = try HeadBytes.field(line, in: bytes)
            guard HeadBytes.isFieldValue(value, in: bytes) else {
                throw HTTP1ParseError(code: .fieldLine, message: "the value of '\(HeadBytes.string(nameBytes, in: bytes))' has a control character")
            }
            // The few fields that say how to read the request are recognised by their bytes.
            if nameBytes.count == 4, authority == nil, HeadBytes.equals(nameBytes, in: bytes, lowercase: "host") {
                authority = HeadBytes.string(value, in: bytes)
                continue  // the first Host is the authority, not a field
            }
            if nameBytes.count == 6, HeadBytes.equals(nameBytes, in: bytes, lowercase: "expect") {
                expectsContinue = HeadBytes.equals(value, in: bytes, lowercase: "100-continue")
            }
            try framingFields.note(name: nameBytes, value: value, in: bytes)
            let nameText = HeadBytes.string(nameBytes, in: bytes)
            guard let name = HTTPField.Name(nameText) else {
                throw HTTP1ParseError(code: .fieldLine, message: "'\(nameText.prefix(80))' is not a header field name")
            }
            fields.append(HTTPField(name: name, value: UnsafeRawBufferPointer(rebasing: bytes[value])))
        }

        let framing = try Self.framing(framingFields, in: bytes)
        // An absolute-form target's authority is the request's, whatever Host says (RFC 9112 §3.2.2).
        let request = HTTPRequest(
            method: method,
            scheme: scheme,
            authority: Self.targetAuthority(target) ?? authority,
            path: Self.originForm(target),
            headerFields: fields
        )
        let keepAlive = framingFields.keepAlive(minorVersion: version.minor)
        let head = ViewerRequestHead(
            request: request,
            version: version,
            keepAlive: keepAlive,
            expectsContinue: expectsContinue && version.minor == 1,
            byteCount: end
        )
        return (head, framing)
    }

    /// `METHOD SP TARGET SP HTTP/1.x`.
    private static func requestLine(
        _ line: Range<Int>,
        in bytes: UnsafeRawBufferPointer
    ) throws(HTTP1ParseError) -> (HTTPRequest.Method, String, HTTPVersion) {
        // Made only when it is thrown: its text is most of what a well-formed line would cost.
        func malformed() -> HTTP1ParseError {
            HTTP1ParseError(
                code: .requestLine,
                message: "the request line '\(HeadBytes.string(line, in: bytes).prefix(80))' is not METHOD TARGET HTTP/1.1"
            )
        }
        guard let firstSpace = HeadBytes.index(of: HeadBytes.space, in: bytes, from: line.lowerBound), firstSpace < line.upperBound,
            let lastSpace = line.last(where: { bytes[$0] == HeadBytes.space }), lastSpace > firstSpace + 1
        else { throw malformed() }
        let target = firstSpace + 1..<lastSpace
        guard HeadBytes.isTarget(target, in: bytes) else { throw malformed() }
        let versionBytes = lastSpace + 1..<line.upperBound
        guard versionBytes.count == 8, HeadBytes.equals(versionBytes.lowerBound..<versionBytes.lowerBound + 5, in: bytes, lowercase: "http/"),
            bytes[versionBytes.lowerBound + 6] == UInt8(ascii: ".")
        else { throw malformed() }
        let major = bytes[versionBytes.lowerBound + 5] &- UInt8(ascii: "0")
        let minor = bytes[versionBytes.lowerBound + 7] &- UInt8(ascii: "0")
        guard major == 1, minor <= 1 else {
            throw HTTP1ParseError(
                code: .version,
                message: "HTTP/\(HeadBytes.string(versionBytes, in: bytes).dropFirst(5)) is not spoken here (HTTP/1.0 and 1.1 are)"
            )
        }
        let method = try method(line.lowerBound..<firstSpace, in: bytes)
        let text = HeadBytes.string(target, in: bytes)
        // Origin form (`/path`), absolute form (`http://host/path`), or `*` for OPTIONS; any
        // other target would reach the origin as a path no client meant.
        guard text.hasPrefix("/") || (text == "*" && method == .options) || targetAuthority(text) != nil else {
            throw HTTP1ParseError(
                code: .requestLine,
                message: "the request target '\(text.prefix(80))' is neither /path, http(s)://host/path nor * (for OPTIONS)"
            )
        }
        return (method, text, HTTPVersion(major: 1, minor: Int(minor)))
    }

    /// The authority of an absolute-form target (`http://host:port/path` → `host:port`), `nil`
    /// for any other form or scheme.
    static func targetAuthority(_ target: String) -> String? {
        guard target.first != "/", let colon = target.firstIndex(of: ":"), target[colon...].hasPrefix("://") else { return nil }
        let scheme = target[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = target[target.index(colon, offsetBy: 3)...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return authority.isEmpty || authority.contains("@") ? nil : String(authority)
    }

    /// The method: the common ones by their bytes, any other token checked.
    private static func method(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) throws(HTTP1ParseError) -> HTTPRequest.Method {
        if HeadBytes.matches(range, in: bytes, "GET") { return .get }
        if HeadBytes.matches(range, in: bytes, "HEAD") { return .head }
        if HeadBytes.matches(range, in: bytes, "POST") { return .post }
        let text = HeadBytes.string(range, in: bytes)
        guard let method = HTTPRequest.Method(text) else {
            throw HTTP1ParseError(code: .requestLine, message: "'\(text.prefix(40))' is not a method")
        }
        return method
    }

    /// RFC 9112 §6.3: chunked when the last transfer coding is `chunked`; a request whose body
    /// length is otherwise unknowable, or that has both kinds of framing, is refused.
    private static func framing(_ fields: FramingFields, in bytes: UnsafeRawBufferPointer) throws(HTTP1ParseError) -> BodyFraming {
        guard let chunked = fields.endsInChunked(in: bytes), let transferCoding = fields.transferCoding else {
            return fields.contentLength.map { $0 > 0 ? .length($0) : .none } ?? .none
        }
        guard fields.contentLength == nil else {
            throw HTTP1ParseError(code: .framing, message: "the request has both Transfer-Encoding and Content-Length")
        }
        guard chunked else {
            throw HTTP1ParseError(
                code: .framing,
                message:
                    "Transfer-Encoding '\(HeadBytes.string(transferCoding, in: bytes).prefix(40))' does not end in chunked, so the body's end is unknown"
            )
        }
        return .chunked
    }

    /// The path and query of a request target: an absolute-form target (`http://host/path`)
    /// keeps only its path and query.
    static func originForm(_ target: String) -> String {
        guard !target.hasPrefix("/") else { return target }
        // scheme://authority, then the path (or the query) if there is one.
        guard let colon = target.firstIndex(of: ":"), target[colon...].hasPrefix("://") else { return target.isEmpty ? "/" : target }
        let rest = target[target.index(colon, offsetBy: 3)...]
        guard let start = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        return rest[start] == "?" ? "/" + rest[start...] : String(rest[start...])
    }
}
