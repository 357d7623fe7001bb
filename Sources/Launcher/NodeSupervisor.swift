import CDNCore
import Foundation
import Logging
import ServiceLifecycle
import Subprocess
import SystemPackage
import Topology

/// Runs one node's process for as long as the network runs: starts it, keeps its output in its
/// log file, notes its ready line, and restarts it with backoff when it dies — on the same
/// ports, so the nodes that connect to it keep working. On graceful shutdown it sends SIGTERM
/// and waits for a clean exit (SIGKILL after a grace period).
struct NodeSupervisor: Sendable {
    let plan: NodePlan
    let settings: LaunchSettings
    let table: NodeTable
    /// The listen address of every node, by id, to tell a node where its upstreams are.
    let hosts: [String: String]
    /// Variables for the node's environment, beside what it inherits: for an edge, the
    /// interpreters its workers start (``Interpreters/handOff(for:)``).
    let environment: @Sendable () async -> [String: String]
    let logger: Logger

    func run() async {
        var backoff = RestartBackoff<ContinuousClock.Instant>()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let started = ContinuousClock.now
            let status = await runOnce()
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            await table.exited(plan.id, status: status, willRestart: true)
            let hold = RestartHold(stateDirectory: settings.stateDirectory, node: plan.id).take()
            switch backoff.exited(startedAt: started, at: .now, hold: hold) {
            case .restart(let wait, .held):
                logger.error("node \(plan.id) was killed (\(status)); restarting in \(wait), as `edgesim kill --down` asked")
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            case .restart(let wait, .crashed):
                logger.error("node \(plan.id) exited (\(status)); restarting in \(wait)")
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            }
        }
    }

    /// Runs the process once, until it exits; returns how it ended.
    private func runOnce() async -> String {
        let arguments = await self.arguments()
        let log = LogFile(path: settings.logFile(of: plan.id))
        log.write("--- \(Date()) starting: \(settings.executable) \(arguments.joined(separator: " "))\n")
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(5))]
        let (id, table) = (plan.id, table)
        var variables: [Environment.Key: String?] = [:]
        for (name, value) in await environment() { if let key = Environment.Key(rawValue: name) { variables[key] = value } }
        do {
            let result = try await Subprocess.run(
                .path(FilePath(settings.executable)),
                arguments: Arguments(arguments),
                environment: .inherit.updating(variables),
                platformOptions: options,
                input: .none,
                output: .sequence,
                error: .sequence
            ) { execution in
                let pid = execution.processIdentifier.value
                await table.started(id, pid: pid)
                try await withGracefulShutdownHandler {
                    try await withThrowingDiscardingTaskGroup { group in
                        group.addTask {
                            for try await line in execution.standardOutput.strings() {
                                log.write(line + "\n")
                                if let ready = ReadyLine(parsing: line) { await table.ready(id, pid: pid, line: ready) }
                            }
                        }
                        group.addTask {
                            for try await line in execution.standardError.strings() { log.write(line + "\n") }
                        }
                    }
                } onGracefulShutdown: {
                    try? execution.send(signal: .terminate)
                }
            }
            log.write("--- \(Date()) exited: \(result.terminationStatus)\n")
            return "\(result.terminationStatus)"
        } catch {
            log.write("--- \(Date()) could not start: \(error)\n")
            return "could not start: \(error)"
        }
    }

    /// The node's command line: its role, its node, its ports (the same ones again on a
    /// restart) and where its upstreams listen.
    private func arguments() async -> [String] {
        var line = NodeCommandLine(role: plan.role, topologyFile: settings.topologyFile, node: plan.id)
        line.host = plan.host
        line.seed = settings.seed
        line.stateDirectory = settings.stateDirectory
        line.executionErrorStatus = settings.lambdaExecutionErrorStatus
        line.rollout = settings.rollout
        line.maximumInFlight = settings.edgeMaximumInFlight
        line.garbageDelay = settings.garbageDelay
        line.emulatesLinks = settings.emulatesLinks
        if let assigned = await table.assignedPorts(plan.id) {
            (line.port, line.adminPort, line.httpsPort) = (assigned.port, assigned.adminPort, assigned.httpsPort ?? 0)
        } else {
            (line.port, line.httpsPort) = (plan.port, plan.httpsPort)
        }
        for upstream in plan.upstreams {
            // The DNS server checks the edges' health: it gets their admin ports.
            guard let port = plan.role == .dns ? await table.adminPort(of: upstream) : await table.port(of: upstream) else { continue }
            line.upstreams.append(.init(id: upstream, host: hosts[upstream].map(ListenAddress.connectable) ?? ListenAddress.Default.host, port: port))
        }
        return line.arguments
    }
}

/// A node's log file, appended to from several tasks.
final class LogFile: Sendable {
    private let handle: FileHandle?

    init(path: String) {
        let manager = FileManager.default
        try? manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if !manager.fileExists(atPath: path) { manager.createFile(atPath: path, contents: nil) }
        handle = FileHandle(forWritingAtPath: path)
        _ = try? handle?.seekToEnd()
    }

    func write(_ text: String) { handle?.write(Data(text.utf8)) }

    /// The last lines of a log, for error messages.
    static func tail(_ path: String, lines: Int = 15) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
