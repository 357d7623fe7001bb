import ArgumentParser
import CDNCore
import Foundation
import Launcher
import Logging
import ServiceLifecycle
import Topology
import UnixSignals

extension EdgeSim {
    /// `edgesim up FILE`: runs every node of a topology as its own process until Ctrl-C.
    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start every node of a topology as its own process; stop them all on Ctrl-C (SIGINT) or SIGTERM.",
            discussion: """
                Origins start first, then hubs, then edges. Once every node answers, the state file \
                (STATE-DIR/network.json) lists each node's address, port and pid, and each node logs to \
                STATE-DIR/logs/NODE.log. A viewer location speaks from its own loopback address: \
                `curl --interface ADDRESS` makes a request come from there.
                """
        )

        @Argument(help: "The topology file.", completion: .file(extensions: ["yaml", "yml"]))
        var file: String

        @OptionGroup var state: StateDirectoryOption

        @Option(help: "The seed of the emulated links' jitter and loss.")
        var seed = CachingNodeSettings.Default.seed

        @Option(help: "The status of a LambdaExecutionError: 500 (CloudFront's documentation) or 503 (widely observed).")
        var lambdaExecutionErrorStatus = CachingNodeSettings.Default.executionErrorStatus

        @Option(help: "Seconds each tier of nodes has to become ready.")
        var readyTimeout = Int(LaunchSettings.Default.readyTimeout.inSeconds)

        @Option(help: "Slow rollout: spread each config switch over this window, per edge (\"2 min\"), like CloudFront's InProgress.")
        var rollout = DurationArgument(.zero)

        @Option(help: "How long hubs and edges keep a function version no config epoch names.")
        var garbageDelay = DurationArgument(CachingNodeSettings.Default.garbageDelay)

        @Flag(help: "Links carry no modelled delay or impairment: to measure edgesim itself, or propagation without geography.")
        var noLinkLatency = false

        @Option(help: "Each edge's limit of requests in flight: past it, the edge sheds requests with 503 instead of queueing them.")
        var edgeMaxInFlight = CachingNodeSettings.Default.maximumInFlight

        @Option(help: "Your own certificate authority's PEM certificate, to issue the network's certificates (with --ca-key).")
        var ca: String?

        @Option(help: "Your own certificate authority's PEM private key (with --ca).")
        var caKey: String?

        func validate() throws {
            guard [500, 503].contains(lambdaExecutionErrorStatus) else {
                throw ValidationError("--lambda-execution-error-status must be 500 or 503")
            }
            guard (ca == nil) == (caKey == nil) else { throw ValidationError("--ca and --ca-key go together: the certificate and its key") }
        }

        func run() async throws {
            let topology = try NodeOptions.load(file)
            var settings = LaunchSettings(
                topologyFile: file,
                stateDirectory: state.path,
                executable: LaunchSettings.currentExecutable,
                readyTimeout: .seconds(readyTimeout),
                seed: seed,
                lambdaExecutionErrorStatus: lambdaExecutionErrorStatus,
                rollout: rollout.value,
                garbageDelay: garbageDelay.value,
                emulatesLinks: !noLinkLatency
            )
            settings.edgeMaximumInFlight = edgeMaxInFlight
            if let ca, let caKey { settings.certificateAuthority = (ca, caKey) }
            let launch = settings
            let logger = Logger(label: "edgesim.up") { StreamLogHandler.standardError(label: $0) }
            Output.line("starting \(topology.summary) from \(file)…")
            let started = ContinuousClock.now
            let launcher = Launcher(topology: topology, settings: launch, logger: logger) { state in
                Output.line("")
                Output.line(NetworkTables.nodes(state))
                Output.line(NetworkTables.viewers(state))
                Output.line(
                    "ready in \(String(format: "%.1f", (ContinuousClock.now - started).inMilliseconds / 1000)) s; state in \(launch.stateDirectory). Ctrl-C or `edgesim down` stops it."
                )
            }
            try await NetworkTables.runGroup([launcher], logger: logger)
            Output.line("stopped.")
        }
    }
}

extension NodeOptions {
    /// Loads a topology file for a user command, printing its problems as `file:line:col`.
    static func load(_ file: String) throws -> Topology {
        let report = TopologyLoader.check(path: file)
        guard let topology = report.topology else {
            for diagnostic in report.diagnostics { Output.error(diagnostic.description) }
            throw ExitCode(1)
        }
        return topology
    }
}
