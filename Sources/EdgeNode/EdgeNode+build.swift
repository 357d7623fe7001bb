import CDNCore
import Hummingbird
import Logging
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
        let (lambda, functionHost) = try LambdaSetup.make(settings: settings, edge: spec, metrics: metrics, logger: logger)
        let viewers = ViewerDirectory(topology: topology, edge: spec.id)
        let client = UpstreamClient()
        let responder = EdgeResponder(
            id: spec.id,
            topology: topology,
            viewers: viewers,
            hub: hub,
            origins: origins,
            cache: cache,
            client: client,
            triggers: triggers ?? lambda,
            metrics: metrics,
            via: CloudFrontIDs.via(host: CloudFrontIDs.viaHost())
        )
        let listeners = NodeListeners.make(
            responder: responder,
            shape: { viewers.shape(for: $0) },
            host: settings.host,
            port: settings.port,
            adminPort: settings.adminPort,
            serverName: "CloudFront",
            hooks: AdminHooks(node: spec.id, role: .edge, metrics: metrics, cache: cache, domains: topology.distributionDomains),
            onReady: onReady,
            logger: logger
        )
        return [hubForwarder] + originForwarders + [client] + (functionHost.map { [$0] } ?? []) + listeners
    }
}
