import CDNCore
import Logging
import ServiceLifecycle
import Synchronization

/// Which edges answer, checked continuously: each edge's `GET /health` every 200 ms with a
/// 400 ms timeout. Two failures in a row take an edge out of routing (within 800 ms of it going
/// quiet, within 400 ms when it refuses connections); one success brings it back. An edge that
/// answers 503 is shedding load, and counts as failing until it has caught up.
public final class EdgeHealth: Service {
    /// How often and how patiently.
    public static let interval = Duration.milliseconds(200)
    public static let timeout = Duration.milliseconds(400)
    public static let failuresToLeave = 2

    private let admins: [String: (host: String, port: Int)]
    private let failures = Mutex<[String: Int]>([:])
    private let logger: Logger

    /// - Parameter admins: Each edge's admin address, by id.
    public init(admins: [String: (host: String, port: Int)], logger: Logger) {
        self.admins = admins
        self.logger = logger
    }

    /// The edges out of routing now.
    public var unhealthy: Set<String> {
        failures.withLock { Set($0.filter { $0.value >= Self.failuresToLeave }.keys) }
    }

    public func run() async throws {
        // A probe leaves every 200 ms whether or not the last one has come back, so a hung edge
        // (whose probes wait out their timeout) is found as fast as one that refuses: after the
        // second probe sent since it hung times out, within 800 ms. No edge waits on another.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                var next = ContinuousClock.now
                while !Task.isCancelled {
                    for (edge, admin) in self.admins {
                        group.addTask {
                            self.record(edge, await HealthCheck.ask(host: admin.host, port: admin.port, timeout: Self.timeout).outcome)
                        }
                    }
                    next += Self.interval
                    try? await Task.sleep(until: next, clock: .continuous)
                }
            }
        }
    }

    private func record(_ edge: String, _ probe: HealthCheck.Outcome) {
        let (before, after) = failures.withLock { failures -> (Int, Int) in
            let before = failures[edge, default: 0]
            failures[edge] = probe == .healthy ? 0 : before + 1
            return (before, failures[edge, default: 0])
        }
        if before < Self.failuresToLeave, after == Self.failuresToLeave {
            let why = probe == .overloaded ? "is shedding load" : "stopped answering its health check"
            logger.warning("\(edge) \(why): out of routing")
        } else if before >= Self.failuresToLeave, after == 0 {
            logger.notice("\(edge) answers again: back in routing")
        }
    }
}
