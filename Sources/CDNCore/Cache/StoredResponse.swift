import HTTPTypes
import NIOCore

/// A response as a cache tier keeps it: status, headers (without hop-by-hop fields) and the
/// whole body, plus the age it already had when it arrived (a hub's `Age`). On its way through
/// a node it also carries its ``ResponseTrace``, which the cache does not keep.
public struct StoredResponse: Sendable {
    /// The fields live in one shared box, copied only when a copy is changed: a hit hands the
    /// same object from the cache to the viewer through several values, and copying a dozen
    /// references at each step was a tenth of a hit's reference counting.
    private final class Storage: @unchecked Sendable {
        // Changed only while uniquely referenced (see `unique()`), so never while shared.
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: ByteBuffer
        var initialAge: Duration
        var trace = ResponseTrace()
        var prepared: PreparedFields?

        init(status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer, initialAge: Duration) {
            self.status = status
            self.headers = headers
            self.body = body
            self.initialAge = initialAge
        }

        func copy() -> Storage {
            let copy = Storage(status: status, headers: headers, body: body, initialAge: initialAge)
            copy.trace = trace
            copy.prepared = prepared
            return copy
        }
    }

    private var storage: Storage

    /// The box, made this value's own before a change.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    /// The status.
    public var status: HTTPResponse.Status {
        get { storage.status }
        set { unique().status = newValue }
    }
    /// The header fields, as the upstream sent them. Any change to them drops ``prepared``,
    /// which would no longer match.
    public var headers: HTTPFields {
        get { storage.headers }
        set {
            let own = unique()
            own.headers = newValue
            own.prepared = nil
        }
        // In place, so that changing one field does not copy them all.
        _modify {
            let own = unique()
            yield &own.headers
            own.prepared = nil
        }
    }
    /// The body.
    public var body: ByteBuffer {
        get { storage.body }
        set { unique().body = newValue }
    }
    /// How old it was when it arrived, from the upstream's `Age`.
    public var initialAge: Duration {
        get { storage.initialAge }
        set { unique().initialAge = newValue }
    }
    /// What the node learned about it on the way (empty on a cache hit).
    public var trace: ResponseTrace {
        get { storage.trace }
        set { unique().trace = newValue }
        _modify {
            let own = unique()
            yield &own.trace
        }
    }
    /// The fields its viewers get, chosen and encoded once when a cache stored it, so a hit
    /// neither copies nor encodes them field by field.
    public var prepared: PreparedFields? {
        get { storage.prepared }
        set { unique().prepared = newValue }
    }

    /// Creates a stored response.
    public init(status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer, initialAge: Duration = .zero) {
        storage = Storage(status: status, headers: headers, body: body, initialAge: initialAge)
    }

    /// The response as a cache keeps it: without its trace.
    public var untraced: StoredResponse {
        var kept = self
        kept.trace = ResponseTrace()
        return kept
    }

    /// What it costs to keep: the body plus the headers.
    public var cost: Int {
        body.readableBytes + headers.reduce(64) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count + 4 }
    }

    /// The validators a revalidation sends: `If-None-Match` from the ETag, `If-Modified-Since`
    /// from Last-Modified.
    public var revalidationFields: HTTPFields {
        var fields = HTTPFields()
        if let etag = headers[.eTag] { fields[.ifNoneMatch] = etag }
        if let modified = headers[.lastModified] { fields[.ifModifiedSince] = modified }
        return fields
    }

    /// The response a conditional request gets: `304 Not Modified` without a body when its
    /// `If-None-Match` names this response's ETag (or `*`), the response itself otherwise.
    public func answering(conditional ifNoneMatch: String?) -> StoredResponse {
        guard let ifNoneMatch, status == .ok, let etag = headers[.eTag] else { return self }
        let tags = ifNoneMatch.split(separator: ",").map { $0.trimming(" \t") }
        guard tags.contains("*") || tags.contains(etag) else { return self }
        var notModified = self
        notModified.status = .notModified
        notModified.body = ByteBuffer()
        return notModified
    }
}

/// The fields of a cached response that its viewers get, with their HTTP/1.1 encoding
/// (`Name: value` lines), made once per stored object.
public struct PreparedFields: Sendable {
    /// The fields, in order.
    public let fields: HTTPFields
    /// The same fields as HTTP/1.1 header lines, each ending in CRLF.
    public let encoded: ByteBuffer

    /// Chooses and encodes the fields.
    /// - Parameters:
    ///   - headers: A response's fields.
    ///   - keeps: Which of them its viewers get.
    public init(_ headers: HTTPFields, keeping keeps: (HTTPField.Name) -> Bool) {
        let kept = HTTPFields(headers.filter { keeps($0.name) })
        var text = ByteText()
        for field in kept { text.put(field) }
        fields = kept
        encoded = ByteBuffer(bytes: text.bytes)
    }
}

extension HTTPFields {
    /// The fields without a request's validators, for a cache that revalidates with its own.
    public func removingConditionals() -> HTTPFields {
        HTTPFields(filter { ![.ifNoneMatch, .ifModifiedSince, .ifMatch, .ifUnmodifiedSince, .ifRange].contains($0.name) })
    }
}
