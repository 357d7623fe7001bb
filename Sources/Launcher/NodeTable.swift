import CDNCore
import Foundation
import Topology

/// What the launcher knows about its nodes while they run: each one's state, kept as an
/// explicit state machine, and the record the state file shows.
actor NodeTable {
    /// Where one node is in its life.
    enum Phase: Sendable {
        /// Its process was started and has not printed its ready line.
        case starting(pid: Int32)
        /// It printed its ready line and serves.
        case ready(pid: Int32, port: Int, adminPort: Int)
        /// Its process exited; it waits to be restarted.
        case exited(status: String)
    }

    private var phases: [String: Phase] = [:]
    private var ports: [String: (port: Int, adminPort: Int, httpsPort: Int?)] = [:]
    private var restarts: [String: Int] = [:]
    private var lastExit: [String: String] = [:]
    /// Bumped on every change, so the launcher knows when to rewrite the state file.
    private(set) var version = 0

    /// A node's process started.
    func started(_ id: String, pid: Int32) {
        phases[id] = .starting(pid: pid)
        version += 1
    }

    /// A node printed its ready line.
    func ready(_ id: String, pid: Int32, line: ReadyLine) {
        phases[id] = .ready(pid: pid, port: line.port, adminPort: line.adminPort)
        ports[id] = (line.port, line.adminPort, line.httpsPort)
        version += 1
    }

    /// A node's process exited.
    func exited(_ id: String, status: String, willRestart: Bool) {
        phases[id] = .exited(status: status)
        lastExit[id] = status
        if willRestart { restarts[id, default: 0] += 1 }
        version += 1
    }

    /// The ports a node had once ready, reused when it restarts so its dependents keep working.
    func assignedPorts(_ id: String) -> (port: Int, adminPort: Int, httpsPort: Int?)? { ports[id] }

    /// Whether every node of a list is ready; `.failure` names one that exited before it was.
    func readiness(of ids: [String]) -> Result<Bool, LaunchError> {
        for id in ids {
            switch phases[id] {
            case .ready: continue
            case .exited(let status): return .failure(LaunchError(node: id, problem: "exited (\(status)) before it was ready"))
            case .starting, nil: return .success(false)
            }
        }
        return .success(true)
    }

    /// The traffic port of a node that was ready once.
    func port(of id: String) -> Int? { ports[id]?.port }

    /// The admin port of a node that was ready once.
    func adminPort(of id: String) -> Int? { ports[id]?.adminPort }

    /// The state file's records for nodes, in the order given.
    func records(_ plans: [NodePlan], settings: LaunchSettings) -> [NetworkState.Node] {
        plans.map { plan in
            let pid: Int32 =
                switch phases[plan.id] {
                case .starting(let pid), .ready(let pid, _, _): pid
                case .exited, nil: 0
                }
            return NetworkState.Node(
                id: plan.id,
                role: plan.role,
                location: plan.location,
                host: plan.host,
                port: ports[plan.id]?.port ?? 0,
                adminPort: ports[plan.id]?.adminPort ?? 0,
                httpsPort: ports[plan.id]?.httpsPort,
                pid: pid,
                hub: plan.hub,
                log: settings.logFile(of: plan.id),
                restarts: restarts[plan.id] ?? 0
            )
        }
    }
}

/// A network that could not start, naming the node and what happened to it.
public struct LaunchError: Error, CustomStringConvertible {
    /// The node.
    public var node: String
    /// What went wrong.
    public var problem: String
    /// The end of the node's log, if there is one.
    public var logTail: String = ""

    public var description: String {
        "node \(node) \(problem)" + (logTail.isEmpty ? "" : "\n--- last lines of its log ---\n\(logTail)")
    }
}
