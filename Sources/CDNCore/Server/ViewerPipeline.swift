import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOHTTP2
import NIOSSL
import NIOTLS

/// How a viewer connection's pipeline is put together, plain or over TLS:
///
/// - plain: link shaper → HTTP/1.1 parser (the edge's own, ``HTTP1RequestReader``) → idle timer → ``ViewerConnectionHandler``;
/// - TLS: link shaper → handshake timer → SNI (picks the distribution's certificate) → TLS →
///   ALPN → either the HTTP/1.1 stages above, or HTTP/2 with one ``ViewerConnectionHandler``
///   per stream.
struct ViewerPipeline: Sendable {
    /// How long a TLS handshake may take before the connection is closed.
    static let handshakeTimeout = TimeAmount.seconds(10)

    let responder: any ViewerResponder
    let executors: EventLoopTaskExecutors
    let serverName: String
    let idle: TimeAmount
    /// How long a request head may take to arrive, from its first bytes.
    let headTimeout: TimeAmount
    let shape: LinkShape.Lookup
    let logger: Logger
    /// Counts a TLS connection that ended before its handshake did (for `/metrics`).
    let onHandshakeFailure: @Sendable () -> Void
    let connections = ManagedAtomicCounter()

    /// A plain HTTP connection.
    func configurePlain(_ channel: any Channel) throws {
        try addShaper(channel)
        try addHTTP1(channel, scheme: .http)
    }

    /// An HTTPS connection: the certificate is chosen once the ClientHello's SNI is read, and
    /// the HTTP stages once ALPN has settled the protocol.
    func configureSecure(_ channel: any Channel, tls: ViewerTLS) throws {
        try addShaper(channel)
        let operations = channel.pipeline.syncOperations
        let guardian = TLSHandshakeGuard(timeout: Self.handshakeTimeout, logger: logger, onFailure: onHandshakeFailure)
        try operations.addHandler(guardian)
        let sni = SNIHandler { [self] result in
            channel.eventLoop.makeCompletedFuture {
                let name: String? = if case .hostname(let name) = result { name } else { nil }
                let operations = channel.pipeline.syncOperations
                try operations.addHandler(NIOSSLServerHandler(context: tls.context(serverName: name)))
                try operations.addHandler(
                    ApplicationProtocolNegotiationHandler { negotiated in
                        channel.eventLoop.makeCompletedFuture {
                            guardian.handshakeDone()
                            channel.pipeline.syncOperations.removeHandler(guardian, promise: nil)
                            if case .negotiated(ViewerTLS.http2) = negotiated { try addHTTP2(channel) } else { try addHTTP1(channel, scheme: .https) }
                        }
                    }
                )
            }
        }
        try operations.addHandler(ByteToMessageHandler(sni))
    }

    private func addShaper(_ channel: any Channel) throws {
        let link = shape(channel.remoteAddress)
        if !link.isNeutral { try channel.pipeline.syncOperations.addHandler(LinkShaperHandler(shape: link, seed: connections.next())) }
    }

    /// What a viewer's HTTP/1.1 connection speaks under: its requests' `:scheme`.
    private enum Scheme: String {
        case http
        case https
    }

    private func addHTTP1(_ channel: any Channel, scheme: Scheme) throws {
        let operations = channel.pipeline.syncOperations
        try operations.addHandler(HTTP1RequestReader(scheme: scheme.rawValue, headTimeout: headTimeout))
        try operations.addHandler(IdleStateHandler(readTimeout: idle))
        try operations.addHandler(connectionHandler(for: channel, framing: .http1))
    }

    /// HTTP/2: each stream is a child channel that reads and writes HTTP/1-style parts.
    private func addHTTP2(_ channel: any Channel) throws {
        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
        _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
            mode: .server,
            connectionConfiguration: .init(),
            streamConfiguration: .init()
        ) { [self] stream in
            stream.eventLoop.makeCompletedFuture {
                let operations = stream.pipeline.syncOperations
                try operations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try operations.addHandler(HTTP2RequestAdapter())
                try operations.addHandler(connectionHandler(for: stream, framing: .http2))
            }
        }
    }

    private func connectionHandler(for channel: any Channel, framing: ViewerConnectionHandler.Framing) -> ViewerConnectionHandler {
        ViewerConnectionHandler(
            responder: responder,
            executor: executors.executor(for: channel.eventLoop),
            serverName: serverName,
            framing: framing,
            logger: logger
        )
    }
}

/// Watches a TLS connection until its handshake is done: closes it when the handshake has not
/// finished in time (a client that opened the port and stalled, or sent half a ClientHello), and
/// logs a connection that ended before its handshake did (plain HTTP on the HTTPS port, a
/// garbage ClientHello, a client below the security policy's oldest version). The edge keeps
/// serving everyone else. ALPN's settling removes it.
final class TLSHandshakeGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let logger: Logger
    private let onFailure: @Sendable () -> Void
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger, onFailure: @escaping @Sendable () -> Void) {
        self.timeout = timeout
        self.logger = logger
        self.onFailure = onFailure
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let (logger, timeout) = (logger, timeout)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            logger.info("closed a viewer connection whose TLS handshake took longer than \(timeout.nanoseconds / 1_000_000_000) s")
            bound.value.close(promise: nil)
        }
    }

    /// The handshake finished: the guard's work is done, and it leaves the pipeline.
    func handshakeDone() {
        timer?.cancel()
        timer = nil
    }

    /// Torn down with the pipeline before the handshake finished: a failure. (A viewer link's
    /// shaper may still hold the connection's close when the pipeline goes, so the close is not
    /// the only sign.)
    func handlerRemoved(context: ChannelHandlerContext) {
        endedEarly(context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        endedEarly(context)
        context.fireChannelInactive()
    }

    private func endedEarly(_ context: ChannelHandlerContext) {
        guard let timer else { return }
        timer.cancel()
        self.timer = nil
        onFailure()
        logger.info("a viewer connection from \(context.channel.remoteAddress?.description ?? "?") ended before its TLS handshake finished")
    }
}
