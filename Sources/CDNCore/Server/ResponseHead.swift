import HTTPTypes
import NIOCore
import NIOHTTP1
import Topology

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an HTTP/1.1 response head straight from swift-http-types' fields into bytes, the way
/// the viewer listener sends it: `Date` and `Server` set by the listener (as Hummingbird sets
/// them), framing fields (`Content-Length`, `Connection`) its own, every other field in order.
public enum ResponseHead {
    /// Whether the listener writes a field itself, whatever the response carried: `Date`,
    /// `Server` and the framing fields. Read by length first, since most names are not these.
    public static func isOwn(_ name: HTTPField.Name) -> Bool {
        let canonical = name.canonicalName
        switch canonical.utf8.count {
        case 4: return canonical == "date"
        case 6: return canonical == "server"
        case 10: return canonical == "connection" || canonical == "keep-alive"
        case 14: return canonical == "content-length"
        case 17: return canonical == "transfer-encoding"
        default: return false
        }
    }

    /// The connection field to send, if any.
    enum Connection {
        /// HTTP/1.1's default: nothing to say.
        case keepAliveByDefault
        /// An HTTP/1.0 viewer asked to keep the connection: say so.
        case keepAlive
        /// The connection closes after this response.
        case close
    }

    /// Encodes a head: the response's own fields (as its cache encoded them, when it did), then
    /// what the node added, then the listener's.
    /// - Parameters:
    ///   - response: The response.
    ///   - contentLength: The body's length, or `nil` for a status that has no body (1xx, 204, 304).
    ///   - connection: What to say about the connection.
    ///   - date: The `Date` value.
    ///   - server: The `Server` value.
    ///   - allocator: Where the buffer comes from.
    static func encode(
        _ response: ViewerResponse,
        contentLength: Int?,
        connection: Connection,
        date: String,
        server: String,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        let status = response.status
        // A status made from its code alone (an upstream's, relayed) has no phrase: the
        // standard one is sent, as CloudFront does (`200 OK`).
        let phrase = status.reasonPhrase.isEmpty ? HTTPResponseStatus(statusCode: status.code).reasonPhrase : status.reasonPhrase
        // An upper bound of the head's size, so it is written in one pass into one allocation
        // (the numbers written as digits: 20 each at most).
        var size = 136 + phrase.utf8.count + date.utf8.count + server.utf8.count
        if let encoded = response.encodedFields {
            size += encoded.readableBytes
        } else {
            for field in response.fields { size += field.name.rawName.utf8.count + field.value.utf8.count + 4 }
        }
        size += response.added.maximumLength
        var buffer = allocator.buffer(capacity: size)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { bytes in
            var head = HeadWriter(bytes: bytes)
            head.put("HTTP/1.1 ")
            head.put(decimal: status.code)
            head.put(" ")
            head.put(phrase)
            head.put("\r\n")
            if let encoded = response.encodedFields {
                encoded.withUnsafeReadableBytes { head.put($0) }
            } else {
                for field in response.fields where !isOwn(field.name) { head.put(field) }
            }
            response.added.write(to: &head)
            head.put("Date: ")
            head.put(date)
            head.put("\r\nServer: ")
            head.put(server)
            head.put("\r\n")
            switch connection {
            case .keepAliveByDefault: break
            case .keepAlive: head.put("Connection: keep-alive\r\n")
            case .close: head.put("Connection: close\r\n")
            }
            if let contentLength {
                head.put("Content-Length: ")
                head.put(decimal: contentLength)
                head.put("\r\n")
            }
            head.put("\r\n")
            return head.written
        }
        return buffer
    }

    /// Copies text into the head's bytes, which were sized to hold it all.
    private struct HeadWriter: TextSink {
        let bytes: UnsafeMutableRawBufferPointer
        var written = 0

        mutating func put(_ text: StaticString) {
            text.withUTF8Buffer { put(UnsafeRawBufferPointer($0)) }
        }

        mutating func put(byte: UInt8) {
            precondition(written < bytes.count, "a response head outgrew its size")
            bytes[written] = byte
            written += 1
        }

        mutating func put(_ text: String) {
            text.withBytes { put(UnsafeRawBufferPointer($0)) }
        }

        mutating func put(_ source: UnsafeRawBufferPointer) {
            precondition(written + source.count <= bytes.count, "a response head outgrew its size")
            UnsafeMutableRawBufferPointer(rebasing: bytes[written...]).copyMemory(from: source)
            written += source.count
        }
    }

    /// Whether a status carries a body (and so a `Content-Length`): not 1xx, 204 or 304.
    public static func hasBody(_ status: HTTPResponse.Status) -> Bool {
        status.code >= 200 && status.code != 204 && status.code != 304
    }
}

/// The `Date` field's value for the current second (RFC 9110's IMF-fixdate), formatted once a
/// second per event loop rather than once per response.
struct HTTPDateCache {
    private var second = -1
    private var value = ""

    /// The current date.
    mutating func now() -> String {
        let seconds = time(nil)
        if seconds != second {
            second = seconds
            value = Self.format(seconds)
        }
        return value
    }

    /// Formats a time in IMF-fixdate: `Tue, 01 Dec 2026 10:59:26 GMT`.
    static func format(_ seconds: Int) -> String {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
