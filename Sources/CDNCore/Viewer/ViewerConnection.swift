import NIOCore
import NIOHTTP1
import NIOPosix
import Topology

/// A keep-alive HTTP/1.1 connection from a viewer location: it binds the viewer's loopback
/// source address (so the edge applies that location's link) and carries one request after
/// another, as a browser's connection does. The first request pays the handshake; later ones
/// pay only the round trip.
///
/// A request is one write and one response read by a handler on the connection's event loop
/// (``ViewerExchangeHandler``), which also times it there; a caller whose task prefers that
/// loop's executor (``EventLoopTaskExecutors``) awaits it without changing threads.
///
/// ```swift
/// try await ViewerConnection.open(port: edge.port, from: "127.0.1.1") { connection in
///     let reply = try await connection.send(path: "/", hostHeader: "d1.cloudfront.net")
/// }
/// ```
public struct ViewerConnection: ~Copyable {
    private let channel: ViewerChannel
    /// Whether the server asked to close, so the connection cannot carry another request.
    public private(set) var isClosing = false

    /// Opens a connection, runs the body with it, and closes it.
    /// - Parameters:
    ///   - host: The edge's address.
    ///   - port: The edge's port.
    ///   - source: The viewer's source address; `nil` to let the system pick.
    ///   - responseTimeout: How long a response may take before the connection is closed (and
    ///     the request fails); `nil` waits as long as it takes.
    ///   - eventLoop: The loop the connection runs on (by default one of NIO's shared loops): a
    ///     caller whose task prefers that loop's executor then shares its thread.
    ///   - tls: How to speak TLS, for HTTPS; `nil` for plain HTTP.
    ///   - body: What to do with the connection.
    /// - Throws: When the connection cannot be made, or what the body throws.
    public static func open<Result: Sendable>(
        host: String = "127.0.0.1",
        port: Int,
        from source: String?,
        responseTimeout: Duration? = nil,
        eventLoop: (any EventLoop)? = nil,
        tls: ViewerTLSClient? = nil,
        _ body: (inout ViewerConnection) async throws -> Result
    ) async throws -> Result {
        let channel = try await ViewerChannel.connect(
            host: host,
            port: port,
            from: source,
            responseTimeout: responseTimeout,
            eventLoop: eventLoop,
            tls: tls
        )
        var connection = ViewerConnection(channel: channel)
        do {
            let result = try await body(&connection)
            await channel.close()
            return result
        } catch {
            await channel.close()
            throw error
        }
    }

    private init(channel: ViewerChannel) { self.channel = channel }

    /// What opening the connection took.
    public var setup: ConnectionSetup { channel.setup }

    /// Sends one request and reads its whole response.
    /// - Parameters:
    ///   - method: The method.
    ///   - path: The path and query.
    ///   - hostHeader: The `Host` to send (the distribution's domain).
    ///   - headers: Extra header fields.
    ///   - body: The request body, if any.
    /// - Returns: The reply; `elapsed` runs from writing the request to the last byte.
    /// - Throws: When the connection breaks before the response ends.
    public mutating func send(
        method: HTTPMethod = .GET,
        path: String,
        hostHeader: String? = nil,
        headers: [(String, String)] = [],
        body: ByteBuffer? = nil
    ) async throws -> ViewerClient.Reply {
        do {
            let answer = try await channel.send(method: method, path: path, hostHeader: hostHeader, headers: headers, body: body)
            if answer.closing { isClosing = true }
            return answer.reply
        } catch {
            isClosing = true
            throw error
        }
    }
}

/// One keep-alive HTTP/1.1 connection, held by reference: ``ViewerConnection`` scopes one to a
/// body, and a caller that keeps connections between requests (the GeoDNS node's health
/// probes) holds it as long as it stays open.
///
/// A request is one write and one response read by a handler on the connection's event loop
/// (``ViewerExchangeHandler``), which also times it there.
public final class ViewerChannel: Sendable {
    private let channel: any Channel
    private let exchange: NIOLoopBound<ViewerExchangeHandler>
    private let authority: String
    /// What opening it took: the connect, and over HTTPS the handshake.
    public let setup: ConnectionSetup

    private init(channel: any Channel, exchange: NIOLoopBound<ViewerExchangeHandler>, authority: String, setup: ConnectionSetup) {
        self.channel = channel
        self.exchange = exchange
        self.authority = authority
        self.setup = setup
    }

