import ArgumentParser
import CDNCore
import GeoDNS
import NIOCore
import Topology

extension EdgeSim {
    /// `edgesim dns`: runs the GeoDNS server. `edgesim up` starts it once the edges are ready.
    struct DNSCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dns",
            abstract: "Run the GeoDNS server of a topology (UDP and TCP); `edgesim up` starts it for you.",
            discussion: "Each --upstream EDGE=HOST:PORT names an edge's admin address, which its health checks use."
        )

        @OptionGroup var options: NodeOptions

        func run() async throws {
            let topology = try options.loadTopology()
            let logger = options.makeLogger(role: .dns)
            let admins = try options.upstreams().compactMapValues { address in
                address.port.map { (host: address.ipAddress ?? "127.0.0.1", port: $0) }
            }
            let services = try await GeoDNSNode.build(
                topology: topology,
                host: options.host ?? ListenAddress.Default.host,
                port: options.port ?? 0,
                adminPort: options.adminPort,
                edgeAdmins: admins,
                onReady: options.announce,
                logger: logger
            )
            try await options.run(services, logger: logger)
        }
    }
}
