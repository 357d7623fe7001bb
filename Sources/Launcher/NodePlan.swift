import CDNCore
import Topology

/// One process the launcher runs: which role, which node, and what it connects to.
struct NodePlan: Sendable {
    /// The node's id.
    var id: String
    /// Its role.
    var role: NodeRole
    /// Where it is, for tables.
    var location: String
    /// The address it listens on.
    var host: String
    /// The port the topology fixes, or 0.
    var port: Int
    /// An edge's HTTPS port: the one every edge shares, or 0.
    var httpsPort = 0
    /// Its hub, for an edge.
    var hub: String?
    /// The ids of the nodes it connects to, which must be ready before it starts.
    var upstreams: [String]

    /// The processes of a topology in start order: the registry, origins, the hubs that are
    /// Origin Shields, the other hubs, edges, then the GeoDNS server, each tier waiting for the
    /// one before.
    /// - Parameters:
    ///   - topology: The topology.
    ///   - edgePort: The port every edge without a port of its own listens on (each on its own
    ///     address), so one DNS name with one port reaches whichever edge the answer names.
    ///   - edgeHTTPSPort: The HTTPS port every edge listens on, for the same reason.
    static func tiers(of topology: Topology, edgePort: Int = 0, edgeHTTPSPort: Int = 0) -> [[NodePlan]] {
        let edgeHosts = topology.edgeHosts
        let staticOrigins = topology.origins.filter { if case .staticFolder = $0.kind { true } else { false } }
        let originIDs = staticOrigins.map(\.id)
        let origins = staticOrigins.map { origin in
            NodePlan(id: origin.id, role: .origin, location: origin.location.label, host: origin.listen.host, port: origin.listen.port, upstreams: [])
        }
        // Origin Shield hubs start first: the other hubs link to them.
        let shields = topology.shieldHubs
        let hubs = topology.hubs.map { hub in
            NodePlan(
                id: hub.id,
                role: .hub,
                location: hub.location.label,
                host: hub.listen.host,
                port: hub.listen.port,
                upstreams: [RegistrySpec.id] + originIDs + topology.shields(usedBy: hub.id)
            )
        }
        let shieldTier = hubs.filter { shields.contains($0.id) }
        let hubTier = hubs.filter { !shields.contains($0.id) }
        let edges = topology.edges.map { edge in
            NodePlan(
                id: edge.id,
                role: .edge,
                location: edge.location.label,
                host: edgeHosts[edge.id] ?? edge.listen.host,
                port: edge.listen.port == ListenAddress.Default.port ? edgePort : edge.listen.port,
                httpsPort: edgeHTTPSPort,
                hub: edge.hub,
                upstreams: [edge.hub, RegistrySpec.id] + originIDs
            )
        }
        let registry = NodePlan(
            id: RegistrySpec.id,
            role: .registry,
            location: topology.registry.location.label,
            host: topology.registry.listen.host,
            port: topology.registry.listen.port,
            upstreams: []
        )
        // GeoDNS last: it checks the edges' health from the start.
        let dns = NodePlan(
            id: "dns",
            role: .dns,
            location: topology.registry.location.label,
            host: ListenAddress.Default.host,
            port: 0,
            upstreams: topology.edges.map(\.id)
        )
        return [[registry], origins, shieldTier, hubTier, edges, topology.edges.isEmpty ? [] : [dns]].filter { !$0.isEmpty }
    }
}
