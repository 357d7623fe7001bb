import Foundation
import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Answers `GET /health` on the admin listener's event loop, before Hummingbird's router: GeoDNS
/// asks every edge five times a second, and a request through the router (a task on Swift's
/// global executor, its wake-ups and a JSON encoder) was most of an idle edge's CPU. Every other
/// request, and a `/health` asked while an earlier request on the connection is still being
/// answered (so responses keep their order), goes on to the router, which answers `/health` the
/// same way.
final class HealthAnswerer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let report: @Sendable () -> (status: HTTPResponse.Status, body: ByteBuffer)
    /// Requests passed on whose responses have not ended.
    private var inFlight = 0
    /// Whether the request being read is one this handler answers.
    private var answering = false

    /// - Parameter report: The health report's status and JSON, read synchronously.
    init(report: @escaping @Sendable () -> (status: HTTPResponse.Status, body: ByteBuffer)) {
        self.report = report
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            answering = inFlight == 0 && head.method == .get && head.path == "/health"
            if !answering {
                inFlight += 1
                context.fireChannelRead(data)
            }
        case .body:
            if !answering { context.fireChannelRead(data) }
        case .end:
            guard answering else { return context.fireChannelRead(data) }
            answering = false
            let (status, body) = report()
            let head = HTTPResponse(
                status: status,
                headerFields: [.contentType: "application/json; charset=utf-8", .contentLength: "\(body.readableBytes)"]
            )
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { inFlight = max(0, inFlight - 1) }
        context.write(data, promise: promise)
    }
}
