import HTTPTypes
import NIOCore
import NIOHTTP1

/// On an HTTP/2 stream, turns the stream codec's HTTP/1-style parts into ``ViewerRequestPart``s
/// for ``ViewerConnectionHandler``, which reads HTTP/1.1 connections' requests from the edge's
/// own parser in the same shape.
final class HTTP2RequestAdapter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = ViewerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            do {
                let request = try Self.request(from: head, scheme: "https")
                let size = head.headers.reduce(head.uri.utf8.count + head.method.rawValue.utf8.count + 13) {
                    $0 + $1.name.utf8.count + $1.value.utf8.count + 4
                }
                let viewerHead = ViewerRequestHead(request: request, version: head.version, keepAlive: true, expectsContinue: false, byteCount: size)
                context.fireChannelRead(wrapInboundOut(.head(viewerHead)))
            } catch {
                context.fireErrorCaught(error)
            }
        case .body(let body):
            context.fireChannelRead(wrapInboundOut(.body(body)))
        case .end:
            context.fireChannelRead(wrapInboundOut(.end))
        }
    }

    /// The request head in swift-http-types' terms: the first `Host` is the authority, and an
    /// absolute-form target keeps only its path and query.
    static func request(from head: HTTPRequestHead, scheme: String) throws(HTTP1ParseError) -> HTTPRequest {
        guard let method = HTTPRequest.Method(head.method.rawValue) else {
            throw HTTP1ParseError(code: .requestLine, message: "'\(head.method.rawValue)' is not a method")
        }
        var fields = HTTPFields()
        fields.reserveCapacity(head.headers.count)
        var authority: String?
        for (name, value) in head.headers {
            if authority == nil, name.utf8.count == 4, name.lowercased() == "host" {
                authority = value
                continue
            }
            guard let fieldName = HTTPField.Name(name) else {
                throw HTTP1ParseError(code: .fieldLine, message: "'\(name)' is not a header field name")
            }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return HTTPRequest(method: method, scheme: scheme, authority: authority, path: RequestHeadParser.originForm(head.uri), headerFields: fields)
    }
}
