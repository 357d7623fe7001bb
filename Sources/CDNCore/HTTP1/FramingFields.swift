/// The fields that say how an HTTP/1 message is framed and whether its connection stays open
/// (`Content-Length`, `Transfer-Encoding`, `Connection`), gathered from a head's field lines as a
/// parser reads them, by their bytes. Requests and responses read them the same way; each then
/// decides its framing by its own rules (RFC 9112 §6.3).
struct FramingFields {
    /// The one length every `Content-Length` agrees on.
    var contentLength: Int?
    /// The `Transfer-Encoding` value's bytes.
    var transferCoding: Range<Int>?
    /// Whether `Connection` asked to close.
    var close = false
    /// Whether `Connection` asked to keep alive (what an HTTP/1.0 connection needs to stay open).
    var keepAliveAsked = false

    /// Notes a field line if it is one of these.
    /// - Throws: ``HTTP1ParseError`` for `Content-Length` values that are not one length.
    mutating func note(name: Range<Int>, value: Range<Int>, in bytes: UnsafeRawBufferPointer) throws(HTTP1ParseError) {
        switch name.count {
        case 14 where HeadBytes.equals(name, in: bytes, lowercase: "content-length"):
            contentLength = try HeadBytes.contentLength(value, in: bytes, before: contentLength)
        case 17 where HeadBytes.equals(name, in: bytes, lowercase: "transfer-encoding"):
            transferCoding = value
        case 10 where HeadBytes.equals(name, in: bytes, lowercase: "connection"):
            let options = HeadBytes.connectionOptions(value, in: bytes)
            close = close || options.close
            keepAliveAsked = keepAliveAsked || options.keepAlive
        default:
            break
        }
    }

    /// Whether the connection stays open after the message: HTTP/1.1 unless it asked to close,
    /// HTTP/1.0 only when it asked to keep alive.
    func keepAlive(minorVersion: Int) -> Bool { minorVersion == 1 ? !close : keepAliveAsked && !close }

    /// Whether the last transfer coding is `chunked`; `nil` without `Transfer-Encoding`.
    func endsInChunked(in bytes: UnsafeRawBufferPointer) -> Bool? {
        guard let transferCoding else { return nil }
        var last: Range<Int>?
        HeadBytes.forEachElement(of: transferCoding, in: bytes) { last = $0 }
        return last.map { HeadBytes.equals($0, in: bytes, lowercase: "chunked") } ?? false
    }
}
