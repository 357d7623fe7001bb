import HTTPTypes
import NIOCore
import Topology

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
    /// The request's access log record, when its distribution logs: the listener completes
    /// it once the response is written.
    public var accessLog: AccessLogTicket?

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

/// The fields a node adds to a response, kept as typed values until the listener writes them
/// straight into the head. The node makes their values itself (ids, numbers, timings, names
/// from the topology), so they skip `HTTPField`'s storage; in a text value, a byte no field
/// value may hold is written as a space.
public struct AddedFields: Sendable {
    /// One field's value.
    enum Value: Sendable {
        /// A field's value checked when the field was made.
        case checked(String)
        case text(String)
        case integer(Int)
        case timing(ServerTiming)
    }

    /// One field. (A struct, not a tuple: an array of tuples is destroyed through the runtime's
    /// generic tuple code.)
    struct Entry: Sendable {
        var name: HTTPField.Name
        var value: Value

        /// Writes the value.
        func writeValue(to sink: inout some TextSink) {
            switch value {
            case .checked(let text): sink.put(text)
            case .text(let text): AddedFields.putValue(text, to: &sink)
            case .integer(let number): sink.put(decimal: number)
            // Its names are literals and its details the node's ids and the tier that answered.
            case .timing(let timing): timing.write(to: &sink)
            }
        }
    }

    private(set) var entries: [Entry] = []

    /// Creates an empty set, with room for a node's usual fields.
    public init() { entries.reserveCapacity(8) }

    /// Adds a field made once (`Via`, an `X-Cache` value).
    public mutating func append(_ field: HTTPField) { entries.append(Entry(name: field.name, value: .checked(field.value))) }
    /// Adds a field.
    public mutating func append(_ name: HTTPField.Name, _ value: String) { entries.append(Entry(name: name, value: .text(value))) }
    /// Adds a field whose value the node made from bytes a value may hold (an id it generated),
    /// so it is written without checking them again.
    public mutating func append(_ name: HTTPField.Name, generated value: String) { entries.append(Entry(name: name, value: .checked(value))) }
    /// Adds a field whose value is a number.
    public mutating func append(_ name: HTTPField.Name, _ value: Int) { entries.append(Entry(name: name, value: .integer(value))) }
    /// Adds a `Server-Timing`-style field, written from its metrics when the head is.
    public mutating func append(_ name: HTTPField.Name, _ value: ServerTiming) { entries.append(Entry(name: name, value: .timing(value))) }

    /// The most bytes ``write(to:)`` writes.
    var maximumLength: Int {
        entries.reduce(0) { total, entry in
            let value =
                switch entry.value {
                case .checked(let text), .text(let text): text.utf8.count
                case .integer: 20
                case .timing(let timing): timing.maximumLength
                }
            return total + entry.name.rawName.utf8.count + value + 4
        }
    }

    /// Writes the fields as header lines, each ending in CRLF.
    func write(to sink: inout some TextSink) {
        for entry in entries { sink.putField(entry.name) { entry.writeValue(to: &$0) } }
    }

    fileprivate static func putValue(_ text: String, to sink: inout some TextSink) {
        // Checked on the string's bytes in place: walking its `utf8` view costs ten times more.
        let legal = text.withBytes(allLegal)
        if legal { return sink.put(text) }
        for byte in text.utf8 { sink.put(byte: isLegal(byte) ? byte : UInt8(ascii: " ")) }
    }

    private static func allLegal(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where !isLegal(byte) { return false }
        return true
    }

    /// Whether a byte may stand in a field value (RFC 9110 §5.5: visible, space, tab, obs-text).
    static func isLegal(_ byte: UInt8) -> Bool { byte >= 0x20 ? byte != 0x7F : byte == 0x09 }

    /// The header lines, as text.
    public var encoded: String {
        var text = ByteText()
        write(to: &text)
        return text.string
    }

    /// The fields, for an HTTP/2 stream's codec, and for tests.
    public var fields: HTTPFields {
        var fields = HTTPFields()
        for entry in entries {
            var value = ByteText()
            entry.writeValue(to: &value)
            fields.append(HTTPField(name: entry.name, value: value.string))
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
