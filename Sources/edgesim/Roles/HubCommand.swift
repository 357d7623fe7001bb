import ArgumentParser
import CDNCore
import RegionalHub
import Topology

extension EdgeSim {
    /// `edgesim hub`: runs one regional hub. `edgesim up` starts one per hub.
    struct HubCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hub",
            abstract: "Run one regional hub (regional edge cache) of a topology; `edgesim up` starts these for you."
        )

        @OptionGroup var options: NodeOptions

        func run() async throws {
            let topology = try options.loadTopology()
            guard let spec = topology.hub(options.node) else { throw ValidationError("there is no hub '\(options.node)' in \(options.topology)") }
            let logger = options.makeLogger(role: .hub)
            let settings = try options.cachingNode(.hub, listen: spec.listen, topology: topology)
            let services = try await RegionalHub.build(settings, onReady: options.announce, logger: logger)
            try await options.run(services, logger: logger)
        }
    }
}
