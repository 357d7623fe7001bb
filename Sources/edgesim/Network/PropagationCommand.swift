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
        @Option(help: "With --distribution: the event.") var event = "viewer-request"
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
            let client = try RegistryClient(state: state)
            let run = PropagationRun(network: network, client: client, command: self)
            let result = try await run.measure()
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

/// One propagation measurement, step by step.
struct PropagationRun {
    let network: NetworkState
    let client: RegistryClient
    let command: EdgeSim.PropagationCommand

    /// `GET /config`.
    struct Config: Decodable {
        var epoch: Int
        var associations: [Association]
    }

    func measure() async throws -> PropagationResult {
        let config = try JSONDecoder().decode(Config.self, from: try await client.send(.GET, "/config"))
        guard let name = command.function ?? config.associations.first?.function else {
            throw ValidationError("nothing is associated yet: name a function with --function and where with --distribution")
        }
        var slots = config.associations.filter { $0.function == name }.map {
            RegistryAPI.AssociateRequest(
                distribution: $0.distribution,
                behavior: $0.behavior,
                event: $0.event.rawValue,
                function: "",
                includeBody: $0.includeBody
            )
        }
        if slots.isEmpty {
            guard let distribution = command.distribution else {
                throw ValidationError("\(name) is associated nowhere: give --distribution (and --event, --behavior)")
            }
            slots = [.init(distribution: distribution, behavior: command.behavior, event: command.event, function: "", includeBody: false)]
        }

        // 1. The version: taken, or published (and timed from here).
        let publishedAt = Date().timeIntervalSince1970
        let current = config.associations.first { $0.function == name }?.version
        let number: Int
        if let version = command.version { number = version } else { number = try await publish(name, current: current) }
        Output.line(
            "\(name):\(number) → \(slots.count) slot(s); \(network.nodes.filter { $0.role == .hub || $0.role == .edge }.count) nodes to reach"
        )

        // 2. Faults before the switch, then the switch, then faults during it.
        if let hub = command.partitionHub { try await partition(hub) }
        for index in slots.indices { slots[index].function = "\(name):\(number)" }
        let reply = try await client.send(.POST, "/associations", body: try JSONEncoder().encode(slots), authorized: true)
        let epoch = try JSONDecoder().decode(Config.self, from: reply).epoch
        Output.line("config epoch \(epoch) made; waiting for every node…")
        var notes: [String] = []
        if let edge = command.killEdge {
            guard let node = network.node(edge), node.role == .edge else { throw ValidationError("there is no edge '\(edge)' running") }
            kill(node.pid, SIGKILL)
            notes.append("killed \(edge) (pid \(node.pid)) right after associating")
        }
        if command.killRegistry, let registry = network.node(RegistrySpec.id) {
            kill(registry.pid, SIGKILL)
            notes.append("killed the registry (pid \(registry.pid)) right after associating")
            notes.append(await edgesServe(while: "the registry was down"))
        }

        // 3. Wait for every node, through a registry that may be restarting.
        let deadline = ContinuousClock.now + .seconds(command.timeout)
        var status: DeploymentStatus?
        while ContinuousClock.now < deadline {
            if let (code, data) = try? await client.exchange(.GET, "/deployment"), code == 200,
                let current = try? JSONDecoder().decode(DeploymentStatus.self, from: data), current.epoch >= epoch
            {
                status = current
                if current.status == .deployed { break }
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        return PropagationResult(
            function: "\(name):\(number)",
            epoch: epoch,
            publishedAt: publishedAt,
            associatedAt: status?.madeAt ?? publishedAt,
            nodes: (status?.nodes ?? []).map { node in
                PropagationResult.Node(
                    node: node.node,
                    role: node.role,
                    location: network.node(node.node)?.location ?? "",
                    hub: network.node(node.node)?.hub,
                    switchedAt: node.epoch >= epoch ? node.switchedAt : nil,
                    refused: node.refused
                )
            },
            converged: status?.status == .deployed,
            notes: notes
        )
    }

    /// Publishes a new version: from `--code`, or the current version's bundle again.
    private func publish(_ name: String, current: Int?) async throws -> Int {
        let versions = try JSONDecoder.iso8601.decode([FunctionVersion].self, from: try await client.send(.GET, "/functions"))
        let base = versions.last { $0.name == name && (current == nil || $0.version == current) }
        let runtime = command.runtime ?? base?.runtime
        let handler = command.handler ?? base?.handler
        guard let runtime, let handler, base != nil || command.code != nil else {
            throw ValidationError("no function '\(name)' is published: give --code, --runtime and --handler")
        }
        let bundle: Data =
            if let code = command.code { try RegistryStore.bundle(from: code) } else {
                try await client.send(.GET, "/functions/\(name)/versions/\(base?.version ?? 1)/bundle")
            }
        let memory = base?.memoryMegabytes ?? RegistryStore.Default.memoryMegabytes
        let timeout = base?.timeoutMilliseconds ?? RegistryStore.Default.timeoutMilliseconds
        let query = "runtime=\(runtime)&handler=\(handler)&memory=\(memory)&timeout=\(timeout)"
        let reply = try await client.send(.POST, "/functions/\(name)/versions?\(query)", body: bundle, authorized: true)
        return try JSONDecoder.iso8601.decode(FunctionVersion.self, from: reply).version
    }

    /// Cuts a hub from the registry through its admin port.
    private func partition(_ hub: String) async throws {
        guard let node = network.node(hub), node.role == .hub else { throw ValidationError("there is no hub '\(hub)' running") }
        let reply = try await ViewerClient.get(
            method: .POST,
            host: node.host,
            port: node.adminPort,
            path: "/faults/partition?peer=\(RegistrySpec.id)&seconds=\(command.partitionSeconds)",
            from: nil
        )
        guard reply.status == 200 else { throw ValidationError("\(hub) refused the partition: \(String(buffer: reply.body))") }
        Output.line("partitioned \(hub) from the registry for \(command.partitionSeconds) s")
    }

    /// Asks every edge for its distribution's root once; says how many answered below 500.
    private func edgesServe(while what: String) async -> String {
        let edges = network.nodes.filter { $0.role == .edge }
        var served = 0
        for edge in edges {
            let reply = try? await ViewerClient.get(
                host: edge.host,
                port: edge.port,
                path: "/",
                from: nil,
                hostHeader: network.distributions.first?.domain
            )
            if let reply, reply.status < 500 { served += 1 }
        }
        return "\(served) of \(edges.count) edges served while \(what)"
    }
}
