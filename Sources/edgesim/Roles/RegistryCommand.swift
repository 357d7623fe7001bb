import ArgumentParser
import CDNCore
import Registry
import Topology

extension EdgeSim {
    /// `edgesim registry`: runs the central function registry. `edgesim up` starts it first.
    struct RegistryCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "registry",
            abstract: "Run the central function registry of a topology; `edgesim up` starts it for you."
        )

        @OptionGroup var options: NodeOptions

        func run() async throws {
            let topology = try options.loadTopology()
            let logger = options.makeLogger(role: .registry)
            let settings = Registry.Settings(
                topology: topology,
                stateDirectory: options.stateDirectory,
                host: options.host ?? topology.registry.listen.host,
                port: options.port ?? topology.registry.listen.port,
                adminPort: options.adminPort
            )
            let services = try await Registry.build(settings, onReady: options.announce, logger: logger)
            try await options.run(services, logger: logger)
        }
    }
}
