import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Topology

/// One emulated link between two nodes, as a local TCP forwarder: the node's upstream client
/// connects to ``port`` on loopback, and every byte to and from the real upstream crosses a
/// ``LinkShaperHandler`` on the way.
///
/// Because the shaping happens per TCP connection, keep-alive behaves as it does in a real CDN:
/// a new connection pays the handshake round trip; a warm pooled one does not. Any protocol can
/// cross it, so replication streams feel the same geography as HTTP.
///
/// ```swift
/// let link = try await LinkForwarder.bind(to: hubAddress, shape: LinkShape(profile), logger: logger)
/// // send requests for the hub to 127.0.0.1:link.port
/// ```
public final class LinkForwarder: Service {
    /// The local port the node connects to.
    public let port: Int
    /// Where the bytes go.
    public let target: SocketAddress
    private let listener: any Channel
    private let faults: LinkFaults
    private let logger: Logger

    private init(port: Int, target: SocketAddress, listener: any Channel, faults: LinkFaults, logger: Logger) {
        self.port = port
        self.target = target
        self.listener = listener
        self.faults = faults
        self.logger = logger
    }

    /// Cuts the link for a while, as a network partition: open connections are reset and new
    /// ones are closed at once until the time is up.
    public func partition(for duration: Duration) {
        logger.warning("link to \(target) partitioned for \(duration.inMilliseconds / 1000) s")
        faults.cut(for: duration)
    }

    /// Makes the link worse for a while (a congested or failing path): every byte that crosses
    /// it meanwhile, on open connections and new ones, feels the degraded shape.
    public func degrade(_ degradation: LinkDegradation, for duration: Duration) {
        logger.warning(
            "link to \(target) degraded (latency ×\(degradation.latencyFactor), loss \(degradation.loss * 100) %) for \(duration.inMilliseconds / 1000) s"
        )
        faults.degrade(degradation, for: duration)
    }

    /// Starts forwarding.
    /// - Parameters:
    ///   - target: The upstream's address.
    ///   - shape: The link's behaviour.
    ///   - host: The loopback address to listen on.
    ///   - seed: The seed of the link's jitter and loss draws.
    ///   - connectTimeout: How long a connection to the upstream may take (an origin's
    ///     `connection_timeout`); past it the viewer's side is closed.
    ///   - logger: Where connection failures are logged.
    /// - Returns: The forwarder, listening.
    /// - Throws: When it cannot bind.
    public static func bind(
        to target: SocketAddress,
        shape: LinkShape,
        host: String = "127.0.0.1",
        seed: UInt64 = 1,
        connectTimeout: Duration = .seconds(5),
        logger: Logger
    ) async throws -> LinkForwarder {
        let connections = ManagedAtomicCounter()
        let faults = LinkFaults()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                guard faults.admit(inbound) else {
                    inbound.close(promise: nil)
                    return inbound.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
                }
                let connectionSeed = seed &+ connections.next()
                return ClientBootstrap(group: inbound.eventLoop)
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .connectTimeout(.nanoseconds(connectTimeout.nanoseconds))
                    .connect(to: target)
                    .flatMapThrowing { outbound in
                        let (inboundGlue, outboundGlue) = GlueHandler.pair()
                        try outbound.pipeline.syncOperations.addHandler(outboundGlue)
                        // A neutral link gets no shaper (emulation off costs nothing), unless it is
                        // degraded as the connection opens.
                        if !shape.isNeutral || faults.isDegraded {
                            try inbound.pipeline.syncOperations.addHandler(
                                LinkShaperHandler(shape: shape, seed: connectionSeed, faults: faults)
                            )
                        }
                        try inbound.pipeline.syncOperations.addHandler(inboundGlue)
                        inbound.setOption(.autoRead, value: true).whenComplete { _ in }
                    }
                    .flatMapErrorThrowing { error in
                        logger.debug("link to \(target) refused a connection: \(error)")
                        inbound.close(promise: nil)
                        throw error
                    }
            }
            .bind(host: host, port: 0)
            .get()
        return LinkForwarder(port: listener.localAddress?.port ?? 0, target: target, listener: listener, faults: faults, logger: logger)
    }

    /// Runs until graceful shutdown, then stops listening.
    public func run() async throws {
        try? await gracefulShutdown()
        try? await close()
    }

    /// Stops listening; connections already open finish on their own.
    public func close() async throws {
        try await listener.close()
    }
}

/// A counter safe to bump from any event loop.
final class ManagedAtomicCounter: Sendable {
    private let value = Mutex<UInt64>(0)

    func next() -> UInt64 {
        value.withLock {
            $0 &+= 1
            return $0
        }
    }
}
