import CDNCore
import Logging
import ServiceLifecycle
import Topology

/// The GeoDNS node as `edgesim up` runs it: the DNS server on UDP and TCP, the edges' health
/// checks, and the usual admin port.
public enum GeoDNSNode {
    /// The id the DNS node has in the state file and logs.
    public static let id = "dns"

    /// Builds the node's services.
    /// - Parameters:
    ///   - topology: The topology.
    ///   - host: The address to listen on.
    ///   - port: The DNS port (UDP and TCP), 0 for an ephemeral one.
    ///   - adminPort: The admin port, 0 for an ephemeral one.
    ///   - edgeAdmins: Each edge's admin address, for its health checks.
    ///   - onReady: Called with both ports once both are bound.
    ///   - logger: The node's logger.
    /// - Throws: When the DNS port cannot be bound.
    public static func build(
        topology: Topology,
        host: String,
        port: Int,
        adminPort: Int,
        edgeAdmins: [String: (host: String, port: Int)],
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger
    ) async throws -> [any Service] {
        let health = EdgeHealth(admins: edgeAdmins, logger: logger)
        let router = GeoRouter(topology: topology)
        let metrics = NodeMetrics(node: id, role: .dns)
        let server = try await DNSServer.bind(
            host: host,
            port: port,
            lookup: { query, source in
                let (answer, edge) = router.answer(query, source: source, unhealthy: health.unhealthy)
                metrics.recordDNSAnswer(edge: edge ?? (answer.isNameError ? "nxdomain" : "none"))
                return answer
            },
            logger: logger
        )
        logger.info("GeoDNS answers \(topology.distributions.map(\.domainName).joined(separator: ", ")) on \(host):\(server.port) (UDP and TCP)")
        let ports = PortRendezvous(onReady: onReady)
        await ports.traffic(server.port)
        let admin = AdminApplication.build(
            AdminHooks(node: id, role: .dns, metrics: metrics, outOfRouting: { health.unhealthy.sorted() }),
            host: host,
            port: adminPort,
            onRunning: { await ports.admin($0) },
            logger: logger
        )
        return [server, health, admin]
    }
}
