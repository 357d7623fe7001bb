import HummingbirdCore
import NIOCore

extension HTTPServerBuilder {
    /// Hummingbird's HTTP/1.1 server with CloudFront's request-size limits in front of the
    /// responder (``RequestSizeGuard``): a hub's and the registry's traffic listener. The edge's
    /// viewers, whose links are emulated, have a listener of their own (``ViewerServer``).
    public static func sizeGuardedHTTP1() -> HTTPServerBuilder {
        .http1(configuration: .sizeGuarded)
    }
}

extension HTTP1Channel.Configuration {
    /// CloudFront's request-size limits in front of the responder, and a 60 s idle timeout.
    public static var sizeGuarded: Self {
        var configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestSizeGuard()],
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: RequestSizeGuard.decoderLimit,
                maxHeaderListSize: RequestSizeGuard.decoderLimit
            )
        )
        configuration.idleTimeout = .seconds(60)
        return configuration
    }
}
