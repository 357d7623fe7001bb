import HTTPTypes
import NIOCore
import NIOHTTP1

/// One part of an HTTP message as it is read: its head once, then its body in pieces as they
/// arrive, then its end.
enum HTTP1Part<Head> {
    case head(Head)
    case body(ByteBuffer)
    case end

    /// Whether it is the message's end.
    var isEnd: Bool {
        if case .end = self { return true }
        return false
    }
}

/// A viewer's request as the listener reads it. Over HTTP/1.1 the edge's own parser makes these
/// from the bytes (``HTTP1RequestDecoder``); on an HTTP/2 stream they are made from the stream
/// codec's parts (``HTTP2RequestAdapter``).
typealias ViewerRequestPart = HTTP1Part<ViewerRequestHead>

/// A request head in swift-http-types' terms, with what the connection needs from it.
struct ViewerRequestHead {
    /// The method, scheme, authority (the first `Host`), path and the other fields.
    var request: HTTPRequest
    /// The HTTP version the viewer spoke.
    var version: HTTPVersion
    /// Whether the connection stays open after the answer: HTTP/1.1 unless `Connection: close`,
    /// HTTP/1.0 only with `Connection: keep-alive`.
    var keepAlive: Bool
    /// Whether the viewer waits for `100 Continue` before it sends its body.
    var expectsContinue: Bool
    /// The head's size on the wire, for the access log's `cs-bytes`: its bytes over HTTP/1.1,
    /// its fields written out as HTTP/1.1 would have them on an HTTP/2 stream.
    var byteCount = 0

    /// Whether it is a `HEAD`, whose answer has no body.
    var isHead: Bool { request.method == .head }
}
