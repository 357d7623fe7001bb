import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// CloudFront's request limits (spec §4): a URL over 8,192 bytes, or a request line plus
/// headers over 20,480 bytes, gets `413` and the connection is closed.
///
/// It sits after the HTTP decoder, whose own limit is raised to ``decoderLimit`` so that every
/// oversized request up to that size gets CloudFront's answer rather than a parser error.
final class RequestSizeGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The longest URL CloudFront accepts.
    static let maximumURL = 8_192
    /// The longest request line plus headers CloudFront accepts.
    static let maximumRequestHead = 20_480
    /// What the HTTP decoder itself accepts; past it, a request gets the decoder's 400.
    static let decoderLimit = 1 << 20

    private var rejected = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !rejected else { return }
        let part = unwrapInboundIn(data)
        if case .head(let request) = part, let reason = Self.violation(request) {
            rejected = true
            let body = ByteBuffer(string: "413 Request Entity Too Large: \(reason)\n")
            let head = HTTPResponse(
                status: .contentTooLarge,
                headerFields: [
                    .server: "CloudFront", .connection: "close", .contentType: "text/plain",
                    .contentLength: "\(body.readableBytes)",
                ]
            )
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
            return
        }
        context.fireChannelRead(data)
    }

    /// What is too large about a request, if anything.
    static func violation(_ request: HTTPRequest) -> String? {
        let url = request.path ?? ""
        if url.utf8.count > maximumURL { return "the URL is longer than \(maximumURL) bytes" }
        var size = (request.method.rawValue.utf8.count + url.utf8.count + 11)
        for field in request.headerFields { size += field.name.rawName.utf8.count + field.value.utf8.count + 4 }
        return size > maximumRequestHead ? "the request line and headers exceed \(maximumRequestHead) bytes" : nil
    }
}
