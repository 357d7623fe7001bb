import CDNCore
import Foundation
import LambdaRuntime
import Logging
import ServiceLifecycle
import Topology

/// `edgesim up` as a service: turns a topology into running processes, one per node, and
/// keeps them running until graceful shutdown.
///
/// Origins start first, then hubs (told where the origins listen), then edges (told where
/// their hub and the origins listen); each tier waits until every node of the one before has
/// printed its ready line. Then the state file is written and `onReady` is called. On
/// shutdown every node gets SIGTERM, and the state file is removed once they have exited.
public struct Launcher: Service {
    private let topology: Topology
    private let settings: LaunchSettings
    private let onReady: @Sendable (NetworkState) async -> Void
    private let logger: Logger

    /// Creates a launcher.
    /// - Parameters:
    ///   - topology: The network to run.
    ///   - settings: Where state goes and which executable runs the nodes.
    ///   - onReady: Called once every node answers, with the state written to the state directory.
    ///   - logger: The launcher's logger.
    public init(topology: Topology, settings: LaunchSettings, logger: Logger, onReady: @escaping @Sendable (NetworkState) async -> Void) {
        self.topology = topology
        self.settings = settings
        self.logger = logger
        self.onReady = onReady
    }

    public func run() async throws {
        try prepareStateDirectory()
        let table = NodeTable()
        // The edges' certificates exist before any edge starts (made once, kept across runs).
        do { try TLSFiles(stateDirectory: settings.stateDirectory).prepare(for: topology, authority: settings.certificateAuthority) } catch {
            throw LaunchError(node: "up", problem: "cannot make the network's TLS certificates: \(error)")
        }
        let sharing = topology.edges.filter { $0.listen.port == ListenAddress.Default.port }.compactMap { topology.edgeHosts[$0.id] }
        // Both shared ports stay held until the network stops (see ``SharedPort``).
        let edgePort = try SharedPort.reserve(on: sharing)
        let edgeHosts = topology.edges.compactMap { topology.edgeHosts[$0.id] }
        let edgeHTTPSPort = try SharedPort.reserve(on: edgeHosts, except: edgePort.port)
        defer { withExtendedLifetime((edgePort, edgeHTTPSPort)) {} }
        let tiers = NodePlan.tiers(of: topology, edgePort: edgePort.port, edgeHTTPSPort: edgeHTTPSPort.port)
        let hosts = Dictionary(uniqueKeysWithValues: tiers.joined().map { ($0.id, $0.host) })
        defer { NetworkState.remove(from: settings.stateDirectory) }
        // The functions' interpreters are asked for while the origins and hubs start, once for
        // every edge: otherwise each edge's first invocation of a runtime waits for the question.
        // A task of its own, so that every edge's supervisor can await its one answer; past its
        // deadline the edges start without it and ask for themselves.
        let runtimes = Set(topology.functions.map(\.runtime))
        let interpreters = Task { await Self.interpreters(for: runtimes, within: .seconds(5)) }
        defer { interpreters.cancel() }
        try await withThrowingDiscardingTaskGroup { group in
            for tier in tiers {
                for plan in tier {
                    let isEdge = plan.role == .edge
                    let environment: @Sendable () async -> [String: String] = { isEdge ? await interpreters.value : [:] }
                    let supervisor = NodeSupervisor(
                        plan: plan,
                        settings: settings,
                        table: table,
                        hosts: hosts,
                        environment: environment,
                        logger: logger
                    )
                    group.addTask { await supervisor.run() }
                }
                try await waitUntilReady(tier, table: table)
            }
            let state = await networkState(tiers: tiers, table: table)
            try state.write(to: settings.stateDirectory)
            group.addTask { await keepStateFileCurrent(state, tiers: tiers, table: table) }
            await onReady(state)
            try? await gracefulShutdown()
            logger.info("stopping \(tiers.joined().count) nodes")
        }
    }

