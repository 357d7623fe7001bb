import NIOCore

/// The first HTTP stage of a viewer's HTTP/1.1 connection: it runs ``HTTP1RequestDecoder`` over
/// the bytes as they arrive and passes each ``ViewerRequestPart`` on. Bytes that do not yet make
/// a part are kept for the next read; the usual read, one whole request, is parsed in place.
///
/// A handler of its own rather than NIO's `ByteToMessageHandler`, whose buffer bookkeeping was a
/// twentieth of a cache hit's instructions, and which the decoder needs none of. After a
/// malformed request it reads nothing more: the connection handler answers 400 and closes.
///
/// A request head must arrive whole within ``headTimeout`` of its first bytes: a client that
/// sends a head a byte at a time (slowloris) would otherwise hold the connection forever, each
/// byte resetting the idle timer. Past it, ``RequestHeadTimedOut`` goes to the connection
/// handler, which answers 408 and closes.
final class HTTP1RequestReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ViewerRequestPart

    private var decoder: HTTP1RequestDecoder
    /// What arrived but is not yet a whole part.
    private var kept: ByteBuffer?
    private var failed = false
    private let headTimeout: TimeAmount
    /// Fires when a head begun has not ended in time.
    private var headDeadline: Scheduled<Void>?

    /// - Parameters:
    ///   - scheme: `http` or `https`, for the requests' `:scheme`.
    ///   - headTimeout: How long a request head may take from its first bytes to its last.
    init(scheme: String, headTimeout: TimeAmount = .seconds(20)) {
        decoder = HTTP1RequestDecoder(scheme: scheme)
        self.headTimeout = headTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var buffer = unwrapInboundIn(data)
        if var earlier = kept {
            kept = nil
            earlier.writeBuffer(&buffer)
            buffer = earlier
        }
        do {
            while let part = try decoder.next(&buffer) {
                if case .head = part, let deadline = headDeadline {
                    deadline.cancel()
                    headDeadline = nil
                }
                context.fireChannelRead(wrapInboundOut(part))
            }
        } catch {
            failed = true
            return context.fireErrorCaught(error)
        }
        if buffer.readableBytes > 0 {
            buffer.discardReadBytes()
            kept = buffer
            if decoder.awaitingHead, headDeadline == nil { startHeadClock(context) }
        }
    }

    private func startHeadClock(_ context: ChannelHandlerContext) {
        headDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: headTimeout) { [self] in
            headDeadline = nil
            guard !failed, decoder.awaitingHead, kept != nil else { return }
            failed = true
            kept = nil
            context.fireUserInboundEventTriggered(RequestHeadTimedOut(limit: headTimeout))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A request cut short is dropped: there is no one to answer.
        kept = nil
        headDeadline?.cancel()
        headDeadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        headDeadline?.cancel()
        headDeadline = nil
    }
}

/// A request head began but did not end within the reader's time: the viewer is too slow (or
/// holding the connection on purpose), and gets 408.
struct RequestHeadTimedOut: Sendable {
    /// The time it had.
    var limit: TimeAmount
}
