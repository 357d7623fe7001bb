import NIOCore

/// The first HTTP stage of a viewer's HTTP/1.1 connection: it runs ``HTTP1RequestDecoder`` over
/// the bytes as they arrive and passes each ``ViewerRequestPart`` on. Bytes that do not yet make
/// a part are kept for the next read; the usual read, one whole request, is parsed in place.
///
/// A handler of its own rather than NIO's `ByteToMessageHandler`, whose buffer bookkeeping was a
/// twentieth of a cache hit's instructions, and which the decoder needs none of. After a
/// malformed request it reads nothing more: the connection handler answers 400 and closes.
final class HTTP1RequestReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ViewerRequestPart

    private var decoder: HTTP1RequestDecoder
    /// What arrived but is not yet a whole part.
    private var kept: ByteBuffer?
    private var failed = false

    /// - Parameter scheme: `http` or `https`, for the requests' `:scheme`.
    init(scheme: String) { decoder = HTTP1RequestDecoder(scheme: scheme) }

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
                context.fireChannelRead(wrapInboundOut(part))
            }
        } catch {
            failed = true
            return context.fireErrorCaught(error)
        }
        if buffer.readableBytes > 0 {
            buffer.discardReadBytes()
            kept = buffer
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A request cut short is dropped: there is no one to answer.
        kept = nil
        context.fireChannelInactive()
    }
}
