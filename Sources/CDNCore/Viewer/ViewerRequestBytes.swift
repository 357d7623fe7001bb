import HTTPTypes
import NIOCore
import NIOHTTP1

/// A viewer's HTTP/1.1 request as the bytes it sends: the request line, `Host`, `User-Agent`, the
/// caller's fields, `Content-Length` for a body, then the body, in one buffer written in one
/// flush.
enum ViewerRequestBytes {
    /// The request's bytes.
    /// - Throws: ``ViewerClientError`` when the path or a field would break the message: a
    ///   space or control character in the path, a name that is not a token, a line break or
    ///   NUL in a value.
    static func make(
        method: HTTPMethod,
        path: String,
        host: String,
        headers: [(String, String)],
        body: ByteBuffer?,
        allocator: ByteBufferAllocator
    ) throws(ViewerClientError) -> ByteBuffer {
        guard !path.isEmpty, path.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw ViewerClientError(message: "the path '\(path.prefix(80))' is empty or has a space or control character")
        }
        var size = method.rawValue.utf8.count + path.utf8.count + host.utf8.count + 64 + (body?.readableBytes ?? 0)
        for (name, value) in headers { size += name.utf8.count + value.utf8.count + 4 }
        var bytes = allocator.buffer(capacity: size)
        bytes.writeString(method.rawValue)
        bytes.writeInteger(UInt8(ascii: " "))
        bytes.writeString(path)
        bytes.writeStaticString(" HTTP/1.1\r\n")
        try field("Host", host, into: &bytes)
        bytes.writeStaticString("User-Agent: edgesim-viewer\r\n")
        for (name, value) in headers { try field(name, value, into: &bytes) }
        if let body { bytes.writeString("Content-Length: \(body.readableBytes)\r\n") }
        bytes.writeStaticString("\r\n")
        if var body { bytes.writeBuffer(&body) }
        return bytes
    }

    private static func field(_ name: String, _ value: String, into bytes: inout ByteBuffer) throws(ViewerClientError) {
        guard HTTPField.Name(name) != nil else {
            throw ViewerClientError(message: "'\(name.prefix(80))' is not a header field name")
        }
        guard value.utf8.allSatisfy({ AddedFields.isLegal($0) }) else {
            throw ViewerClientError(message: "the value of '\(name)' has a line break or control character")
        }
        bytes.writeString(name)
        bytes.writeStaticString(": ")
        bytes.writeString(value)
        bytes.writeStaticString("\r\n")
    }

}
