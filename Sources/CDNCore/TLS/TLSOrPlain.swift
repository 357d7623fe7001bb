import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1
import NIOSSL

/// One listener that serves HTTPS and plain HTTP on the same port, as the built-in origin does:
/// a connection whose first byte opens a TLS record (a ClientHello) gets TLS in front of the
/// HTTP stages, any other is served as it is. S3's REST endpoints answer both schemes, and
/// CloudFront speaks to them in the viewer's own; one port keeps every node's link to the origin
/// (and the launcher's one address for it) as it was.
public enum TLSOrPlain {
    /// Hummingbird's HTTP/1.1 server with that choice made per connection.
    /// - Parameters:
    ///   - configuration: The HTTP/1.1 channel's configuration.
    ///   - tls: The server TLS configuration (the origin's certificate).
    public static func http1(configuration: HTTP1Channel.Configuration = .init(), tls: TLSConfiguration) throws -> HTTPServerBuilder {
        let context = try NIOSSLContext(configuration: tls)
        return HTTPServerBuilder { responder in
            Channel(base: HTTP1Channel(responder: responder, configuration: configuration), context: context)
        }
    }

    /// The child channel: the sniffer first, then the HTTP/1.1 stages.
    struct Channel<Base: ServerChildChannel>: ServerChildChannel {
        typealias Value = Base.Value
        let base: Base
        let context: NIOSSLContext

        func setup(channel: any NIOCore.Channel, logger: Logger) -> EventLoopFuture<Value> {
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(Sniffer(context: context)))
            }.flatMap {
                base.setup(channel: channel, logger: logger)
            }
        }

        func handle(value: Value, logger: Logger) async {
            await base.handle(value: value, logger: logger)
        }
    }

    /// Looks at a connection's first byte: 22 is a TLS handshake record. It then adds TLS after
    /// itself (or nothing) and leaves, handing on what it read. Over TLS it also puts a secure
    /// codec in place of Hummingbird's plain one, so each request's scheme says `https`.
    final class Sniffer: ByteToMessageDecoder {
        typealias InboundOut = ByteBuffer
        /// The TLS record type of a handshake (RFC 8446 §5.1).
        static let handshake: UInt8 = 22

        private let context: NIOSSLContext
        private var decided = false

        init(context: NIOSSLContext) { self.context = context }

        func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
            guard !decided, let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return .needMoreData }
            decided = true
            if first == Self.handshake {
                let operations = context.pipeline.syncOperations
                try operations.addHandler(NIOSSLServerHandler(context: self.context), position: .after(context.handler))
                if let plain = try? operations.handler(type: HTTP1ToHTTPServerCodec.self) {
                    try operations.addHandler(HTTP1ToHTTPServerCodec(secure: true), position: .after(plain))
                    operations.removeHandler(plain, promise: nil)
                }
            }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return .needMoreData
        }

        /// Hands on what it read when it leaves, with the read's end: the read's own end passed
        /// before the sniffer left, and the HTTP stages deliver a request only at one.
        func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
            guard buffer.readableBytes > 0 else { return .needMoreData }
            context.fireChannelRead(NIOAny(buffer))
            context.fireChannelReadComplete()
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
    }
}
