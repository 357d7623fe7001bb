import ArgumentParser
import CDNCore
import Logging
import NIOCore
import ServiceLifecycle
import Topology
import UnixSignals

/// The options every role shares, read from a ``NodeCommandLine``'s arguments (the launcher
/// writes them; a user can too, to run one node by hand). The option names are the command
/// line's ``NodeCommandLine/Name``s.
struct NodeOptions: ParsableArguments {
    typealias Name = NodeCommandLine.Name

    @Option(name: .customLong(Name.topology), help: "The topology file the node belongs to.", completion: .file(extensions: ["yaml", "yml"]))
    var topology: String

    @Option(name: .customLong(Name.node), help: "The node's id in the topology.")
    var node: String

    @Option(name: .customLong(Name.host), help: "The address to listen on (default: the topology's, else 127.0.0.1).")
    var host: String?

    @Option(name: .customLong(Name.port), help: "The traffic port (default: the topology's, else 0 for an ephemeral one).")
    var port: Int?

    @Option(name: .customLong(Name.adminPort), help: "The admin port for /health, /metrics and /invalidate (0: ephemeral).")
    var adminPort = 0

    @Option(name: .customLong(Name.upstream), help: "Where an upstream node listens, as ID=HOST:PORT; repeat for each.")
    var upstream: [String] = []

    @Option(name: .customLong(Name.seed), help: "The seed of the emulated links' jitter and loss.")
    var seed = CachingNodeSettings.Default.seed

    @Option(name: .customLong(Name.stateDirectory), help: "Where function logs, bootstraps and extracted packages go.")
    var stateDirectory = CachingNodeSettings.Default.stateDirectory

    @Option(
        name: .customLong(Name.lambdaExecutionErrorStatus),
        help: "The status of a LambdaExecutionError: 500 (CloudFront's documentation) or 503 (widely observed)."
    )
    var lambdaExecutionErrorStatus = CachingNodeSettings.Default.executionErrorStatus

    @Option(
        name: .customLong(Name.rollout),
        help: "Slow rollout: an edge puts a new config epoch in force after its own share of this window (\"90 s\", \"5 min\")."
    )
    var rollout = DurationArgument(.zero)

    @Option(name: .customLong(Name.garbageDelay), help: "How long a hub or an edge keeps a function version no config epoch names (\"3 h\").")
    var garbageDelay = DurationArgument(CachingNodeSettings.Default.garbageDelay)

    @Option(name: .customLong(Name.httpsPort), help: "An edge's HTTPS port (0: ephemeral).")
    var httpsPort = 0

    @Option(name: .customLong(Name.maxInFlight), help: "An edge's limit of requests in flight: past it, requests are shed with 503.")
    var maxInFlight = CachingNodeSettings.Default.maximumInFlight

    @Flag(name: .customLong(Name.noLinkLatency), help: "Links carry no modelled delay or impairment (viewer links included).")
    var noLinkLatency = false

    @Option(help: "The log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: Logger.Level = .info

    /// The command line these options were read from, for a role.
    /// - Throws: `ValidationError` for an `--upstream` that is not `ID=HOST:PORT`.
    func commandLine(role: NodeRole) throws -> NodeCommandLine {
        var line = NodeCommandLine(role: role, topologyFile: topology, node: node)
        (line.host, line.port, line.adminPort, line.seed, line.stateDirectory) = (host, port, adminPort, seed, stateDirectory)
        (line.executionErrorStatus, line.rollout, line.garbageDelay) = (lambdaExecutionErrorStatus, rollout.value, garbageDelay.value)
        (line.maximumInFlight, line.emulatesLinks, line.httpsPort) = (maxInFlight, !noLinkLatency, httpsPort)
        line.upstreams = try parsedUpstreams()
        return line
    }

    /// The `--upstream` options, read.
    /// - Throws: `ValidationError` for one that is not `ID=HOST:PORT`.
    private func parsedUpstreams() throws -> [NodeCommandLine.Upstream] {
        try upstream.map { entry in
            guard let parsed = NodeCommandLine.Upstream(parsing: entry) else { throw ValidationError("--upstream '\(entry)' is not ID=HOST:PORT") }
            return parsed
        }
    }

    /// Where the registry listens (`--upstream registry=HOST:PORT`), if given.
    func registryAddress() throws -> SocketAddress? {
        try upstreams()[RegistrySpec.id]
    }

    /// The upstream addresses by id.
    func upstreams() throws -> [String: SocketAddress] {
        var addresses: [String: SocketAddress] = [:]
        for upstream in try parsedUpstreams() {
            do {
                addresses[upstream.id] = try SocketAddress(ipAddress: upstream.host, port: upstream.port)
            } catch {
                throw ValidationError("--upstream '\(upstream)': \(error)")
            }
        }
        return addresses
    }

    /// The topology, loaded and checked; its problems are printed as `file:line:col`.
    func loadTopology() throws -> Topology {
        let report = TopologyLoader.check(path: topology)
        guard var loaded = report.topology else {
            for diagnostic in report.diagnostics { Output.error(diagnostic.description) }
            throw ExitCode(1)
        }
        loaded.emulatesLinks = !noLinkLatency
        return loaded
    }

    /// The node's logger, writing to standard error (which the launcher keeps in the node's log).
    func makeLogger(role: NodeRole) -> Logger {
        var logger = Logger(label: "edgesim.\(role.rawValue).\(node)") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = logLevel
        return logger
    }

    /// Runs a node's services until SIGTERM or SIGINT, or until its launcher is gone.
    func run(_ services: [any Service], logger: Logger) async throws {
        var configurations = [
            ServiceGroupConfiguration.ServiceConfiguration(
                service: ParentWatch(logger: logger),
                successTerminationBehavior: .gracefullyShutdownGroup
            )
        ]
        configurations += services.map { .init(service: $0) }
        var configuration = ServiceGroupConfiguration(services: configurations, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }

    /// The caching node's settings of an edge or a hub, from these options.
    /// - Parameters:
    ///   - role: ``NodeRole/edge`` or ``NodeRole/hub``.
    ///   - listen: Where the topology says the node listens, for what the options leave out.
    ///   - topology: The loaded topology.
    func cachingNode(_ role: NodeRole, listen: ListenAddress, topology: Topology) throws -> CachingNodeSettings {
        CachingNodeSettings(
            id: node,
            role: role,
            topology: topology,
            originAddresses: try upstreams(),
            host: host ?? listen.host,
            port: port ?? listen.port,
            adminPort: adminPort,
            seed: seed,
            registryAddress: try registryAddress(),
            stateDirectory: stateDirectory,
            garbageDelay: garbageDelay.value
        )
    }

    /// The callback that prints the node's ready line.
    var announce: @Sendable (Int, Int) async -> Void {
        let node = node
        return { port, adminPort in ReadyLine(node: node, port: port, adminPort: adminPort).announce() }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A duration on the command line, in the topology's units: `500 ms`, `90 s`, `5 min`, `3 h`.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var value: Duration

    init(_ value: Duration) { self.value = value }

    init?(argument: String) {
        guard case .success(let value) = Quantity.duration(argument) else { return nil }
        self.value = value
    }

    var defaultValueDescription: String { "\(value.inSeconds) s" }
}

extension EventType: ExpressibleByArgument {}
