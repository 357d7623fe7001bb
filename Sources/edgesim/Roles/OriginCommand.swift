import ArgumentParser
import CDNCore
import StaticOrigin
import Topology

extension EdgeSim {
    /// `edgesim origin`: runs one built-in static origin. `edgesim up` starts one per static origin.
    struct OriginCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "origin",
            abstract: "Run one built-in origin (a folder served S3-style) of a topology; `edgesim up` starts these for you."
        )

        @OptionGroup var options: NodeOptions

        func run() async throws {
            let topology = try options.loadTopology()
            guard let spec = topology.origin(options.node) else {
                throw ValidationError("there is no origin '\(options.node)' in \(options.topology)")
            }
            var settings: OriginSettings
            do {
                settings = try OriginSettings(spec)
            } catch {
                throw ValidationError("\(error)")
            }
            settings.host = options.host ?? settings.host
            settings.port = options.port ?? settings.port
            settings.adminPort = options.adminPort
            // `up` makes the certificates before any node starts; an origin run on its own makes its own.
            let files = TLSFiles(stateDirectory: options.stateDirectory)
            if !files.exist { try files.prepare(for: topology) }
            settings.tlsFiles = files
            let logger = options.makeLogger(role: .origin)
            let services = try StaticOrigin.build(settings, onReady: options.announce, logger: logger)
            try await options.run(services, logger: logger)
        }
    }
}
