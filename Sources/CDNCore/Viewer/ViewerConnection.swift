import NIOCore
import NIOHTTP1
import NIOPosix

/// A keep-alive HTTP/1.1 connection from a viewer location: it binds the viewer's loopback
/// source address (so the edge applies that location's link) and carries one request after
/// another, as a browser's connection does. The first request pays the handshake; later ones
/// pay only the round trip.
///
/// ```swift
/// try await ViewerConnection.open(port: edge.port, from: "127.0.1.1") { connection in
///     let reply = try await connection.send(path: "/", hostHeader: "d1.cloudfront.net")
/// }
/// ```
public struct ViewerConnection: ~Copyable {
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    private let authority: String
    /// Whether the server asked to close, so the connection cannot carry another request.
    public private(set) var isClosing = false

    /// Opens a connection, runs the body with it, and closes it.
    /// - Parameters:
    ///   - host: The edge's address.
    ///   - port: The edge's port.
    ///   - source: The viewer's source address; `nil` to let the system pick.
    ///   - responseTimeout: How long a response may take before the connection is closed (and
    ///     the request fails); `nil` waits as long as it takes.
    ///   - body: What to do with the connection.
    /// - Throws: When the connection cannot be made, or what the body throws.
    public static func open<Result: Sendable>(
        host: String = "127.0.0.1",
        port: Int,
        from source: String?,
        responseTimeout: Duration? = nil,
        _ body: (inout ViewerConnection) async throws -> Result
    ) async throws -> Result {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let channel = try await bootstrap.connect(host: host, port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                if let responseTimeout {
                    try channel.pipeline.syncOperations.addHandler(
                        ResponseDeadline(
                            limit: .nanoseconds(
                                Int64(responseTimeout.components.seconds) * 1_000_000_000
                                    + Int64(responseTimeout.components.attoseconds / 1_000_000_000)
                            )
                        )
                    )
                }
                return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
            }
        }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = ViewerConnection(inbound: inbound.makeAsyncIterator(), outbound: outbound, authority: "\(host):\(port)")
            return try await body(&connection)
        }
    }

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
        let started = ContinuousClock.now
        var fields = HTTPHeaders([("Host", hostHeader ?? authority), ("User-Agent", "edgesim-viewer")])
        fields.add(contentsOf: headers)
        if let body { fields.add(name: "Content-Length", value: "\(body.readableBytes)") }
        // One batch, so the request leaves in one flush: written part by part, a server that
        // answers the head at once and closes (as `Connection: close` asks) could close the
        // channel before the end was written, and a response already on its way would be lost.
        var parts: [HTTPClientRequestPart] = [.head(HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: fields))]
        if let body { parts.append(.body(.byteBuffer(body))) }
        parts.append(.end(nil))
        try await outbound.write(contentsOf: parts)
        var reply = ViewerClient.Reply(status: 0, headers: [:], body: ByteBuffer(), elapsed: .zero, timeToFirstByte: .zero)
        while let part = try await inbound.next() {
            switch part {
            case .head(let head):
                reply.status = Int(head.status.code)
                reply.headers = head.headers
                reply.timeToFirstByte = .now - started
                if !head.isKeepAlive { isClosing = true }
            case .body(var buffer):
                reply.body.writeBuffer(&buffer)
            case .end:
                reply.elapsed = .now - started
                return reply
            }
        }
        isClosing = true
        throw ViewerClientError(message: "the connection to \(authority) closed before the response ended")
    }
}

/// Closes a connection whose response does not end within a limit of its request: a hung
/// server then costs one failed request, not a stuck client.
final class ResponseDeadline: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias InboundOut = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private let limit: TimeAmount
    private var timer: Scheduled<Void>?

    init(limit: TimeAmount) { self.limit = limit }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head = unwrapOutboundIn(data) {
            timer?.cancel()
            let channel = context.channel
            timer = context.eventLoop.scheduleTask(in: limit) { channel.close(promise: nil) }
        }
        context.write(data, promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }
}
