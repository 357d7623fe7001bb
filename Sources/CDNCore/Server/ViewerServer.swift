import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle
import Topology

/// The edge's viewer listeners: a lean HTTP/1.1 server on SwiftNIO's parser, with the link
/// shaper for each viewer's emulated link, CloudFront's size limits, and a responder that runs
/// on the connection's own event loop (see ``ViewerConnectionHandler``); beside it, the same
/// over TLS, with HTTP/2 where ALPN agrees on it.
///
/// TLS sits behind the link shaper, so a handshake's flights cross the viewer's emulated link
/// like any other bytes: a new HTTPS connection pays its handshake's round trips for real.
///
/// A cache hit costs one parse, one responder call and one write on the loop that read it:
/// no async stream between the channel and a request task, no hop to Swift's global pool.
public struct ViewerServer: Service {
    /// The listener's settings.
    public struct Settings: Sendable {
        /// The address to listen on.
        public var host: String
        /// The port, 0 for an ephemeral one.
        public var port: Int
        /// The `Server` field of every response.
        public var serverName: String
        /// How long a connection may sit with no request before it is closed, and how long a
        /// request's body may stop arriving before it gets 408.
        public var idleTimeout: Duration
        /// How long a request head may take from its first bytes to its last before it gets 408.
        public var headTimeout: Duration
        /// The HTTPS listener's port (0 for an ephemeral one) and certificates; `nil` for none.
        public var https: (port: Int, tls: ViewerTLS)?
        /// Called for each TLS connection that ends before its handshake finishes.
        public var onHandshakeFailure: @Sendable () -> Void

        /// Creates settings.
        public init(
            host: String,
            port: Int,
            serverName: String,
            idleTimeout: Duration = .seconds(60),
            headTimeout: Duration = .seconds(20),
            https: (port: Int, tls: ViewerTLS)? = nil,
            onHandshakeFailure: @escaping @Sendable () -> Void = {}
        ) {
            self.onHandshakeFailure = onHandshakeFailure
            self.host = host
            self.port = port
            self.serverName = serverName
            self.idleTimeout = idleTimeout
            self.headTimeout = headTimeout
            self.https = https
        }
    }

    /// The ports the listeners are bound to.
    public struct Ports: Sendable {
        /// Plain HTTP's.
        public var http: Int
        /// HTTPS's, when it listens.
        public var https: Int?
    }

    /// How long shutdown waits for connections to finish the response they are writing.
    static let drainTime = Duration.seconds(5)

    private let settings: Settings
    private let responder: any ViewerResponder
    private let shape: LinkShape.Lookup
    private let onRunning: @Sendable (Ports) async -> Void
    private let logger: Logger
    private let group: any EventLoopGroup

    /// Creates the listener.
    /// - Parameters:
    ///   - settings: Where it listens and how.
    ///   - responder: What answers each request.
    ///   - shape: The link shape of each connection, by the peer's address.
    ///   - group: The event loops it runs on.
    ///   - logger: The node's logger.
    ///   - onRunning: Called with the bound ports, once every listener is bound.
    public init(
        _ settings: Settings,
        responder: any ViewerResponder,
        shape: @escaping LinkShape.Lookup,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        onRunning: @escaping @Sendable (Ports) async -> Void
    ) {
        self.settings = settings
        self.responder = responder
        self.shape = shape
        self.group = group
        self.logger = logger
        self.onRunning = onRunning
    }

    public func run() async throws {
        let quiesce = ServerQuiescingHelper(group: group)
        let pipeline = ViewerPipeline(
            responder: responder,
            executors: EventLoopTaskExecutors(group: group),
            serverName: settings.serverName,
            idle: .nanoseconds(settings.idleTimeout.nanoseconds),
            headTimeout: .nanoseconds(settings.headTimeout.nanoseconds),
            shape: shape,
            logger: logger,
            onHandshakeFailure: settings.onHandshakeFailure
        )
        let channel = try await bind(port: settings.port, quiesce: quiesce) { try pipeline.configurePlain($0) }
        var secure: (any Channel)?
        if let https = settings.https {
            secure = try await bind(port: https.port, quiesce: quiesce) { try pipeline.configureSecure($0, tls: https.tls) }
        }
        let ports = Ports(http: channel.localAddress?.port ?? 0, https: secure.map { $0.localAddress?.port ?? 0 })
        logger.info("viewer listener on \(settings.host):\(ports.http)\(ports.https.map { ", HTTPS on \($0)" } ?? "")")
        await onRunning(ports)
        try? await gracefulShutdown()
        // Stop accepting, let each connection finish the response it is writing, then go.
        let drained = group.next().makePromise(of: Void.self)
        quiesce.initiateShutdown(promise: drained)
        try? await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await drained.futureResult.get() }
            tasks.addTask { try await Task.sleep(for: Self.drainTime) }
            _ = try await tasks.next()
            tasks.cancelAll()
        }
    }

    /// Binds one listener whose connections `configure` sets up.
    private func bind(
        port: Int,
        quiesce: ServerQuiescingHelper,
        configure: @escaping @Sendable (any Channel) throws -> Void
    ) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in channel.eventLoop.makeCompletedFuture { try configure(channel) } }
            .bind(host: settings.host, port: port)
            .get()
    }
}
