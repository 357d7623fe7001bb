import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The edge's viewer listener: a lean HTTP/1.1 server on SwiftNIO's parser, with the link
/// shaper for each viewer's emulated link, CloudFront's size limits, and a responder that runs
/// on the connection's own event loop (see ``ViewerConnectionHandler``).
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
        /// How long a connection may sit with no request before it is closed.
        public var idleTimeout: Duration

        /// Creates settings.
        public init(host: String, port: Int, serverName: String, idleTimeout: Duration = .seconds(60)) {
            self.host = host
            self.port = port
            self.serverName = serverName
            self.idleTimeout = idleTimeout
        }
    }

    /// How long shutdown waits for connections to finish the response they are writing.
    static let drainTime = Duration.seconds(5)

    private let settings: Settings
    private let responder: any ViewerResponder
    private let shape: LinkShape.Lookup
    private let onRunning: @Sendable (_ port: Int) async -> Void
    private let logger: Logger
    private let group: any EventLoopGroup

    /// Creates the listener.
    /// - Parameters:
    ///   - settings: Where it listens and how.
    ///   - responder: What answers each request.
    ///   - shape: The link shape of each connection, by the peer's address.
    ///   - group: The event loops it runs on.
    ///   - logger: The node's logger.
    ///   - onRunning: Called with the bound port.
    public init(
        _ settings: Settings,
        responder: any ViewerResponder,
        shape: @escaping LinkShape.Lookup,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        onRunning: @escaping @Sendable (_ port: Int) async -> Void
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
        let executors = EventLoopTaskExecutors(group: group)
        let (settings, responder, shape, logger) = (settings, responder, shape, logger)
        let connections = ManagedAtomicCounter()
        let idle = TimeAmount.seconds(settings.idleTimeout.components.seconds)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    let link = shape(channel.remoteAddress)
                    if !link.isNeutral { try operations.addHandler(LinkShaperHandler(shape: link, seed: connections.next())) }
                    var limits = NIOHTTPDecoderLimitConfiguration()
                    limits.maxHeaderFieldSize = RequestSizeGuard.decoderLimit
                    limits.maxHeaderListSize = RequestSizeGuard.decoderLimit
                    try operations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: limits)))
                    try operations.addHandler(IdleStateHandler(readTimeout: idle))
                    try operations.addHandler(
                        ViewerConnectionHandler(
                            responder: responder,
                            executor: executors.executor(for: channel.eventLoop),
                            serverName: settings.serverName,
                            logger: logger
                        )
                    )
                }
            }
            .bind(host: settings.host, port: settings.port)
            .get()
        logger.info("viewer listener on \(settings.host):\(channel.localAddress?.port ?? 0)")
        await onRunning(channel.localAddress?.port ?? 0)
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
}
