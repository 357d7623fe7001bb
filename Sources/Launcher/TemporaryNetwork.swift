import CDNCore
import Foundation
import Launcher
import Logging
import ServiceLifecycle
import Topology
import UnixSignals

/// A network started from a topology file for the length of one piece of work (`demo`,
/// `measure FILE`, a test): it starts every node as its own process, runs the body once the
/// network is ready, then stops every node and removes its state directory. SIGINT and SIGTERM
/// stop it too.
///
/// ```swift
/// let table = try await TemporaryNetwork.run(topology, file: "topologies/minimal.yaml") { state in
///     try await measure(state)
/// }
/// ```
public enum TemporaryNetwork {
    /// Runs a body against a freshly started network.
    /// - Parameters:
    ///   - topology: The loaded topology.
    ///   - file: Its file.
    ///   - executable: The `edgesim` executable that runs each node (by default this one).
    ///   - progress: Told when the network starts, is ready and has stopped.
    ///   - body: What to do with the running network's state.
    /// - Returns: What the body returned, or `nil` when the network stopped before it ran.
    /// - Throws: What the launcher or the body threw.
    public static func run<Result: Sendable>(
        _ topology: Topology,
        file: String,
        executable: String = LaunchSettings.currentExecutable,
        progress: @escaping @Sendable (String) -> Void = { _ in },
        _ body: @escaping @Sendable (NetworkState) async throws -> Result
    ) async throws -> Result? {
        let stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-run-\(getpid())-\(UUID().uuidString.prefix(8))")
            .path
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let settings = LaunchSettings(topologyFile: file, stateDirectory: stateDirectory, executable: executable)
        var logger = Logger(label: "edgesim.run") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        progress("starting \(topology.summary) as \(1 + topology.hubs.count + topology.edges.count + topology.origins.count) processes…")
        let started = ContinuousClock.now
        let stopper = GroupStopper()
        let outcome = Outcome<Result>()
        let launcher = Launcher(topology: topology, settings: settings, logger: logger) { state in
            progress("ready in \(String(format: "%.1f", (ContinuousClock.now - started).inMilliseconds / 1000)) s")
            do {
                await outcome.set(.success(try await body(state)))
            } catch {
                await outcome.set(.failure(error))
            }
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
        progress("stopped every node.")
        return try await outcome.value?.get()
    }
}

/// Stops a service group from inside one of its services, once it exists.
private actor GroupStopper {
    private var group: ServiceGroup?

    func attach(_ group: ServiceGroup) { self.group = group }

    func stop() async { await group?.triggerGracefulShutdown() }
}

/// What a body running inside the group came to.
private actor Outcome<Value: Sendable> {
    private(set) var value: Result<Value, any Error>?

    func set(_ value: Result<Value, any Error>) { self.value = value }
}
