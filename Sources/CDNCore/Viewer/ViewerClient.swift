import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 client that speaks *as a viewer location*: it binds the viewer's loopback source
/// address, so the edge applies that location's link — what `curl --interface ADDRESS` does.
///
/// Each request opens a new connection, as a first visit does, so it pays the handshake.
///
/// ```swift
/// let reply = try await ViewerClient.get(port: edge.port, path: "/", from: "127.0.1.1", host: "d1.cloudfront.net")
/// print(reply.status, reply.header("X-Cache") ?? "", reply.elapsed)
/// ```
public enum ViewerClient {
    /// What came back.
    public struct Reply: Sendable {
        /// The status code.
        public var status: Int
        /// The header fields as they arrived, read by name when asked.
        public var fields: ReceivedFields
        /// The body.
        public var body: ByteBuffer
        /// From starting to connect to the last byte.
        public var elapsed: Duration
        /// From starting to connect to the response head.
        public var timeToFirstByte: Duration

        /// The first value of a header field.
        public func header(_ name: String) -> String? { fields.first(name) }

        /// Every header field, in order.
        public var headers: HTTPHeaders { fields.headers }
    }

    /// Sends one GET (or another method) from a viewer's address.
    /// - Parameters:
    ///   - method: The method.
    ///   - host: The edge's address.
    ///   - port: The edge's port.
    ///   - path: The path and query.
    ///   - source: The viewer's source address; `nil` to let the system pick.
    ///   - hostHeader: The `Host` to send (the distribution's domain).
    ///   - headers: Extra header fields.
    ///   - body: The request body, if any.
    ///   - timeout: How long to wait for the whole response.
    /// - Returns: The reply.
    /// - Throws: When the connection fails or the timeout passes.
    public static func get(
        method: HTTPMethod = .GET,
        host: String = "127.0.0.1",
        port: Int,
        path: String,
        from source: String?,
        hostHeader: String? = nil,
        headers: [(String, String)] = [],
        body: ByteBuffer? = nil,
        timeout: Duration = .seconds(30),
        tls: ViewerTLSClient? = nil
    ) async throws -> Reply {
        try await withThrowingTaskGroup(of: Reply.self) { group in
            group.addTask {
                try await exchange(
                    method: method,
                    host: host,
                    port: port,
                    path: path,
                    source: source,
                    hostHeader: hostHeader,
                    headers: headers,
                    body: body,
                    tls: tls
                )
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw ViewerClientError(message: "no response from \(host):\(port)\(path) within \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// One request on a connection of its own, timed from the start of the connect.
    private static func exchange(
        method: HTTPMethod,
        host: String,
        port: Int,
        path: String,
        source: String?,
        hostHeader: String?,
        headers: [(String, String)],
        body: ByteBuffer?,
        tls: ViewerTLSClient?
    ) async throws -> Reply {
        let started = ContinuousClock.now
        return try await ViewerConnection.open(host: host, port: port, from: source, tls: tls) { connection in
            let connected = ContinuousClock.now
            var reply = try await connection.send(
                method: method,
                path: path,
                hostHeader: hostHeader,
                headers: [("Connection", "close")] + headers,
                body: body
            )
            reply.elapsed += connected - started
            reply.timeToFirstByte += connected - started
            return reply
        }
    }
}

/// A viewer request that got no complete response.
public struct ViewerClientError: Error, CustomStringConvertible {
    /// What happened.
    public var message: String
    public var description: String { message }
}
