import Topology

/// The GeoDNS decision: a distribution's domain, or an alias (as a user's CNAME to it would
/// resolve), is answered with the address of the healthy
/// edge the distribution's routing policy picks for the asking viewer — found by the query's
/// EDNS Client Subnet when it has one, else by its source address — exactly as `Topology.route`
/// picks it. Other names get NXDOMAIN.
public struct GeoRouter: Sendable {
    /// The time to live of an answer: short, so a failed edge's viewers move within a second.
    public static let ttl: UInt32 = 1

    let topology: Topology
    let viewers: [String: ViewerSpec]
    let distributions: HostDirectory<DistributionSpec>
    let edgeAddresses: [String: [UInt8]]

    /// A router for a topology.
    public init(topology: Topology) {
        self.topology = topology
        viewers = topology.viewersByAddress
        distributions = HostDirectory(topology.distributions.map { ($0.names, $0) })
        edgeAddresses = topology.edgeHosts.compactMapValues { host in
            let parts = host.split(separator: ".").compactMap { UInt8($0) }
            return parts.count == 4 ? parts : nil
        }
    }

    /// The answer to a query from a source address, with some edges out of routing, and the
    /// edge it names (for the node's metrics).
    public func answer(_ query: DNSMessage.Query, source: String, unhealthy: Set<String>) -> (answer: DNSServer.Answer, edge: String?) {
        guard let distribution = distributions.value(for: query.name) else { return (.nameError, nil) }
        guard query.type == DNSMessage.RecordType.a || query.type == DNSMessage.RecordType.any else { return (.noData, nil) }
        guard let edge = edge(for: query.clientSubnet?.ipv4 ?? source, serving: distribution, unhealthy: unhealthy),
            let address = edgeAddresses[edge]
        else { return (.noData, nil) }
        return (.addresses([address], ttl: Self.ttl), edge)
    }

    /// The edge for a viewer address: the first healthy one of the policy's order; for an
    /// address no viewer has, the first healthy edge in the file's order. When no edge of the
    /// distribution is healthy, health is ignored (failing open, as DNS load balancers do): a
    /// guess beats no answer.
    public func edge(for address: String, serving distribution: DistributionSpec, unhealthy: Set<String>) -> String? {
        let excluded = distribution.edges.allSatisfy(unhealthy.contains) ? [] : unhealthy
        if let viewer = viewers[address] {
            return topology.routedEdges(from: viewer.id, serving: distribution, excluding: excluded).first?.edge
        }
        return distribution.edges.first { !excluded.contains($0) }
    }
}
