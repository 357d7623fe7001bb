import NIOCore
import NIOSSL
import NIOTLS

/// How a viewer speaks TLS to an edge: a client context that trusts the network's CA (and the
/// system's roots), and the name sent as SNI and verified in the edge's certificate.
public struct ViewerTLSClient: Sendable {
    let context: NIOSSLContext
    /// The SNI name, and the name the certificate must carry (the distribution's domain).
    public let serverName: String

    /// A client that trusts a CA file.
    /// - Parameters:
    ///   - certificateAuthority: The network's CA (`STATE/tls/ca.pem`).
    ///   - serverName: The distribution's domain.
    ///   - maximumVersion: The newest TLS version to offer (TLS 1.2, to measure its handshake).
    /// - Throws: When the CA file cannot be read.
    public init(certificateAuthority: String, serverName: String, maximumVersion: TLSVersion? = nil) throws {
        var configuration = TLSConfiguration.client(trusting: certificateAuthority)
        configuration.maximumTLSVersion = maximumVersion
        configuration.applicationProtocols = ["http/1.1"]
        context = try NIOSSLContext(configuration: configuration)
        self.serverName = serverName
    }

    /// The handler for a new connection.
    func handler() throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: context, serverHostname: serverName)
    }
}

/// What opening one connection took, as the viewer saw it: the TCP connect, then the TLS
/// handshake. On an emulated link the kernel's loopback handshake is instant, and the link's
/// modelled TCP round trip is paid by the first bytes sent, so over HTTPS it shows in the
/// handshake's time, and over HTTP in the first request's.
public struct ConnectionSetup: Sendable, Equatable {
    /// From asking to connect to the socket being connected.
    public var connect: Duration
    /// From connected to the TLS handshake done; `nil` over plain HTTP.
    public var handshake: Duration?
}

/// Completes a promise when the TLS handshake is done (or fails with the connection), with the
/// instants the socket connected and the handshake finished, both read on the channel's event
/// loop: timed after an `await`, a busy machine's scheduling delay would be counted as connect
/// time and taken from the handshake's.
final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// When the socket connected, and when the handshake finished.
    struct Instants {
        let connected: ContinuousClock.Instant
        let secured: ContinuousClock.Instant
    }

    let done: EventLoopPromise<Instants>
    private var connected: ContinuousClock.Instant?
    private var completed = false

    init(done: EventLoopPromise<Instants>) { self.done = done }

    func channelActive(context: ChannelHandlerContext) {
        connected = .now
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event, !completed {
            completed = true
            let secured = ContinuousClock.now
            done.succeed(Instants(connected: connected ?? secured, secured: secured))
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(ViewerClientError(message: "the connection closed during the TLS handshake"))
        context.fireChannelInactive()
    }

    private func finish(_ error: any Error) {
        guard !completed else { return }
        completed = true
        done.fail(error)
    }
}
