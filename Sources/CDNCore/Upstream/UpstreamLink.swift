import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Topology

/// One upstream a node talks to, over its emulated link: the local forwarder port that shapes
/// the traffic, and the `Host` the upstream expects.
public struct UpstreamLink: Sendable {
    /// The upstream's id (a hub or an origin).
    public var id: String
    /// The forwarder's local port.
    public var port: Int
    /// The `Host` value for requests to it: an origin's domain, or the hub's id.
    public var hostHeader: String
    /// For an origin spoken to over HTTPS: the forwarder's port to its HTTPS port (the same
    /// port for the built-in origin, which answers both), the name its certificate must carry
    /// (and the SNI sent), and the oldest TLS version offered to it.
    public var secure: (port: Int, serverName: String, oldestTLSVersion: Int)?
    /// Which of the two a request takes.
    public var policy: OriginProtocolPolicy
    /// For an origin: how long to wait for it and how often to try.
    public var timeouts = OriginTimeouts()

    /// Creates a link description.
    public init(
        id: String,
        port: Int,
        hostHeader: String,
        secure: (port: Int, serverName: String, oldestTLSVersion: Int)? = nil,
        policy: OriginProtocolPolicy = .httpOnly
    ) {
        self.id = id
        self.port = port
        self.hostHeader = hostHeader
        self.secure = secure
        self.policy = policy
    }

    /// Where a request from a viewer goes: the plain port, or the TLS one under https-only and,
    /// for an HTTPS viewer, match-viewer.
    public func endpoint(for viewer: ViewerProtocol) -> UpstreamEndpoint {
        if policy.usesHTTPS(viewer: viewer), let secure {
            return UpstreamEndpoint(port: secure.port, serverName: secure.serverName, oldestTLSVersion: secure.oldestTLSVersion)
        }
        return UpstreamEndpoint(port: port, serverName: nil, oldestTLSVersion: nil)
    }

    /// Opens the emulated link from one node to another: a ``LinkForwarder`` shaped by the
    /// topology's profile of that link.
    /// - Parameters:
    ///   - from: This node's id.
    ///   - to: The upstream's id.
    ///   - address: Where the upstream listens.
    ///   - hostHeader: The `Host` value for requests to it.
    ///   - topology: The topology, for the link's profile.
    ///   - seed: The seed of the link's jitter and loss.
    ///   - logger: The node's logger.
    /// - Returns: The link and the forwarder service that carries it.
    public static func open(
        from: String,
        to: String,
        address: SocketAddress,
        hostHeader: String,
        topology: Topology,
        seed: UInt64,
        logger: Logger
    ) async throws -> (UpstreamLink, LinkForwarder) {
        let shape = topology.link(between: from, and: to).map(LinkShape.init) ?? .none
        let connectTimeout = topology.origin(to)?.timeouts.connectionTimeout ?? .seconds(5)
        let forwarder = try await LinkForwarder.bind(to: address, shape: shape, seed: seed, connectTimeout: connectTimeout, logger: logger)
        logger.info("link \(from) → \(to) at \(address): one-way \(shape.oneWay.inMilliseconds) ms")
        return (UpstreamLink(id: to, port: forwarder.port, hostHeader: hostHeader), forwarder)
    }
}

/// Where one request to an upstream goes: a forwarder's port, and over TLS the name the
/// upstream's certificate must carry.
public struct UpstreamEndpoint: Sendable, Equatable {
    public var port: Int
    /// `nil` for plain HTTP.
    public var serverName: String?
    /// Over TLS, the oldest version offered (TLS's minor version: 0 for TLS 1.0).
    public var oldestTLSVersion: Int?
}

extension StoredResponse {
    /// The response for Hummingbird, with extra fields on top and the body left out for HEAD.
    /// - Parameters:
    ///   - extra: Fields to set (replacing any of the same name).
    ///   - head: Whether the request was a HEAD.
    public func response(adding extra: HTTPFields = [:], head: Bool = false) -> Response {
        var fields = headers
        for field in extra { fields[field.name] = field.value }
        return Response(status: status, headers: fields, body: .init(byteBuffer: head ? ByteBuffer() : body))
    }
}

extension SocketAddress {
    /// `host:port` (`[v6]:port`), as a URL needs it.
    public var hostPort: String {
        let host = ipAddress ?? "127.0.0.1"
        return host.contains(":") ? "[\(host)]:\(port ?? 0)" : "\(host):\(port ?? 0)"
    }

}

extension UpstreamLink {
    /// Opens a link from a node to every origin of the topology.
    /// - Parameters:
    ///   - node: This node's id.
    ///   - topology: The topology.
    ///   - running: Where the origins edgesim runs listen, by id.
    ///   - seed: The first link's seed; each next link takes the next one.
    ///   - logger: The node's logger.
    /// - Returns: The links and the forwarders that carry them, by origin id.
    public static func openOrigins(
        from node: String,
        topology: Topology,
        running: [String: SocketAddress],
        seed: UInt64,
        logger: Logger
    ) async throws -> (links: [String: UpstreamLink], forwarders: [String: LinkForwarder]) {
        var links: [String: UpstreamLink] = [:]
        var forwarders: [String: LinkForwarder] = [:]
        for origin in topology.origins {
            let (address, hostHeader) = try OriginAddress.resolve(origin, running: running)
            var (link, forwarder) = try await open(
                from: node,
                to: origin.id,
                address: address,
                hostHeader: hostHeader,
                topology: topology,
                seed: seed &+ UInt64(forwarders.count),
                logger: logger
            )
            forwarders[origin.id] = forwarder
            link.policy = origin.protocolPolicy
            link.timeouts = origin.timeouts
            // The built-in origin answers HTTPS on its one port (S3-style, in the viewer's protocol).
            if case .staticFolder = origin.kind { link.secure = (link.port, origin.domainName, 2) }
            if origin.protocolPolicy != .httpOnly, let secureAddress = try OriginAddress.resolve(origin, running: running, secure: true) {
                // The same link, to the origin's HTTPS port: its own forwarder, shaped alike.
                let (secure, tlsForwarder) = try await open(
                    from: node,
                    to: origin.id,
                    address: secureAddress,
                    hostHeader: hostHeader,
                    topology: topology,
                    seed: seed &+ UInt64(forwarders.count) &+ 1_000,
                    logger: logger
                )
                link.secure = (secure.port, origin.domainName, origin.sslProtocols.min()?.tlsMinorVersion ?? 2)
                forwarders[origin.id + "#https"] = tlsForwarder
            }
            links[origin.id] = link
        }
        return (links, forwarders)
    }
}