    /// Opens a connection.
    /// - Parameters:
    ///   - host: The server's address.
    ///   - port: The server's port.
    ///   - source: The source address to bind; `nil` to let the system pick.
    ///   - responseTimeout: How long a response may take before the connection is closed (and
    ///     the request fails); `nil` waits as long as it takes.
    ///   - eventLoop: The loop the connection runs on (by default one of NIO's shared loops).
    ///   - connectTimeout: How long the connection may take (the TLS handshake included).
    ///   - tls: How to speak TLS, for HTTPS; `nil` for plain HTTP.
    /// - Throws: When the connection cannot be made, or its TLS handshake fails.
    public static func connect(
        host: String = "127.0.0.1",
        port: Int,
        from source: String?,
        responseTimeout: Duration? = nil,
        eventLoop: (any EventLoop)? = nil,
        connectTimeout: Duration = .seconds(10),
        tls: ViewerTLSClient? = nil
    ) async throws -> ViewerChannel {
        let deadline = responseTimeout.map { TimeAmount.nanoseconds($0.nanoseconds) }
        let loop = eventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
        let handshake = loop.makePromise(of: HandshakeWatcher.Instants.self)
        var bootstrap = ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.nanoseconds(connectTimeout.nanoseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(try tls.handler())
                        try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(done: handshake))
                    }
                    try channel.pipeline.syncOperations.addHandler(ViewerExchangeHandler(responseTimeout: deadline))
                }
            }
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let asked = ContinuousClock.now
        let channel: any Channel
        do { channel = try await bootstrap.connect(host: host, port: port).get() } catch {
            handshake.fail(error)
            throw error
        }
        let connected = ContinuousClock.now
        var setup = ConnectionSetup(connect: connected - asked, handshake: nil)
        if tls != nil {
            let timeout = loop.scheduleTask(in: .nanoseconds(connectTimeout.nanoseconds)) { channel.close(promise: nil) }
            defer { timeout.cancel() }
            let instants: HandshakeWatcher.Instants
            do { instants = try await handshake.futureResult.get() } catch {
                try? await channel.close()
                throw error
            }
            setup = ConnectionSetup(connect: instants.connected - asked, handshake: instants.secured - instants.connected)
        } else {
            handshake.succeed(HandshakeWatcher.Instants(connected: connected, secured: connected))
        }
        let exchange = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: ViewerExchangeHandler.self), eventLoop: channel.eventLoop)
        }.get()
        return ViewerChannel(channel: channel, exchange: exchange, authority: "\(host):\(port)", setup: setup)
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Sends one request and reads its whole response.
    /// - Returns: The reply (`elapsed` runs from writing the request to the last byte), and
    ///   whether the server is closing the connection after it.
    /// - Throws: When the connection breaks before the response ends.
    public func send(
        method: HTTPMethod = .GET,
        path: String,
        hostHeader: String? = nil,
        headers: [(String, String)] = [],
        body: ByteBuffer? = nil
    ) async throws -> (reply: ViewerClient.Reply, closing: Bool) {
        let request = try ViewerRequestBytes.make(
            method: method,
            path: path,
            host: hostHeader ?? authority,
            headers: headers,
            body: body,
            allocator: channel.allocator
        )
        let isHead = method == .HEAD
        let exchange = exchange
        // Timed from this call, not from when the loop runs the write: a new connection's
        // modelled handshake absorbs a late write, so time spent getting to the loop would
        // otherwise go uncounted.
        let called = NIODeadline.now()
        // A cancelled caller (a timeout racing the request) closes the connection, which
        // fails the request: a future's wait does not end on cancellation by itself.
        let channel = channel
        let answer = try await withTaskCancellationHandler {
            // A caller on the connection's loop (measure's connections are) writes at once; any
            // other crosses to the loop.
            if channel.eventLoop.inEventLoop { return try await exchange.value.send(request, isHead: isHead, calledAt: called).get() }
            return try await channel.eventLoop.flatSubmit { exchange.value.send(request, isHead: isHead, calledAt: called) }.get()
        } onCancel: {
            channel.close(promise: nil)
        }
        return (answer.reply, answer.closing)
    }

    /// Closes the connection.
    public func close() async {
        try? await channel.close()
    }
}
