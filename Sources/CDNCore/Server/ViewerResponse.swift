import HTTPTypes
import NIOCore

/// A response as the viewer listener sends it: the response's own fields, as the viewer gets
/// them, and the fields the node adds to every answer (CloudFront's `Via`, `X-Cache`, …), kept
/// apart so a cached object's fields can go out as the bytes its cache readied.
public struct ViewerResponse: Sendable {
    /// The status.
    public var status: HTTPResponse.Status
    /// The response's own fields. The listener still drops the ones it writes itself (`Date`,
    /// `Server`, the framing fields).
    public var fields: HTTPFields
    /// ``fields`` already encoded, when a cache readied them: sent as they are.
    public var encodedFields: ByteBuffer?
    /// What the node adds, after the response's own fields.
    public var added: AddedFields
    /// The body.
    public var body: ByteBuffer

    /// Creates a response.
    public init(
        status: HTTPResponse.Status,
        fields: HTTPFields,
        encodedFields: ByteBuffer? = nil,
        added: AddedFields = AddedFields(),
        body: ByteBuffer
    ) {
        self.status = status
        self.fields = fields
        self.encodedFields = encodedFields
        self.added = added
        self.body = body
    }

    /// A stored response sent as it is.
    public init(_ stored: StoredResponse) {
        self.init(status: stored.status, fields: stored.headers, body: stored.body)
    }

    /// Every field, in the order they are sent (without the listener's own).
    public var headers: HTTPFields {
        var all = fields
        all.append(contentsOf: added.fields)
        return all
    }
}

/// The fields a node adds to a response, written as HTTP/1.1 header lines as they are added.
/// The node makes their values itself (ids, numbers, timings, names from the topology), so
/// they skip `HTTPField`'s check byte by byte and its storage; a byte no field value may hold
/// is written as a space instead.
public struct AddedFields: Sendable {
    /// The header lines, each ending in CRLF.
    public private(set) var encoded: ByteBuffer

    /// Creates an empty set, with room for a node's usual fields.
    public init() {
        encoded = ByteBuffer()
        encoded.reserveCapacity(320)
    }

    /// Adds a field made once (`Via`, an `X-Cache` value): it was checked when it was made.
    public mutating func append(_ field: HTTPField) {
        encoded.writeString(field.name.rawName)
        encoded.writeStaticString(": ")
        encoded.writeString(field.value)
        encoded.writeStaticString("\r\n")
    }

    /// Adds a field.
    public mutating func append(_ name: HTTPField.Name, _ value: String) {
        append(name) { $0.writeString(value) }
    }

    /// Adds a field whose value is written straight into the lines (`Server-Timing`).
    public mutating func append(_ name: HTTPField.Name, writing value: (inout ByteBuffer) -> Void) {
        encoded.writeString(name.rawName)
        encoded.writeStaticString(": ")
        let start = encoded.writerIndex - encoded.readerIndex
        value(&encoded)
        let end = encoded.writerIndex - encoded.readerIndex
        encoded.withUnsafeMutableReadableBytes { bytes in
            for index in start..<end where !Self.isLegal(bytes[index]) { bytes[index] = UInt8(ascii: " ") }
        }
        encoded.writeStaticString("\r\n")
    }

    /// Whether a byte may stand in a field value (RFC 9110 §5.5: visible, space, tab, obs-text).
    private static func isLegal(_ byte: UInt8) -> Bool { byte >= 0x20 ? byte != 0x7F : byte == 0x09 }

    /// The fields, read back from their lines: for an HTTP/2 stream's codec, and for tests.
    public var fields: HTTPFields {
        var fields = HTTPFields()
        let text = String(buffer: encoded)
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else { continue }
            fields.append(HTTPField(name: name, value: String(line[line.index(after: colon)...].dropFirst())))
        }
        return fields
    }
}

/// How a ``ViewerResponder`` answers: at once, or after work that waits (a function, an
/// upstream fetch). An answer at once is written from the connection's event loop as the
/// request is read, with no task started for it.
public enum ViewerAnswer: Sendable {
    /// The response, ready.
    case now(ViewerResponse)
    /// The work that makes it, to run in a task.
    case later(@Sendable () async -> ViewerResponse)

    /// The response, waiting for it if it is not ready.
    public var response: ViewerResponse {
        get async {
            switch self {
            case .now(let response): response
            case .later(let work): await work()
            }
        }
    }
}

/// What answers the requests of a ``ViewerServer``: one whole response per whole request. It
/// never throws: every failure is an answer (CloudFront's error page), so the connection stays
/// usable.
public protocol ViewerResponder: Sendable {
    /// Answers one request, at once when nothing needs waiting for. For `HEAD` the listener
    /// sends the head only, with the body's length.
    func respond(to request: IncomingRequest) -> ViewerAnswer
}
