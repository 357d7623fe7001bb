import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 child channel with two handlers in front of it: the link shaper for
/// the peer that connected (chosen by its address, so a viewer's source address carries its
/// location) and CloudFront's request-size limit.
///
/// Use it through ``HTTPServerBuilder/shapedHTTP1(shape:)``.
public struct ShapedHTTP1Channel: ServerChildChannel {
    public typealias Value = HTTP1Channel.Value

    /// Picks the link shape for a connection from the peer's address.
    public typealias ShapeLookup = @Sendable (SocketAddress?) -> LinkShape

    let inner: HTTP1Channel
    let shape: ShapeLookup
    private let connections = ManagedAtomicCounter()

    /// Wraps an HTTP/1.1 channel.
    public init(inner: HTTP1Channel, shape: @escaping ShapeLookup) {
        self.inner = inner
        self.shape = shape
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let shape = shape(channel.remoteAddress)
        let seed = connections.next()
        return channel.eventLoop.makeCompletedFuture {
            if !shape.isNeutral {
                try channel.pipeline.syncOperations.addHandler(LinkShaperHandler(shape: shape, seed: seed))
            }
        }.flatMap {
            inner.setup(channel: channel, logger: logger)
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// An HTTP/1.1 server whose connections cross emulated links and obey CloudFront's size limits.
    /// - Parameter shape: The link shape for each connection, by the peer's address.
    public static func shapedHTTP1(shape: @escaping ShapedHTTP1Channel.ShapeLookup) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            var configuration = HTTP1Channel.Configuration(
                additionalChannelHandlers: [RequestSizeGuard()],
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: RequestSizeGuard.decoderLimit,
                    maxHeaderListSize: RequestSizeGuard.decoderLimit
                )
            )
            configuration.idleTimeout = .seconds(60)
            return ShapedHTTP1Channel(inner: HTTP1Channel(responder: responder, configuration: configuration), shape: shape)
        }
    }
}
