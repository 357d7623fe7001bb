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
        var links: [String: UpstreamLink] = [:]
        var forwarders: [any Service] = []
        for origin in topology.origins {
            let (address, hostHeader) = try OriginAddress.resolve(origin, running: settings.originAddresses)
            let (link, forwarder) = try await UpstreamLink.open(
                from: settings.id,
                to: origin.id,
                address: address,
                hostHeader: hostHeader,
                topology: topology,
                seed: settings.seed &+ UInt64(links.count),
                logger: logger
            )
            links[origin.id] = link
            forwarders.append(forwarder)
        }
        let ports = PortRendezvous(onReady: onReady)
        let client = UpstreamClient()
        let responder = HubResponder(
            id: settings.id,
            topology: topology,
            origins: links,
            cache: cache,
            client: client,
            metrics: metrics
        )
        let traffic = Application(
            responder: responder,
            server: .shapedHTTP1 { _ in .none },
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "edgesim-hub"),
            onServerRunning: { channel in await ports.traffic(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let domains = Dictionary(uniqueKeysWithValues: topology.distributions.map { ($0.id, $0.domainName) })
        let admin = AdminApplication.build(
            AdminHooks(node: settings.id, role: .hub, metrics: metrics, cache: cache, domains: domains),
            host: settings.host,
            port: settings.adminPort,
            onRunning: { await ports.admin($0) },
            logger: logger
        )
        return forwarders + [client, traffic, admin]
    }
}
