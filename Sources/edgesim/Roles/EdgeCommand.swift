import ArgumentParser
import CDNCore
import EdgeNode
import Topology

extension EdgeSim {
    /// `edgesim edge`: runs one edge location. `edgesim up` starts one per edge.
    struct EdgeCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edge",
            abstract: "Run one edge location (POP) of a topology; `edgesim up` starts these for you."
        )

        @OptionGroup var options: NodeOptions

        func validate() throws {
            guard options.maxInFlight >= 1 else { throw ValidationError("--max-in-flight must be at least 1") }
            guard [500, 503].contains(options.lambdaExecutionErrorStatus) else {
                throw ValidationError("--lambda-execution-error-status must be 500 or 503")
            }
        }

        func run() async throws {
            let topology = try options.loadTopology()
            guard let spec = topology.edge(options.node) else { throw ValidationError("there is no edge '\(options.node)' in \(options.topology)") }
            let upstreams = try options.upstreams()
            guard let hubAddress = upstreams[spec.hub] else { throw ValidationError("--upstream \(spec.hub)=HOST:PORT is needed: the edge's hub") }
            let logger = options.makeLogger(role: .edge)
            let settings = EdgeSettings(
                node: try options.cachingNode(.edge, listen: spec.listen, topology: topology),
                hubAddress: hubAddress,
                executionErrorStatus: options.lambdaExecutionErrorStatus,
                rollout: options.rollout.value,
                maximumInFlight: options.maxInFlight,
                httpsPort: options.httpsPort
            )
            // The HTTPS port is bound before both others are, so the ready line can name it.
            let httpsPort = BoundPort()
            let node = options.node
            let services = try await EdgeNode.build(
                settings,
                httpsPort: httpsPort,
                onReady: { port, adminPort in ReadyLine(node: node, port: port, adminPort: adminPort, httpsPort: httpsPort.port).announce() },
                logger: logger
            )
            try await options.run(services, logger: logger)
        }
    }
}
