import AsyncHTTPClient
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import Topology

/// The HTTP client a node uses for its upstream (an edge to its hub or an origin, a hub to
/// origins): a pool of keep-alive connections that fails fast, so a dead upstream becomes
/// CloudFront's 502 at once instead of a hang.
///
/// Requests go to a ``LinkForwarder`` port, so each carries the link's modelled latency.
///
/// It is a service: list it before the listener that uses it, so it closes after that listener.
public final class UpstreamClient: Service {
    /// The defaults, in one place.
    public enum Default {
        /// CloudFront's default origin connection timeout is 10 s; local sockets answer at once.
        public static let connectTimeout = TimeAmount.seconds(10)
        /// CloudFront's default origin response timeout.
        public static let readTimeout = TimeAmount.seconds(30)
        /// The largest response body a node buffers (and caches).
        public static let maximumBody = 64 << 20
    }

    private let client: HTTPClient
    /// One pool per oldest TLS version offered (an origin's `OriginSslProtocols`), by TLS's
    /// minor version; the plain pool offers TLS 1.2 and newer.
    private let tlsClients: [Int: HTTPClient]
    private let maximumBody: Int

    /// Creates a client with its own connection pools.
    /// - Parameters:
    ///   - maximumBody: The largest body it collects.
    ///   - tlsServerNames: The names of the origins it speaks HTTPS to: each resolves to the
    ///     local forwarder that carries its link, and is the SNI sent and the name verified.
    ///   - certificateAuthority: The network's CA, trusted beside the system's roots.
    ///   - oldestTLSVersions: The oldest TLS versions (minor versions: 0 for TLS 1.0) that some
    ///     origin accepts, each with a pool of its own.
    public init(
        maximumBody: Int = Default.maximumBody,
        tlsServerNames: [String] = [],
        certificateAuthority: String? = nil,
        oldestTLSVersions: Set<Int> = []
    ) {
        func pool(oldestTLS minor: Int) -> HTTPClient {
            var configuration = Self.configuration(tlsServerNames: tlsServerNames, certificateAuthority: certificateAuthority)
            configuration.tlsConfiguration?.minimumTLSVersion = TLSVersion(minor: minor)
            return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        }
        client = pool(oldestTLS: 2)
        tlsClients = Dictionary(uniqueKeysWithValues: oldestTLSVersions.subtracting([2]).map { ($0, pool(oldestTLS: $0)) })
        self.maximumBody = maximumBody
    }

