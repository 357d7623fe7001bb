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
            let settings = HubSettings(
                id: spec.id,
                topology: topology,
                originAddresses: try options.upstreams(),
                host: options.host ?? spec.listen.host,
                port: options.port ?? spec.listen.port,
                adminPort: options.adminPort,
                seed: options.seed,
                registryAddress: try options.registryAddress(),
                stateDirectory: options.stateDirectory,
                garbageDelay: options.garbageDelay.value
            )
            let services = try await RegionalHub.build(settings, onReady: options.announce, logger: logger)
            try await options.run(services, logger: logger)
        }
    }
}
