import CDNCore
import Logging
import ServiceLifecycle
import Synchronization

/// Which edges answer, checked continuously: each edge's `GET /health` every 200 ms with a
/// 400 ms timeout, over connections kept open (``HealthProber``), each outcome fed to an
/// ``EdgeHealthState``. Two failures in a row take an
/// edge out of routing (within 800 ms of it going quiet, within 400 ms when it refuses
/// connections); one success brings it back. An edge that answers 503 is shedding load, and
/// counts as failing until it has caught up.
public final class EdgeHealth<C: Clock>: Service where C.Duration == Duration {
    /// How often and how patiently.
    public static var interval: Duration { .milliseconds(200) }
    public static var timeout: Duration { .milliseconds(400) }

    private let admins: [String: (host: String, port: Int)]
    private let state = Mutex(EdgeHealthState())
    /// The probes' connections, kept open between probes.
    private let prober = HealthProber()
    private let clock: C
    private let logger: Logger

    /// - Parameters:
    ///   - admins: Each edge's admin address, by id.
    ///   - clock: The clock the probes' ticks follow.
    public init(admins: [String: (host: String, port: Int)], clock: C, logger: Logger) {
        self.admins = admins
        self.clock = clock
        self.logger = logger
    }

    /// The edges out of routing now.
    public var unhealthy: Set<String> { state.withLock { $0.outOfRouting } }

    public func run() async throws {
        // A probe leaves every 200 ms whether or not the last one has come back, so a hung edge
        // (whose probes wait out their timeout) is found as fast as one that refuses: after the
        // second probe sent since it hung times out, within 800 ms. No edge waits on another.
        //
        // The edges' probes are spread over the interval in batches of a few, not sent all at
        // once: a burst of 56 probes woke 56 edges together, and every emulated link's timer
        // that fell in the burst waited for the CPU (the demo's p99 was 5-7 ms over the model).
        // The probes run on the prober's event loop.
        let edges = admins.sorted { $0.key < $1.key }
        guard !edges.isEmpty else {
            try? await gracefulShutdown()  // nothing to probe; a service that returns would stop the node
            return
        }
        let batches = stride(from: 0, to: edges.count, by: Self.batchSize).map { Array(edges[$0..<min($0 + Self.batchSize, edges.count)]) }
        let slot = Self.interval / batches.count
        await withTaskExecutorPreference(prober.executor) {
            await cancelWhenGracefulShutdown {
                await withDiscardingTaskGroup { group in
                    var next = self.clock.now
                    while !Task.isCancelled {
                        for batch in batches {
                            for (edge, admin) in batch {
                                group.addTask {
                                    self.record(edge, await self.prober.ask(host: admin.host, port: admin.port, timeout: Self.timeout))
                                }
                            }
                            next = next.advanced(by: slot)
                            try? await self.clock.sleep(until: next, tolerance: nil)
                            if Task.isCancelled { break }
                        }
                    }
                }
            }
        }
        await prober.closeAll()
    }

    /// How many edges are probed together, at most.
    static var batchSize: Int { 6 }

    private func record(_ edge: String, _ outcome: HealthCheck.Outcome) {
        switch state.withLock({ $0.probed(edge, outcome) }) {
        case .none: break
        case .left(.overloaded): logger.warning("\(edge) is shedding load: out of routing")
        case .left(.silent): logger.warning("\(edge) stopped answering its health check: out of routing")
        case .returned: logger.notice("\(edge) answers again: back in routing")
        }
    }
}

extension EdgeHealth where C == ContinuousClock {
    /// Health checks on the continuous clock.
    public convenience init(admins: [String: (host: String, port: Int)], logger: Logger) {
        self.init(admins: admins, clock: ContinuousClock(), logger: logger)
    }
}
