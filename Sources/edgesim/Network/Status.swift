import ArgumentParser
import CDNCore
import Foundation
import GeoDNS
import Topology

extension EdgeSim {
    /// `edgesim status`: each node's health, from its admin port.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each node of the running network: its address, pid and health.",
            discussion: "Exits 1 when any node does not answer its health check."
        )

        @OptionGroup var state: StateDirectoryOption

        func run() async throws {
            let network = try state.load()
            let checks = await withTaskGroup(of: (String, HealthReport?).self) { group in
                for node in network.nodes {
                    group.addTask { (node.id, await Self.health(of: node)) }
                }
                return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            // The GeoDNS node's view: which edges its health checks have taken out of routing.
            let outOfRouting = (checks[GeoDNSNode.id] ?? nil)?.outOfRouting.map(Set.init)
            var table = Table(["node", "role", "location", "address", "https", "pid", "health", "routing", "cached", "restarts"])
            for node in network.nodes {
                let report = checks[node.id] ?? nil
                let cached = report?.cachedObjects.map { "\($0) objects, \(report?.cachedBytes ?? 0) B" } ?? ""
                let routing = node.role == .edge ? outOfRouting.map { $0.contains(node.id) ? "OUT" : "in" } ?? "?" : ""
                table.add([
                    node.id, node.role.rawValue, node.location, "\(node.host):\(node.port)", node.httpsPort.map(String.init) ?? "", "\(node.pid)",
                    report?.status.rawValue ?? "DOWN",
                    routing, cached,
                    "\(node.restarts)",
                ])
            }
            Output.line("\(network.name) — \(network.topology)")
            Output.line(table.render())
            let down = network.nodes.filter { (checks[$0.id] ?? nil) == nil }
            if !down.isEmpty {
                Output.error("\(down.count) of \(network.nodes.count) nodes do not answer: \(down.map(\.id).joined(separator: ", "))")
                throw ExitCode(1)
            }
        }

        /// The node's report, when it answers (an overloaded edge answers too: it is up).
        static func health(of node: NetworkState.Node) async -> HealthReport? {
            let (outcome, report) = await HealthCheck.ask(host: node.host, port: node.adminPort, timeout: .seconds(2))
            return outcome == .failed ? nil : report
        }
    }
}
