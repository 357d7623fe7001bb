import HTTPTypes
import NIOCore
import NIOHTTP1
import Topology

/// A whole request as the viewer listener hands it to the edge: the head in swift-http-types'
/// terms, the body already read, and who sent it (the source address says where a viewer is).
public struct IncomingRequest: Sendable {
    /// The method, authority (the `Host`), path and the other header fields.
    public var head: HTTPRequest
    /// The body; empty when there was none.
    public var body: ByteBuffer
    /// The peer's address and port.
    public var remoteAddress: SocketAddress?
    /// The peer's IP address as text (`127.0.1.1`), which says which viewer location it is.
    public var remoteIP: String?
    /// The HTTP version the viewer spoke (2.0 on an HTTP/2 stream).
    public var version: HTTPVersion

    /// Creates a request.
    /// - Parameters:
    ///   - head: The head.
    ///   - body: The body.
    ///   - remoteAddress: Who sent it.
    ///   - remoteIP: The address as text, if the caller has it already: the listener formats it
    ///     once per connection (`SocketAddress.ipAddress` formats it anew on every call).
    ///   - version: The HTTP version the viewer spoke.
    public init(
        head: HTTPRequest,
        body: ByteBuffer = ByteBuffer(),
        remoteAddress: SocketAddress? = nil,
        remoteIP: String? = nil,
        version: HTTPVersion = .http1_1
    ) {
        self.head = head
        self.version = version
        self.body = body
        self.remoteAddress = remoteAddress
        self.remoteIP = remoteIP ?? remoteAddress?.ipAddress
    }

    /// The method.
    public var method: HTTPRequest.Method { head.method }
    /// The HTTP version as CloudFront writes it (`1.1`, `2.0`).
    public var versionText: String {
        // Literals for the versions viewers speak: this is read on every request.
        switch (version.major, version.minor) {
        case (1, 1): "1.1"
        case (2, 0): "2.0"
        case (1, 0): "1.0"
        default: "\(version.major).\(version.minor)"
        }
    }
    /// Whether the viewer spoke HTTP/1.0 or older, which cannot follow a 307.
    public var isBeforeHTTP11: Bool { version.major < 1 || (version.major == 1 && version.minor == 0) }
    /// Whether it came on an HTTP/2 stream.
    public var isHTTP2: Bool { version.major == 2 }
    /// Whether the viewer came over HTTPS.
    public var viewerProtocol: ViewerProtocol { head.scheme == "https" ? .https : .http }
    /// The header fields, without `Host` (that is ``HTTPRequest/authority``).
    public var headers: HTTPFields { head.headerFields }

    /// The request target as sent: path and query.
    public var target: String { head.path ?? "/" }

    /// The path, without the query (or a fragment).
    public var path: String {
        let target = target.utf8
        let end = target.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? target.endIndex
        return end == target.startIndex ? "/" : String(Substring(target[..<end]))
    }

    /// The query, without its `?`; `nil` when there is none.
    public var query: String? {
        let target = target.utf8
        guard let mark = target.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        let start = target.index(after: mark)
        let end = target[start...].firstIndex(of: UInt8(ascii: "#")) ?? target.endIndex
        return String(Substring(target[start..<end]))
    }
}
