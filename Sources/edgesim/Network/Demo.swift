import ArgumentParser
import CDNCore
import Foundation
import Launcher
import Logging
import ServiceLifecycle
import Topology
import UnixSignals

extension EdgeSim {
    /// `edgesim demo`: starts a topology, sends requests from viewers around the world, shows
    /// what each saw, and stops.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the global topology, send each viewer's requests through its nearest edge, print what they saw, and stop."
        )

        @Option(help: "The topology to run.", completion: .file(extensions: ["yaml", "yml"]))
        var topology = "topologies/global.yaml"

        @Option(help: "The path to request.")
        var path = "/"

        @Option(help: "How many viewer locations to send from (spread over the file); 0 for all.")
        var viewers = 12

        @Option(help: "Where the demo's network keeps its state (removed afterwards).", completion: .directory)
        var stateDir = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-demo-\(getpid())").path

        func run() async throws {
            let loaded = try NodeOptions.load(topology)
            let settings = LaunchSettings(topologyFile: topology, stateDirectory: stateDir, executable: LaunchSettings.currentExecutable)
            var logger = Logger(label: "edgesim.demo") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .warning
            Output.line("starting \(loaded.summary) as \(1 + loaded.hubs.count + loaded.edges.count + loaded.origins.count) processes…")
            let started = ContinuousClock.now
            let stopper = GroupStopper()
            let chosen = Self.spread(loaded.viewers, count: viewers)
            let path = path
            let launcher = Launcher(topology: loaded, settings: settings, logger: logger) { state in
                Output.line(
                    "ready in \(String(format: "%.1f", (ContinuousClock.now - started).inMilliseconds / 1000)) s; each viewer asks twice for \(path)…\n"
                )
                let rows = await DemoRun.requests(state: state, viewers: chosen, path: path)
                Output.line(DemoRun.table(rows))
                Output.line(
                    "\nthe first request crosses every tier (Miss); the second is an edge Hit. `edgesim up \(loaded.file ?? "FILE")` keeps a network running."
                )
                await stopper.stop()
            }
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: launcher, successTerminationBehavior: .gracefullyShutdownGroup)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            await stopper.attach(group)
            try await group.run()
            try? FileManager.default.removeItem(atPath: stateDir)
            Output.line("stopped every node.")
        }

        /// Viewers spread evenly over the file's list.
        static func spread(_ viewers: [ViewerSpec], count: Int) -> [ViewerSpec] {
            guard count > 0, count < viewers.count else { return viewers }
            return (0..<count).map { viewers[$0 * viewers.count / count] }
        }
    }
}

/// Stops a service group from inside one of its services, once it exists.
actor GroupStopper {
    private var group: ServiceGroup?

    func attach(_ group: ServiceGroup) { self.group = group }

    func stop() async { await group?.triggerGracefulShutdown() }
}
