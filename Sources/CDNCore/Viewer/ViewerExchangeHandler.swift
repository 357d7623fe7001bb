import NIOCore
import NIOPosix

/// The viewer's end of one connection, on its event loop: it writes a request's bytes in one
/// flush (written part by part, a server that answers the head at once and closes, as
/// `Connection: close` asks, could close the channel before the end was written), reads the
/// response with ``HTTP1ResponseDecoder``, and times both where the bytes are. An optional
/// deadline closes the connection when a response does not end in time: a hung server then
/// costs one failed request, not a stuck client. One watchdog timer per connection keeps that
/// deadline, re-armed for the request in flight when it fires, rather than a timer scheduled
/// and cancelled per request.
///
/// It reads the bytes itself rather than through NIO's `HTTPResponseDecoder`, which made a
/// `String` of every header name and value: a fifth of a measuring client's CPU, for responses
/// of which it reads three fields.
final class ViewerExchangeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A response, and whether the server is closing the connection after it.
    struct Answer: Sendable {
        var reply: ViewerClient.Reply
        var closing: Bool
    }

    private struct Pending {
        var promise: EventLoopPromise<Answer>
        var started: NIODeadline
        var reply = ViewerClient.Reply(status: 0, fields: ReceivedFields(), body: ByteBuffer(), elapsed: .zero, timeToFirstByte: .zero)
        var closing = false
    }

    private let responseTimeout: TimeAmount?
    private var pending: Pending?
    private var decoder = HTTP1ResponseDecoder()
    /// What arrived and is not yet read. Bytes are copied in, so the channel's receive buffer
    /// goes back to NIO's pool at once; a reply's head and body are slices of this one.
    private var received = ByteBuffer()
    private var context: ChannelHandlerContext?
    private var closed = false
    /// Whether the response deadline's watchdog is scheduled.
    private var watching = false

    init(responseTimeout: TimeAmount?) { self.responseTimeout = responseTimeout }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// Sends a request.
    /// - Parameters:
    ///   - request: The request's bytes (``ViewerRequestBytes``).
    ///   - isHead: Whether it is a HEAD request, whose response has no body.
    ///   - calledAt: When the caller asked: the request's times run from there.
    func send(_ request: ByteBuffer, isHead: Bool, calledAt: NIODeadline) -> EventLoopFuture<Answer> {
        guard let context, !closed else {
            return (self.context?.eventLoop ?? MultiThreadedEventLoopGroup.singleton.next()).makeFailedFuture(
                ViewerClientError(message: "the connection is closed")
            )
        }
        guard pending == nil else { return context.eventLoop.makeFailedFuture(ViewerClientError(message: "a request is already in flight")) }
        let promise = context.eventLoop.makePromise(of: Answer.self)
        pending = Pending(promise: promise, started: calledAt)
        if let responseTimeout, !watching { watch(until: calledAt + responseTimeout, on: context) }
        decoder.expect(head: isHead)
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard pending != nil else { return }  // nothing was asked: not a response to read
        received.writeBuffer(&bytes)
        do {
            while pending != nil, let part = try decoder.next(&received) { take(part) }
        } catch {
            fail(ViewerClientError(message: "the response from \(context.remoteAddress?.description ?? "the edge") is malformed: \(error)"))
            context.close(promise: nil)
        }
        if received.readableBytes == 0 { received.clear() }
    }

    private func take(_ part: ViewerResponsePart) {
        guard var exchange = pending else { return }
        switch part {
        case .head(let head):
            exchange.reply.status = head.status
            exchange.reply.fields = head.fields
            exchange.reply.timeToFirstByte = Self.duration(since: exchange.started)
            exchange.closing = !head.keepAlive
            pending = exchange
        case .body(var piece):
            pending = nil  // let the reply's body be uniquely owned while it grows
            if exchange.reply.body.readableBytes == 0 { exchange.reply.body = piece } else { exchange.reply.body.writeBuffer(&piece) }
            pending = exchange
        case .end:
            pending = nil
            exchange.reply.elapsed = Self.duration(since: exchange.started)
            exchange.promise.succeed(Answer(reply: exchange.reply, closing: exchange.closing))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        // A body that runs to the close ends here; any other response was cut short.
        if let end = decoder.closed() { take(end) }
        fail(ViewerClientError(message: "the connection to \(context.remoteAddress?.description ?? "the edge") closed before the response ended"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    private func fail(_ error: any Error) {
        guard let exchange = pending else { return }
        pending = nil
        exchange.promise.fail(error)
    }

    /// Closes the connection at `deadline` if the request in flight then is older than the
    /// response timeout; a newer one re-arms it for its own deadline, and with none in flight
    /// the watchdog stops until the next request.
    private func watch(until deadline: NIODeadline, on context: ChannelHandlerContext) {
        watching = true
        context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            watching = false
            guard let exchange = pending, let responseTimeout, !closed else { return }
            let due = exchange.started + responseTimeout
            if due <= .now() {
                context.close(promise: nil)
            } else {
                watch(until: due, on: context)
            }
        }
    }

    private static func duration(since start: NIODeadline) -> Duration {
        .nanoseconds((NIODeadline.now() - start).nanoseconds)
    }
}
