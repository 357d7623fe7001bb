import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Topology

/// Every function worker of one edge, as one service: it owns the worker pools (one per
/// function version), runs each worker process as a child task, retires idle workers, and on
/// shutdown lets running invocations finish before the workers exit.
///
/// Function logs go where Lambda@Edge puts them, per executing region:
/// `STATE/cloudwatch/REGION/aws/lambda/us-east-1.NAME/EDGE.log`.
public final class FunctionHost: Service {
    /// How the host runs.
    public struct Settings: Sendable {
        /// The edge's id (the log stream).
        public var edge: String
        /// The executing region (the edge's hub).
        public var region: String
        /// The state directory: logs and the bootstraps go under it.
        public var stateDirectory: String
        /// How long a worker may stay idle before it is retired.
        public var idleTimeout: Duration
        /// Workers per function version.
        public var maximumConcurrency: Int
        /// Invocations that may wait before the next is throttled.
        public var maximumQueue: Int
        /// The modelled Lambda cold start per runtime (the topology's `init_durations`).
        public var modelledInitDurations: [Runtime: Duration]

        /// Creates settings.
        public init(
            edge: String,
            region: String,
            stateDirectory: String,
            idleTimeout: Duration = .seconds(300),
            maximumConcurrency: Int = WorkerPool.Default.maximumConcurrency,
            maximumQueue: Int = WorkerPool.Default.maximumQueue,
            modelledInitDurations: [Runtime: Duration] = [:]
        ) {
            self.edge = edge
            self.region = region
            self.stateDirectory = stateDirectory
            self.idleTimeout = idleTimeout
            self.maximumConcurrency = maximumConcurrency
            self.maximumQueue = maximumQueue
            self.modelledInitDurations = modelledInitDurations
        }
    }

    public let settings: Settings
    private let bootstraps: [Runtime: String]
    private let launches: AsyncStream<Worker>
    private let launchesIn: AsyncStream<Worker>.Continuation
    private let pools = Mutex<[FunctionRef: WorkerPool]>([:])
    private let workers = Mutex<[Worker]>([])
    /// Today's `YYYY/MM/DD` (UTC), made once a day rather than on every invocation.
    private let streamDay = Mutex<(day: Int, text: String)?>(nil)
    private let logger: Logger

    /// Creates the host and writes the bootstraps.
    /// - Throws: When the state directory cannot be written.
    public init(settings: Settings, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        bootstraps = try BootstrapFiles.install(in: (settings.stateDirectory as NSString).appendingPathComponent("runtime/\(settings.edge)"))
        (launches, launchesIn) = AsyncStream.makeStream(of: Worker.self)
    }

    /// The pool of a function version, made on first use.
    public func pool(for code: FunctionCode) -> WorkerPool {
        pools.withLock { pools in
            if let pool = pools[code.ref] { return pool }
            let launchesIn = launchesIn
            let pool = WorkerPool(
                code: code,
                maximumConcurrency: settings.maximumConcurrency,
                maximumQueue: settings.maximumQueue,
                modelledInitDuration: settings.modelledInitDurations[code.runtime],
                launch: { worker in launchesIn.yield(worker) }
            )
            pools[code.ref] = pool
            return pool
        }
    }

    /// The log file of a function at this edge.
    public func logPath(of function: String) -> String {
        CloudWatchPaths.functionLog(stateDirectory: settings.stateDirectory, region: settings.region, function: function, edge: settings.edge)
    }

    /// The log stream's name, as Lambda names streams: `YYYY/MM/DD/[VERSION]EDGE`.
    public func logStream(version: Int) -> String {
        let now = Date()
        let number = Int((now.timeIntervalSince1970 / 86_400).rounded(.down))
        let day = streamDay.withLock { cached in
            if let cached, cached.day == number { return cached.text }
            let text = now.formatted(.iso8601.year().month().day().dateSeparator(.dash)).replacingOccurrences(of: "-", with: "/")
            cached = (number, text)
            return text
        }
        return "\(day)/[\(version)]\(settings.edge)"
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.reapIdleWorkers() }
            for await worker in launches.cancelOnGracefulShutdown() {
                workers.withLock { $0.append(worker) }
                let bootstrap = bootstraps[worker.code.runtime] ?? ""
                let log = logPath(of: worker.code.name)
                let region = settings.region
                group.addTask { await worker.run(bootstrap: bootstrap, logPath: log, region: region) }
            }
            // Shutting down: no new workers; each finishes its invocation, then exits.
            launchesIn.finish()
            for worker in workers.withLock({ $0 }) { worker.retire() }
        }
    }

    private func reapIdleWorkers() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            for pool in pools.withLock({ Array($0.values) }) {
                let retired = await pool.reapIdle(olderThan: settings.idleTimeout)
                if retired > 0 { logger.debug("retired \(retired) idle workers of \(pool.code.ref)") }
            }
            workers.withLock { $0.removeAll { $0.isGone } }
        }
    }
}

/// Where CloudWatch-style log groups live under a state directory.
public enum CloudWatchPaths {
    /// `STATE/cloudwatch/REGION/aws/lambda/us-east-1.FUNCTION/EDGE.log`.
    public static func functionLog(stateDirectory: String, region: String, function: String, edge: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("cloudwatch/\(region)/aws/lambda/us-east-1.\(function)/\(edge).log")
    }

    /// `STATE/cloudwatch/REGION/aws/cloudfront/LambdaEdge/DISTRIBUTION/EDGE.log`: validation errors.
    public static func validationLog(stateDirectory: String, region: String, distribution: String, edge: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("cloudwatch/\(region)/aws/cloudfront/LambdaEdge/\(distribution)/\(edge).log")
    }

    /// The root of every group.
    public static func root(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("cloudwatch")
    }
}
