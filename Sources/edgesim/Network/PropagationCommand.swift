import ArgumentParser
import CDNCore
import Foundation
import NIOCore
import NIOHTTP1
import Registry
import Replication
import Topology

extension EdgeSim {
    /// `edgesim propagation`: publish a version, associate it, and time its arrival at every node.
    struct PropagationCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "propagation",
            abstract: "Publish a new function version, associate it, and report when each node switched to it.",
            discussion: """
                Works on a running network (edgesim up). The version is published from --code, or from the \
                bundle of the version in force (a new number, same code), or taken as it is with --version. \
                It replaces the function in every slot it holds, as one config epoch. Fault options break \
                things on purpose during the rollout: kill an edge, partition a hub from the registry, or \
                kill the registry.
                """
        )

        @Option(help: "The function (default: the first one associated).") var function: String?
        @Option(help: "Publish the new version from this folder or .zip.") var code: String?
        @Option(help: "Take this published version instead of publishing one.") var version: Int?
        @Option(help: "For a function never published: its runtime (nodejs, python).") var runtime: String?
        @Option(help: "For a function never published: FILE.FUNCTION.") var handler: String?
        @Option(help: "With a function associated nowhere yet: the distribution to associate it with.") var distribution: String?
        @Option(help: "With --distribution: the event.") var event = EventType.viewerRequest
        @Option(help: "With --distribution: the behavior's path pattern.") var behavior = "*"
        @Option(help: "Kill this edge (kill -9) right after associating; it converges after its restart.") var killEdge: String?
        @Option(help: "Cut this hub from the registry before associating.") var partitionHub: String?
        @Option(help: "How long the partition lasts, in seconds.") var partitionSeconds = 5.0
        @Flag(help: "Kill the registry (kill -9) right after associating; nodes keep serving.") var killRegistry = false
        @Option(help: "Give up after this many seconds.") var timeout = 300.0
        @Option(help: "Write the result as JSON to this file.") var json: String?
        @OptionGroup var state: StateDirectoryOption

        func run() async throws {
            let network = try state.load()
            var settings = PropagationRun.Settings(function: function)
            (settings.code, settings.version, settings.runtime, settings.handler) = (code, version, runtime, handler)
            (settings.distribution, settings.event, settings.behavior) = (distribution, event, behavior)
            (settings.killEdge, settings.partitionHub, settings.partitionSeconds) = (killEdge, partitionHub, partitionSeconds)
            (settings.killRegistry, settings.timeout) = (killRegistry, .seconds(timeout))
            let result: PropagationResult
            do {
                result = try await state.withRegistry { client in
                    try await PropagationRun(network: network, client: client, settings: settings, progress: { Output.line($0) }).measure()
                }
            } catch let error as PropagationError {
                throw ValidationError(error.description)
            }
            Output.line(result.table())
            if let json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(result).write(to: URL(fileURLWithPath: json))
                Output.line("wrote \(json)")
            }
            if !result.converged { throw ExitCode(1) }
        }
    }
}
