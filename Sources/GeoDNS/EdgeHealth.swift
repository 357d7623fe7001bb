import CDNCore
import Logging
import ServiceLifecycle
import Synchronization

/// Which edges answer, checked continuously: each edge's `GET /health` every 200 ms with a
/// 400 ms timeout. Two failures in a row take an edge out of routing (within about a second of
/// it going quiet, sooner when it refuses connections); one success brings it back.
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
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let started = ContinuousClock.now
                await withTaskGroup(of: (String, Bool).self) { group in
                    for (edge, admin) in self.admins {
                        group.addTask {
                            let reply = try? await ViewerClient.get(
                                host: admin.host,
                                port: admin.port,
                                path: "/health",
                                from: nil,
                                timeout: Self.timeout
                            )
                            return (edge, reply?.status == 200)
                        }
                    }
                    for await (edge, healthy) in group { self.record(edge, healthy: healthy) }
                }
                try? await Task.sleep(until: started + Self.interval, clock: .continuous)
            }
        }
    }

    private func record(_ edge: String, healthy: Bool) {
        let (before, after) = failures.withLock { failures -> (Int, Int) in
            let before = failures[edge, default: 0]
            failures[edge] = healthy ? 0 : before + 1
            return (before, failures[edge, default: 0])
        }
        if before < Self.failuresToLeave, after == Self.failuresToLeave {
            logger.warning("\(edge) stopped answering its health check: out of routing")
        } else if before >= Self.failuresToLeave, after == 0 {
            logger.notice("\(edge) answers again: back in routing")
        }
    }
}
