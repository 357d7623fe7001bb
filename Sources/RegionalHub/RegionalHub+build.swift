import CDNCore
import Hummingbird
import Logging
import NIOCore
import Replication
import ServiceLifecycle
import Topology

/// The regional hub (a regional edge cache): the second cache tier behind its edges, the one
/// that fetches from origins, and the relay of function versions from the registry to its edges.
public enum RegionalHub {
    /// Builds the hub's services: one emulated link per origin, its traffic listener and its
    /// admin listener.
    /// - Parameters:
    ///   - settings: The hub's settings.
    ///   - onReady: Called once both listeners are bound, with their ports.
    ///   - logger: The process's logger.
    /// - Returns: The services, in start order.
    /// - Throws: When a link cannot be opened or an origin has no address.
    public static func build(
        _ settings: HubSettings,
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger
    ) async throws -> [any Service] {
        let topology = settings.topology
        let metrics = NodeMetrics(node: settings.id, role: .hub)
        let cache = CacheTier(capacity: settings.cacheCapacity)
        let (links, forwarders) = try await UpstreamLink.openOrigins(
            from: settings.id,
            topology: topology,
            running: settings.originAddresses,
            seed: settings.seed,
            logger: logger
        )
        let client = UpstreamClient()
        var relay: [any Service] = []
        var faultable = forwarders
        var feed: RouterResponder<BasicRequestContext>?
        var ready = onReady
        if let registry = settings.registryAddress {
            let (link, forwarder) = try await UpstreamLink.open(
                from: settings.id,
                to: RegistrySpec.id,
                address: registry,
                hostHeader: RegistrySpec.id,
                topology: topology,
                seed: settings.seed &+ 1000,
                logger: logger
            )
            let follower = try ReplicationFollower.forNode(
                settings.id,
                role: NodeRole.hub.rawValue,
                store: try ReplicaStore.open(node: settings.id, stateDirectory: settings.stateDirectory),
                upstreamPort: link.port,
                registry: registry.hostPort,
                stateDirectory: settings.stateDirectory,
                rollout: .zero,
                garbageDelay: settings.garbageDelay,
                hooks: .init(),
                logger: logger
            )
            let router = Router()
            ReplicationFeed.addRoutes(to: router, source: follower.store)
            feed = router.buildResponder()
            relay = [forwarder, follower]
            faultable[RegistrySpec.id] = forwarder
            ready = follower.gating(onReady)
        }
        let responder = HubResponder(
            id: settings.id,
            topology: topology,
            origins: links,
            cache: cache,
            client: client,
            metrics: metrics,
            feed: feed
        )
        let listeners = NodeListeners.make(
            responder: responder,
            shape: { _ in .none },
            host: settings.host,
            port: settings.port,
            adminPort: settings.adminPort,
            serverName: "edgesim-hub",
            hooks: AdminHooks(
                node: settings.id,
                role: .hub,
                metrics: metrics,
                cache: cache,
                domains: topology.distributionDomains,
                links: faultable
            ),
            onReady: ready,
            logger: logger
        )
        return relay + Array(forwarders.values) + [client] + listeners
    }
}