    private static func configuration(tlsServerNames: [String], certificateAuthority: String?) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        // CloudFront speaks HTTP/1.1 to origins, over TLS too.
        configuration.httpVersion = .http1Only
        configuration.tlsConfiguration = .client(trusting: certificateAuthority)
        configuration.dnsOverride = Dictionary(tlsServerNames.map { ($0, "127.0.0.1") }, uniquingKeysWith: { first, _ in first })
        configuration.timeout = .init(connect: Default.connectTimeout, read: Default.readTimeout)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        configuration.connectionPool.idleTimeout = .seconds(60)
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        return configuration
    }

    /// Sends one request and collects the whole response.
    /// - Parameters:
    ///   - method: The method.
    ///   - port: The local port of the link to the upstream.
    ///   - target: The path and query (`/a/b?c=d`).
    ///   - fields: The header fields to send, Host included.
    ///   - body: The request body, if any.
    /// - Returns: The response, with hop-by-hop fields removed.
    /// - Throws: ``UpstreamError`` when no response arrived.
    public func send(
        _ method: HTTPRequest.Method,
        port: Int,
        target: String,
        fields: HTTPFields,
        body: ByteBuffer?
    ) async throws(UpstreamError) -> StoredResponse {
        try await send(method, url: "http://127.0.0.1:\(port)\(target)", fields: fields, body: body)
    }

    /// Sends one request to an endpoint of a link: plain HTTP, or HTTPS verified against the
    /// name the endpoint carries.
    /// - Parameter deadline: How long the response may take to start; CloudFront's connect and
    ///   response timeouts by default.
    public func send(
        _ method: HTTPRequest.Method,
        to endpoint: UpstreamEndpoint,
        target: String,
        fields: HTTPFields,
        body: ByteBuffer?,
        deadline: Duration? = nil
    ) async throws(UpstreamError) -> StoredResponse {
        guard let name = endpoint.serverName else {
            return try await send(method, url: "http://127.0.0.1:\(endpoint.port)\(target)", fields: fields, body: body, deadline: deadline)
        }
        let pool = endpoint.oldestTLSVersion.flatMap { tlsClients[$0] } ?? client
        return try await send(method, url: "https://\(name):\(endpoint.port)\(target)", fields: fields, body: body, on: pool, deadline: deadline)
    }

    /// Sends one request to an origin as CloudFront does: each attempt waits the origin's
    /// connection and response timeouts, and a GET or HEAD that got no response is tried again,
    /// up to the origin's connection attempts (other methods once: they may not be repeated).
    public func send(
        _ method: HTTPRequest.Method,
        toOrigin link: UpstreamLink,
        endpoint: UpstreamEndpoint,
        target: String,
        fields: HTTPFields,
        body: ByteBuffer?
    ) async throws(UpstreamError) -> StoredResponse {
        let attempts = method == .get || method == .head ? link.timeouts.connectionAttempts : 1
        let deadline = link.timeouts.connectionTimeout + link.timeouts.responseTimeout
        var attempt = 1
        while true {
            do {
                return try await send(method, to: endpoint, target: target, fields: fields, body: body, deadline: deadline)
            } catch {
                guard attempt < attempts else { throw error }
                attempt += 1
            }
        }
    }

    /// Sends one request to a URL directly, with no emulated link: for an origin a function
    /// chose that the topology does not describe.
    /// - Parameters:
    ///   - method: The method.
    ///   - url: The whole URL.
    ///   - fields: The header fields to send, Host included.
    ///   - body: The request body, if any.
    /// - Returns: The response, with hop-by-hop fields removed.
    /// - Throws: ``UpstreamError`` when no response arrived.
    public func send(
        _ method: HTTPRequest.Method,
        url: String,
        fields: HTTPFields,
        body: ByteBuffer?,
        on pool: HTTPClient? = nil,
        deadline: Duration? = nil
    ) async throws(UpstreamError) -> StoredResponse {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method.rawValue)
        for field in fields.removingHopByHop() { request.headers.add(name: field.name.rawName, value: field.value) }
        if let body { request.body = .bytes(body) }
        do {
            let timeout = deadline.map { TimeAmount.nanoseconds($0.nanoseconds) } ?? Default.readTimeout + Default.connectTimeout
            let response = try await (pool ?? client).execute(request, timeout: timeout)
            var headers = HTTPFields()
            for (name, value) in response.headers {
                if let name = HTTPField.Name(name) { headers.append(HTTPField(name: name, value: value)) }
            }
            let collected = try await response.body.collect(upTo: maximumBody)
            let age = headers[.age].flatMap { Int($0) }.map { Duration.seconds($0) } ?? .zero
            headers[.age] = nil
            return StoredResponse(
                status: HTTPResponse.Status(code: Int(response.status.code)),
                headers: headers.removingHopByHop(),
                body: collected,
                initialAge: age
            )
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw UpstreamError(.timedOut, underlying: "\(error)")
        } catch let error as NIOTooManyBytesError {
            throw UpstreamError(.tooLarge, underlying: "\(error)")
        } catch {
            throw UpstreamError(.unreachable, underlying: "\(error)")
        }
    }

    /// Runs until graceful shutdown, then closes every pooled connection.
    public func run() async throws {
        try? await gracefulShutdown()
        for pool in tlsClients.values { try? await pool.shutdown() }
        try await client.shutdown()
    }
}

/// Why an upstream gave no response.
public struct UpstreamError: Error, CustomStringConvertible, Sendable {
    /// The kinds of failure, each with CloudFront's status for it.
    public enum Kind: Sendable {
        /// Connection refused or reset: 502.
        case unreachable
        /// No response within the origin response timeout: 504.
        case timedOut
        /// A body larger than a node buffers: 502.
        case tooLarge

        /// How an origin group's failover names it: `timed-out`, or `unreachable` for the
        /// rest, as the hub tells the edge (`X-Edgesim-Origin-Failure`).
        public var failoverReason: String { self == .timedOut ? "timed-out" : "unreachable" }

        /// The kind a failover reason names.
        public init(failoverReason: String) {
            self = failoverReason == "timed-out" ? .timedOut : .unreachable
        }
    }

    /// What went wrong.
    public var kind: Kind
    /// The client's own message.
    public var underlying: String

    /// Creates an error.
    public init(_ kind: Kind, underlying: String) {
        self.kind = kind
        self.underlying = underlying
    }

    /// CloudFront's status for the failure.
    public var status: HTTPResponse.Status {
        switch kind {
        case .unreachable, .tooLarge: .badGateway
        case .timedOut: .gatewayTimeout
        }
    }

    public var description: String {
        switch kind {
        case .unreachable: "the upstream could not be reached (\(underlying))"
        case .timedOut: "the upstream did not answer in time (\(underlying))"
        case .tooLarge: "the upstream's response is larger than a node buffers (\(underlying))"
        }
    }
}

extension HTTPFields {
    /// The fields without hop-by-hop ones (RFC 9110 §7.6.1), which a proxy never forwards.
    public func removingHopByHop() -> HTTPFields {
        let named = Set(self[values: .connection].flatMap { $0.split(separator: ",") }.map { $0.trimming(" \t").lowercased() })
        return HTTPFields(
            filter { field in
                let name = field.name.canonicalName
                return !Self.hopByHop.contains(name) && !named.contains(name)
            }
        )
    }

    private static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length",
    ]
}
