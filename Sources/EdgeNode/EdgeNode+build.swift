import CDNCore
import Hummingbird
import LambdaRuntime
import Logging
import NIOCore
import Replication
import ServiceLifecycle
import Topology

/// The edge location (a CloudFront POP): serves viewers over their emulated links, runs the
/// trigger stages, keeps the first cache tier and fetches through its regional hub.
public enum EdgeNode {
    /// Builds the edge's services: its links (to the hub and to each origin), the viewer
    /// listener and the admin listener.
    /// - Parameters:
    ///   - settings: The edge's settings.
    ///   - triggers: The trigger stages; by default the topology's functions run as Lambda@Edge
    ///     handlers (``NoTriggers`` when none is associated).
    ///   - onReady: Called once both listeners are bound, with their ports.
    ///   - logger: The process's logger.
    /// - Returns: The services, in start order.
    /// - Throws: When a link cannot be opened, or the edge is not in the topology.
    public static func build(
        _ settings: EdgeSettings,
        triggers: (any TriggerStages)? = nil,
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger
    ) async throws -> [any Service] {
        let topology = settings.topology
        guard let spec = topology.edge(settings.id) else { throw StateError("there is no edge '\(settings.id)' in the topology") }
        let metrics = NodeMetrics(node: spec.id, role: .edge)
        let cache = CacheTier(capacity: settings.cacheCapacity)
        let (hub, hubForwarder) = try await UpstreamLink.open(
            from: spec.id,
            to: spec.hub,
            address: settings.hubAddress,
            hostHeader: spec.hub,
            topology: topology,
            seed: settings.seed,
            logger: logger
        )
        let (origins, originForwarders) = try await UpstreamLink.openOrigins(
            from: spec.id,
            topology: topology,
            running: settings.originAddresses,
            seed: settings.seed &+ 1,
            logger: logger
        )
        let active = ActiveConfig(.init(epoch: 0, triggers: triggers ?? NoTriggers()))
        var functions: [any Service] = []
        var ready = onReady
        if triggers == nil, let registry = settings.registryAddress {
            let (follower, host) = try replication(
                settings,
                edge: spec,
                hubPort: hub.port,
                registry: registry,
                active: active,
                metrics: metrics,
                logger: logger
            )
            functions = [host, follower]
            ready = follower.gating(onReady)
        }
        let viewers = ViewerDirectory(topology: topology, edge: spec.id)
        let client = UpstreamClient()
        let shedder = LoadShedder(limit: settings.maximumInFlight)
        let responder = EdgeResponder(
            id: spec.id,
            topology: topology,
            viewers: viewers,
            hub: hub,
            origins: origins,
            cache: cache,
            client: client,
            config: active,
            metrics: metrics,
            via: CloudFrontIDs.via(host: CloudFrontIDs.viaHost()),
            shedder: shedder
        )
        let listeners = NodeListeners.make(
            responder: responder,
            shape: { viewers.shape(for: $0) },
            host: settings.host,
            port: settings.port,
            adminPort: settings.adminPort,
            serverName: "CloudFront",
            hooks: AdminHooks(
                node: spec.id,
                role: .edge,
                metrics: metrics,
                cache: cache,
                domains: topology.distributionDomains,
                links: originForwarders.merging([spec.hub: hubForwarder]) { _, hub in hub },
                overloaded: { shedder.isOverloaded }
            ),
            onReady: ready,
            logger: logger
        )
        return [hubForwarder] + Array(originForwarders.values) + [client] + functions + listeners
    }

    /// The edge's side of replication: a follower of its hub's feed whose every new epoch is
    /// made runnable (bundles extracted, limits checked) and then put in force whole.
    private static func replication(
        _ settings: EdgeSettings,
        edge: EdgeSpec,
        hubPort: Int,
        registry: SocketAddress,
        active: ActiveConfig,
        metrics: NodeMetrics,
        logger: Logger
    ) throws -> (ReplicationFollower, FunctionHost) {
        let host = try FunctionHost(settings: .init(edge: edge.id, region: edge.hub, stateDirectory: settings.stateDirectory), logger: logger)
        let validationLog = ValidationLog(stateDirectory: settings.stateDirectory, region: edge.hub, edge: edge.id)
        let replica = try ReplicaStore.open(node: edge.id, stateDirectory: settings.stateDirectory)
        let setup = LambdaSetup(settings: settings, edge: edge, replica: replica, host: host, metrics: metrics, validationLog: validationLog)
        let follower = try ReplicationFollower.forNode(
            edge.id,
            role: NodeRole.edge.rawValue,
            store: replica,
            upstreamPort: hubPort,
            registry: registry.hostPort,
            stateDirectory: settings.stateDirectory,
            rollout: settings.rollout,
            garbageDelay: settings.garbageDelay,
            hooks: .init(
                apply: { epoch in active.install(.init(epoch: epoch.epoch, triggers: try setup.stages(for: epoch))) },
                collected: { removed in setup.removeExtracted(removed) }
            ),
            logger: logger
        )
        return (follower, host)
    }
}
