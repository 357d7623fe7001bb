import CDNCore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import Replication
import ServiceLifecycle
import Topology

/// What every caching node is built from, edge and hub alike: its metrics, its cache tier, the
/// emulated links to its upstream and to each origin, the upstream client, the replication
/// follower, and the two listeners with their admin hooks. A role adds only its responder and
/// what is its own (an edge's function host, a hub's replication feed).
///
/// Built in two steps, because a role's responder needs the parts and the follower's hooks need
/// the role's config:
///
/// ```swift
/// var node = try await CachingNode.open(settings, upstream: .init(id: spec.hub, address: hub), logger: logger)
/// try node.follow(logger: logger) { replica in .init(apply: { epoch in … }) }
/// return node.services(responder: responder, serverName: "CloudFront", onReady: onReady, logger: logger)
/// ```
public struct CachingNode {
    /// The node an edge or a hub fetches through (the hub for an edge) or follows for
    /// replication (the registry for a hub).
    public struct Upstream: Sendable {
        /// The upstream's id in the topology.
        public var id: String
        /// Where it listens.
        public var address: SocketAddress

        /// Names an upstream.
        public init(id: String, address: SocketAddress) {
            self.id = id
            self.address = address
        }
    }

    /// The node's settings.
    public let settings: CachingNodeSettings
    /// The node's metrics, for `/metrics`.
    public let metrics: NodeMetrics
    /// The node's cache tier.
    public let cache: CacheTier
    /// The client every upstream request goes through.
    public let client: UpstreamClient
    /// The link to the upstream, when there is one.
    public let upstream: UpstreamLink?
    /// The links to every origin, by origin id.
    public let origins: [String: UpstreamLink]
    /// The links to the Origin Shield hubs a hub fetches through, by hub id.
    public let shields: [String: UpstreamLink]
    /// The replication follower, once ``follow(rollout:logger:hooks:)`` made it.
    public private(set) var follower: ReplicationFollower?

    /// The link forwarders, by the peer's id: services, and what `/faults/partition` cuts.
    private let forwarders: [String: LinkForwarder]
    /// The upstream's forwarder first, then each origin's: the order they start in.
    private let forwarderOrder: [LinkForwarder]
    /// A hub's TLS configuration, read once when it opens, if the network has its TLS files:
    /// then its listener takes TLS beside plain HTTP, and its replication feed is served over
    /// TLS only.
    public let hubTLS: TLSConfiguration?

