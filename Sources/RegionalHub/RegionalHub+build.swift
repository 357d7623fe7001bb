import CDNCore
import Hummingbird
import Logging
import ServiceLifecycle
import Topology

/// The regional hub (a regional edge cache): the second cache tier behind its edges, and the
/// one that fetches from origins.
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
        let responder = HubResponder(
            id: settings.id,
            topology: topology,
            origins: links,
            cache: cache,
            client: client,
            metrics: metrics
        )
        let listeners = NodeListeners.make(
            responder: responder,
            shape: { _ in .none },
            host: settings.host,
            port: settings.port,
            adminPort: settings.adminPort,
            serverName: "edgesim-hub",
            hooks: AdminHooks(node: settings.id, role: .hub, metrics: metrics, cache: cache, domains: topology.distributionDomains),
            onReady: onReady,
            logger: logger
        )
        return forwarders + [client] + listeners
    }
}