    /// The variables that hand the runtimes' interpreters to the edges, or none if asking takes
    /// longer than `limit` (an interpreter that hangs must not hold up the network).
    private static func interpreters(for runtimes: Set<Runtime>, within limit: Duration) async -> [String: String] {
        guard !runtimes.isEmpty else { return [:] }
        return await withTaskGroup(of: [String: String]?.self) { group in
            group.addTask { await Interpreters.shared.handOff(for: runtimes) }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return await group.next().flatMap { $0 } ?? [:]
        }
    }

    private func prepareStateDirectory() throws {
        let manager = FileManager.default
        let directory = settings.stateDirectory
        if let running = try? NetworkState.load(from: directory), ProcessLiveness.isAlive(running.launcherPID) {
            throw LaunchError(
                node: "up",
                problem: "cannot start: a network already runs from \(directory) (pid \(running.launcherPID)); stop it with `edgesim down`"
            )
        }
        try manager.createDirectory(atPath: (directory as NSString).appendingPathComponent("logs"), withIntermediateDirectories: true)
    }

    /// Waits until every node of a tier printed its ready line and answers its health check, or
    /// fails naming the first that died or the first still not ready at the deadline.
    private func waitUntilReady(_ tier: [NodePlan], table: NodeTable) async throws {
        let deadline = ContinuousClock.now + settings.readyTimeout
        let ids = tier.map(\.id)
        while true {
            switch await table.readiness(of: ids) {
            case .success(true) where await answersHealth(tier, table: table):
                return
            case .failure(var error):
                error.logTail = LogFile.tail(settings.logFile(of: error.node))
                throw error
            case .success:
                guard ContinuousClock.now < deadline else {
                    let node = ids.first ?? "?"
                    throw LaunchError(
                        node: node,
                        problem: "did not become ready within \(settings.readyTimeout)",
                        logTail: LogFile.tail(settings.logFile(of: node))
                    )
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Rewrites the state file when a node restarts (new pid, restart count) until shutdown.
    private func keepStateFileCurrent(_ initial: NetworkState, tiers: [[NodePlan]], table: NodeTable) async {
        var written = await table.version
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(100)) }
            let version = await table.version
            guard version != written, !Task.isShuttingDownGracefully else { continue }
            var state = initial
            state.nodes = await table.records(Array(tiers.joined()), settings: settings)
            do {
                try state.write(to: settings.stateDirectory)
                written = version
            } catch {
                logger.error("cannot update the state file: \(error)")
            }
        }
    }

    /// Whether every node of a tier answers `GET /health` on its admin port.
    private func answersHealth(_ tier: [NodePlan], table: NodeTable) async -> Bool {
        for plan in tier {
            guard let port = await table.adminPort(of: plan.id) else { return false }
            guard await HealthCheck.ask(host: plan.host, port: port, timeout: .seconds(2)).outcome == .healthy else { return false }
        }
        return true
    }

    private func networkState(tiers: [[NodePlan]], table: NodeTable) async -> NetworkState {
        let nodes = await table.records(Array(tiers.joined()), settings: settings)
        let viewers = topology.viewers.map { viewer in
            // The first distribution's route: where `curl` from this viewer to it goes.
            let route = try? topology.route(viewer: viewer.id, distribution: topology.distributions.first?.id)
            return NetworkState.Viewer(
                id: viewer.id,
                address: topology.address(of: viewer.id) ?? "",
                location: viewer.location.label,
                edge: route?.edge.id,
                rttMilliseconds: route?.hops.first?.rtt.inMilliseconds
            )
        }
        return NetworkState(
            topology: settings.topologyFile,
            name: topology.name,
            launcherPID: ProcessInfo.processInfo.processIdentifier,
            startedAt: Date(),
            nodes: nodes,
            viewers: viewers,
            distributions: topology.distributions.map { .init(id: $0.id, domain: $0.domainName) },
            certificateAuthority: TLSFiles(stateDirectory: settings.stateDirectory).authorityCertificate
        )
    }
}
