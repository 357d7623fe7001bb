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
    /// Its hub, for an edge.
    var hub: String?
    /// The ids of the nodes it connects to, which must be ready before it starts.
    var upstreams: [String]

    /// The processes of a topology in start order: the registry, origins, hubs, then edges, each
    /// tier waiting for the one before.
    static func tiers(of topology: Topology) -> [[NodePlan]] {
        let staticOrigins = topology.origins.filter { if case .staticFolder = $0.kind { true } else { false } }
        let originIDs = staticOrigins.map(\.id)
        let origins = staticOrigins.map { origin in
            NodePlan(id: origin.id, role: .origin, location: origin.location.label, host: origin.listen.host, port: origin.listen.port, upstreams: [])
        }
        let hubs = topology.hubs.map { hub in
            NodePlan(
                id: hub.id,
                role: .hub,
                location: hub.location.label,
                host: hub.listen.host,
                port: hub.listen.port,
                upstreams: [RegistrySpec.id] + originIDs
            )
        }
        let edges = topology.edges.map { edge in
            NodePlan(
                id: edge.id,
                role: .edge,
                location: edge.location.label,
                host: edge.listen.host,
                port: edge.listen.port,
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
        return [[registry], origins, hubs, edges].filter { !$0.isEmpty }
    }
}
