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
    ///   - triggers: The trigger stages; ``NoTriggers`` when no functions run.
    ///   - onReady: Called once both listeners are bound, with their ports.
    ///   - logger: The process's logger.
    /// - Returns: The services, in start order.
    /// - Throws: When a link cannot be opened, or the edge is not in the topology.
    public static func build(
        _ settings: EdgeSettings,
        triggers: any TriggerStages = NoTriggers(),
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger
    ) async throws -> [any Service] {
        let topology = settings.topology
        guard let spec = topology.edge(settings.id) else { throw StateError("there is no edge '\(settings.id)' in the topology") }
        let metrics = NodeMetrics(node: spec.id, role: .edge)
        let cache = CacheTier(capacity: settings.cacheCapacity)
        var forwarders: [any Service] = []
        let (hub, hubForwarder) = try await UpstreamLink.open(
            from: spec.id,
            to: spec.hub,
            address: settings.hubAddress,
            hostHeader: spec.hub,
            topology: topology,
            seed: settings.seed,
            logger: logger
        )
        forwarders.append(hubForwarder)
        var origins: [String: UpstreamLink] = [:]
        for origin in topology.origins {
            let (address, hostHeader) = try OriginAddress.resolve(origin, running: settings.originAddresses)
            let (link, forwarder) = try await UpstreamLink.open(
                from: spec.id,
                to: origin.id,
                address: address,
                hostHeader: hostHeader,
                topology: topology,
                seed: settings.seed &+ UInt64(origins.count + 1),
                logger: logger
            )
            origins[origin.id] = link
            forwarders.append(forwarder)
        }
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
            triggers: triggers,
            metrics: metrics,
            via: CloudFrontIDs.via(host: CloudFrontIDs.viaHost())
        )
        let ports = PortRendezvous(onReady: onReady)
        let traffic = Application(
            responder: responder,
            server: .shapedHTTP1 { viewers.shape(for: $0) },
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "CloudFront"),
            onServerRunning: { channel in await ports.traffic(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let domains = Dictionary(uniqueKeysWithValues: topology.distributions.map { ($0.id, $0.domainName) })
        let admin = AdminApplication.build(
            AdminHooks(node: spec.id, role: .edge, metrics: metrics, cache: cache, domains: domains),
            host: settings.host,
            port: settings.adminPort,
            onRunning: { await ports.admin($0) },
            logger: logger
        )
        return forwarders + [client, traffic, admin]
    }
}