    /// The network's CA, which an HTTPS origin's certificate may chain to (besides the system's
    /// roots), when the network has one.
    static func certificateAuthority(stateDirectory: String) -> String? {
        let path = TLSFiles(stateDirectory: stateDirectory).authorityCertificate
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Opens the node's links and makes its parts. The upstream link takes the settings' seed and
    /// the origins' links the ones after it, so every run of a topology shapes alike.
    /// - Parameters:
    ///   - settings: The node's settings.
    ///   - upstream: The upstream to link to, if any.
    ///   - prepare: What the cache does to a response before storing it (see ``CacheTier``).
    ///   - logger: The node's logger.
    /// - Throws: When a link cannot be bound or an origin has no address.
    public static func open(
        _ settings: CachingNodeSettings,
        upstream: Upstream?,
        prepare: CacheTier.Prepare? = nil,
        logger: Logger
    ) async throws -> CachingNode {
        var forwarders: [String: LinkForwarder] = [:]
        var order: [LinkForwarder] = []
        var upstreamLink: UpstreamLink?
        if let upstream {
            let (link, forwarder) = try await UpstreamLink.open(
                from: settings.id,
                to: upstream.id,
                address: upstream.address,
                hostHeader: upstream.id,
                topology: settings.topology,
                seed: settings.seed,
                logger: logger
            )
            upstreamLink = link
            forwarders[upstream.id] = forwarder
            order.append(forwarder)
        }
        let (origins, originForwarders) = try await UpstreamLink.openOrigins(
            from: settings.id,
            topology: settings.topology,
            running: settings.originAddresses,
            seed: settings.seed &+ 1,
            logger: logger
        )
        for (id, forwarder) in originForwarders.sorted(by: { $0.key < $1.key }) where forwarders[id] == nil {
            forwarders[id] = forwarder
            order.append(forwarder)
        }
        // A hub's links to the Origin Shields it fetches through, each with its modelled latency.
        var shields: [String: UpstreamLink] = [:]
        if settings.role == .hub {
            for (index, id) in settings.topology.shields(usedBy: settings.id).enumerated() {
                guard let address = settings.originAddresses[id] else { continue }
                let (link, forwarder) = try await UpstreamLink.open(
                    from: settings.id,
                    to: id,
                    address: address,
                    hostHeader: id,
                    topology: settings.topology,
                    seed: settings.seed &+ 1_000 &+ UInt64(index),
                    logger: logger
                )
                shields[id] = link
                forwarders[id] = forwarder
                order.append(forwarder)
            }
        }
        return CachingNode(
            settings: settings,
            metrics: NodeMetrics(node: settings.id, role: settings.role),
            cache: CacheTier(capacity: settings.cacheCapacity, prepare: prepare),
            client: UpstreamClient(
                tlsServerNames: origins.values.compactMap { $0.secure?.serverName },
                certificateAuthority: Self.certificateAuthority(stateDirectory: settings.stateDirectory),
                oldestTLSVersions: Set(origins.values.compactMap { $0.secure?.oldestTLSVersion })
            ),
            upstream: upstreamLink,
            origins: origins,
            shields: shields,
            follower: nil,
            forwarders: forwarders,
            forwarderOrder: order,
            hubTLS: settings.role == .hub
                ? try? TLSFiles(stateDirectory: settings.stateDirectory).serverConfiguration(TLSFiles.hubCertificate(settings.id)) : nil
        )
    }

    /// Makes the node a follower of its upstream's replication feed: it stores every verified
    /// epoch in its replica (`STATE/replica/NODE/`) and puts it in force through the hooks.
    /// - Parameters:
    ///   - rollout: The slow-rollout window (zero: each epoch goes in force at once).
    ///   - logger: The node's logger.
    ///   - hooks: What putting an epoch in force and collecting versions do at this node, made
    ///     from the node's replica (an edge reads the bundles it extracts from there).
    /// - Returns: The follower (also kept in ``follower``).
    /// - Throws: ``ReplicationError`` when the node has no upstream, the registry's key is
    ///   missing, or the replica cannot be read; what `hooks` throws.
    @discardableResult
    public mutating func follow(
        rollout: Duration = .zero,
        logger: Logger,
        hooks: (ReplicaStore) throws -> ReplicationFollower.Hooks = { _ in .init() }
    ) throws -> ReplicationFollower {
        guard let upstream else { throw ReplicationError(.noUpstream, "\(settings.id) has no upstream to follow") }
        let replica = try ReplicaStore.open(node: settings.id, stateDirectory: settings.stateDirectory)
        let follower = try ReplicationFollower.forNode(
            settings.id,
            role: settings.role,
            store: replica,
            upstream: upstream.id,
            upstreamPort: upstream.port,
            registry: settings.registryAddress,
            stateDirectory: settings.stateDirectory,
            rollout: rollout,
            garbageDelay: settings.garbageDelay,
            hooks: try hooks(replica),
            logger: logger
        )
        self.follower = follower
        return follower
    }

    /// The node's services in start order (shutdown runs in reverse): its links, the upstream
    /// client, the role's own services, the follower, then the traffic and admin listeners. The
    /// traffic listener is Hummingbird's HTTP/1.1 server, with CloudFront's size limits.
    /// - Parameters:
    ///   - responder: What answers the node's traffic.
    ///   - serverName: The traffic listener's `Server` name.
    ///   - own: The role's own services, started after the client and before the follower.
    ///   - overloaded: Whether the node is shedding load, for `/health`.
    ///   - onReady: Called once both listeners are bound — and, for a follower, once it runs
    ///     what it should (``ReplicationFollower/gating(_:)``).
    ///   - logger: The node's logger.
    public func services<Responder: HTTPResponder>(
        responder: Responder,
        serverName: String,
        own: [any Service] = [],
        overloaded: (@Sendable () -> Bool)? = nil,
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger
    ) -> [any Service] where Responder.Context: RequestContext, Responder.Context.Source == ApplicationRequestContextSource {
        services(
            own: own,
            overloaded: overloaded,
            onReady: onReady,
            logger: logger,
            traffic: NodeListeners.application(
                responder: responder,
                server: trafficServer(),
                host: settings.host,
                port: settings.port,
                serverName: serverName,
                logger: logger
            )
        )
    }

    /// A hub's traffic listener answers TLS and plain HTTP on its port: its edges' replication
    /// streams come over TLS, under the network CA's certificate for the hub; its edges' fetches
    /// stay plain. Without the network's TLS files (a hub run on its own), plain HTTP only.
    private func trafficServer() -> HTTPServerBuilder {
        guard let tls = hubTLS,
            let server = try? TLSOrPlain.http1(configuration: .sizeGuarded, tls: tls)
        else { return .sizeGuardedHTTP1() }
        return server
    }

    /// The node's services, as above, with the lean ``ViewerServer`` as the traffic listener:
    /// an edge's, whose viewers each cross their emulated link.
    /// - Parameters:
    ///   - viewers: What answers the viewers.
    ///   - shape: The link shape of each connection, by the peer's address.
    ///   - https: The HTTPS listener's port and certificates, if it has one, and what to call
    ///     with its bound port (before `onReady`).
    ///   - serverName: The `Server` name of every response.
    ///   - own: The role's own services, started after the client and before the follower.
    ///   - overloaded: Whether the node is shedding load, for `/health`.
    ///   - onReady: Called once both listeners are bound (and the follower runs what it should).
    ///   - logger: The node's logger.
    public func services(
        viewers: any ViewerResponder,
        shape: @escaping LinkShape.Lookup,
        https: (port: Int, tls: ViewerTLS, onBound: @Sendable (Int) async -> Void)? = nil,
        serverName: String,
        own: [any Service] = [],
        overloaded: (@Sendable () -> Bool)? = nil,
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger
    ) -> [any Service] {
        services(own: own, overloaded: overloaded, onReady: onReady, logger: logger) { [settings, metrics] onRunning in
            ViewerServer(
                .init(
                    host: settings.host,
                    port: settings.port,
                    serverName: serverName,
                    https: https.map { ($0.port, $0.tls) },
                    onHandshakeFailure: { metrics.recordError("tls_handshake") }
                ),
                responder: viewers,
                shape: shape,
                logger: logger,
                onRunning: { ports in
                    if let https, let port = ports.https { await https.onBound(port) }
                    await onRunning(ports.http)
                }
            )
        }
    }

    private func services(
        own: [any Service],
        overloaded: (@Sendable () -> Bool)?,
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger,
        traffic: NodeListeners.TrafficListener
    ) -> [any Service] {
        let listeners = NodeListeners.make(
            host: settings.host,
            adminPort: settings.adminPort,
            hooks: AdminHooks(
                node: settings.id,
                role: settings.role,
                metrics: metrics,
                cache: cache,
                domains: settings.topology.distributionDomains,
                links: forwarders,
                overloaded: overloaded,
                token: try? RegistryToken.load(stateDirectory: settings.stateDirectory)
            ),
            onReady: follower.map { $0.gating(onReady) } ?? onReady,
            logger: logger,
            traffic: traffic
        )
        let follower: [any Service] = follower.map { [$0] } ?? []
        return forwarderOrder + [client] + own + follower + listeners
    }
}
