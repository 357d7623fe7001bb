import CDNCore
import Logging
import ServiceLifecycle
import Topology
import UnixSignals

/// The tables `up`, `status` and `demo` print about a running network.
enum NetworkTables {
    /// One row per node: role, location, address, an edge's HTTPS port, admin port, hub, pid.
    static func nodes(_ state: NetworkState) -> String {
        var table = Table(["node", "role", "location", "address", "https", "admin", "hub", "pid"])
        for node in state.nodes {
            table.add([
                node.id, node.role.rawValue, node.location, "\(node.host):\(node.port)", node.httpsPort.map(String.init) ?? "",
                "\(node.adminPort)", node.hub ?? "", "\(node.pid)",
            ])
        }
        return table.render()
    }

    /// One row per viewer: its source address, its edge, the modelled round trip, and curl
    /// lines over HTTP and (on a second line) over HTTPS, trusting the network's CA.
    static func viewers(_ state: NetworkState) -> String {
        var table = Table(["viewer", "location", "source address", "edge", "modelled RTT", "try it"])
        let domain = state.distributions.first?.domain ?? ""
        for viewer in state.viewers {
            let edge = viewer.edge.flatMap { state.node($0) }
            let curl = edge.map { "curl -si --interface \(viewer.address) -H 'Host: \(domain)' \($0.url)/" } ?? ""
            table.add([
                viewer.id, viewer.location, viewer.address, viewer.edge ?? "—",
                viewer.rttMilliseconds.map { formatMilliseconds(.nanoseconds(Int64($0 * 1e6))) } ?? "—", curl,
            ])
            if let edge, let https = edge.httpsPort, let ca = state.certificateAuthority {
                let resolve = "--resolve \(domain):\(https):\(edge.host)"
                table.add(["", "", "", "", "", "curl -si --interface \(viewer.address) --cacert \(ca) \(resolve) https://\(domain):\(https)/"])
            }
        }
        var text = table.render()
        if let dns = state.node("dns"), let first = state.viewers.first, !domain.isEmpty {
            text += "\nGeoDNS on \(dns.host):\(dns.port) (UDP and TCP) answers each viewer with its nearest healthy edge: "
            text += "dig @\(dns.host) -p \(dns.port) \(domain) -b \(first.address)"
        }
        return text
    }

    /// Runs services in one group that stops gracefully on SIGINT or SIGTERM.
    static func runGroup(_ services: [any Service], logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
