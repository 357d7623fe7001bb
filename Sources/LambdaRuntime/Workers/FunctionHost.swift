import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Topology

/// Every function worker of one edge, as one service: it owns the worker pools (one per
/// function version), runs each worker process as a child task, retires idle workers, and on
/// shutdown lets running invocations finish before the workers exit.
///
/// It keeps interpreters started ahead of need for each kind of worker that the edge's
/// functions use (``keepSpares(for:)``, ``Settings/spareWorkers`` of each): a new worker takes
/// one and only loads its function, so a cold start does not wait for `node` to start (60–120
/// ms on a small machine, more than a trivial handler's whole init), and the next spare starts
/// behind it.
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
        /// Interpreters kept started ahead per kind of worker (the topology's `spare_workers`).
        public var spareWorkers: Int

        /// Creates settings.
        public init(
            edge: String,
            region: String,
            stateDirectory: String,
            idleTimeout: Duration = .seconds(300),
            maximumConcurrency: Int = WorkerPool.Default.maximumConcurrency,
            maximumQueue: Int = WorkerPool.Default.maximumQueue,
            modelledInitDurations: [Runtime: Duration] = [:],
            spareWorkers: Int = Topology.Default.spareWorkers
        ) {
            self.edge = edge
            self.region = region
            self.stateDirectory = stateDirectory
            self.idleTimeout = idleTimeout
            self.maximumConcurrency = maximumConcurrency
            self.maximumQueue = maximumQueue
            self.modelledInitDurations = modelledInitDurations
            self.spareWorkers = spareWorkers
        }
    }

    public let settings: Settings
    /// What the workers may reach.
    public let sandbox: WorkerSandbox
    /// Which CloudFront Functions are throttled at this edge for running past their budget.
    public let computeThrottles = ComputeThrottles()
    private let bootstraps: [Runtime: String]
    private let launches: AsyncStream<Worker>
    private let launchesIn: AsyncStream<Worker>.Continuation
    private let pools = Mutex<[FunctionRef: WorkerPool]>([:])
    private let workers = Mutex<[Worker]>([])
    /// The kinds of worker to keep a spare of, and the spares.
    private let spares = Mutex<(wanted: Set<Worker.Kind>, started: [Worker.Kind: [Worker]])>(([], [:]))
    private let nextWorkerID = Atomic<Int>(0)
    /// Today's `YYYY/MM/DD` (UTC), made once a day rather than on every invocation.
    private let streamDay = Mutex<(day: Int, text: String)?>(nil)
    private let logger: Logger

    /// Creates the host and writes the bootstraps.
    /// - Throws: When the state directory cannot be written.
    public init(settings: Settings, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        let runtime = (settings.stateDirectory as NSString).appendingPathComponent("runtime/\(settings.edge)")
        bootstraps = try BootstrapFiles.install(in: runtime)
        sandbox = WorkerSandbox(stateDirectory: settings.stateDirectory, homes: (runtime as NSString).appendingPathComponent("sandbox"))
        try FileManager.default.createDirectory(atPath: sandbox.homes, withIntermediateDirectories: true)
        if let reason = sandbox.reason { logger.notice("function workers run as the edge's own user: \(reason)") }
        (launches, launchesIn) = AsyncStream.makeStream(of: Worker.self)
    }

    /// The pool of a function version, made on first use.
    public func pool(for code: FunctionCode) -> WorkerPool {
        pools.withLock { pools in
            if let pool = pools[code.ref] { return pool }
            sandbox.prepare(code, logPath: logPath(of: code), bootstrap: bootstraps[code.runtime])
            let pool = WorkerPool(
                code: code,
                maximumConcurrency: settings.maximumConcurrency,
                maximumQueue: settings.maximumQueue,
                modelledInitDuration: settings.modelledInitDurations[code.runtime],
                obtain: { [weak self] code in
                    guard let self else {
                        // The host is gone, so nothing would run the process: a worker that ends at once.
                        let worker = Worker(id: 0, kind: .init(code))
                        worker.kill()
                        return worker
                    }
                    return self.worker(for: code)
                }
            )
            pools[code.ref] = pool
            return pool
        }
    }

    /// Keeps spare interpreters for each kind of worker these functions need, and none for any
    /// other kind: the edge calls it with the functions of each config it applies.
    public func keepSpares(for codes: some Sequence<FunctionCode>) {
        // Each function's code is made its own as soon as the edge holds it, so that no other
        // function's worker can read it, invoked or not.
        for code in codes { sandbox.prepare(code, logPath: logPath(of: code), bootstrap: bootstraps[code.runtime]) }
        let wanted = Set(codes.map(kind(of:)))
        let unwanted = spares.withLock { spares in
            spares.wanted = wanted
            let unwanted = spares.started.filter { !wanted.contains($0.key) }
            for kind in unwanted.keys { spares.started[kind] = nil }
            return unwanted.values.flatMap { $0 }
        }
        for worker in unwanted { worker.retire() }
        replenishSpares()
    }

    /// A new worker for a function, given the function already: the oldest spare of its kind
    /// that is alive (then the next spare starts), else a worker started now, whose pipes are
    /// on the loop of the call that needed it, so that call and the ones after it from the same
    /// loop cross no thread.
    func worker(for code: FunctionCode) -> Worker {
        let kind = kind(of: code)
        let spare = spares.withLock { spares -> Worker? in
            spares.started[kind]?.removeAll(where: \.isGone)
            return spares.started[kind]?.isEmpty == false ? spares.started[kind]?.removeFirst() : nil
        }
        let worker: Worker
        if let spare {
            worker = spare
        } else {
            worker = start(kind, on: MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton.next())
        }
        worker.assign(.init(code: code, logPath: logPath(of: code), identity: sandbox.identity(of: code), home: sandbox.home(of: code.name)))
        replenishSpares()
        return worker
    }

    /// Starts spares of each wanted kind until it has ``Settings/spareWorkers`` alive. A spare
    /// that dies is replaced here, when the next worker is taken or the next config applied,
    /// not on a timer: an interpreter that cannot start is not restarted over and over.
    private func replenishSpares() {
        spares.withLock { spares in
            for kind in spares.wanted {
                var alive = spares.started[kind, default: []].filter { !$0.isGone }
                while alive.count < settings.spareWorkers { alive.append(start(kind, on: MultiThreadedEventLoopGroup.singleton.next())) }
                spares.started[kind] = alive
            }
        }
    }

    /// The kind of worker a function needs: its runtime, memory and user.
    private func kind(of code: FunctionCode) -> Worker.Kind { Worker.Kind(code, changesUser: sandbox.identity(of: code) != nil) }

    /// Starts a worker's process in the host's task group.
    private func start(_ kind: Worker.Kind, on loop: any EventLoop) -> Worker {
        let worker = Worker(id: nextWorkerID.wrappingAdd(1, ordering: .relaxed).newValue, kind: kind, eventLoop: loop)
        launchesIn.yield(worker)
        return worker
    }

    /// The log file of a function at this edge: Lambda@Edge's in the edge's region, a
    /// CloudFront Function's in us-east-1 whatever edge ran it, as at AWS.
    public func logPath(of code: FunctionCode) -> String {
        guard !code.runtime.isCloudFrontFunction else {
            return CloudWatchPaths.cloudFrontFunctionLog(stateDirectory: settings.stateDirectory, function: code.name, edge: settings.edge)
        }
        return CloudWatchPaths.functionLog(stateDirectory: settings.stateDirectory, region: settings.region, function: code.name, edge: settings.edge)
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
                let bootstrap = bootstraps[worker.kind.runtime] ?? ""
                let stderr = (settings.stateDirectory as NSString).appendingPathComponent("runtime/\(settings.edge)/workers/\(worker.id).stderr")
                group.addTask { await worker.run(bootstrap: bootstrap, stderrPath: stderr, sandbox: self.sandbox) }
            }
            // Shutting down: no new workers; each finishes its invocation, then exits.
            launchesIn.finish()
            spares.withLock { $0 = ([], [:]) }
            for worker in workers.withLock({ $0 }) { worker.retire() }
        }
    }

    private func reapIdleWorkers() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            for pool in pools.withLock({ Array($0.values) }) {
                let retired = pool.reapIdle(olderThan: settings.idleTimeout)
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

    /// `STATE/cloudwatch/us-east-1/aws/cloudfront/function/FUNCTION/EDGE.log`: a CloudFront
    /// Function's `console.log` lines, from every edge, in us-east-1.
    public static func cloudFrontFunctionLog(stateDirectory: String, function: String, edge: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("cloudwatch/us-east-1/aws/cloudfront/function/\(function)/\(edge).log")
    }

    /// `STATE/cloudwatch/REGION/aws/cloudfront/LambdaEdge/DISTRIBUTION/EDGE.log`: validation errors.
    public static func validationLog(stateDirectory: String, region: String, distribution: String, edge: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("cloudwatch/\(region)/aws/cloudfront/LambdaEdge/\(distribution)/\(edge).log")
    }

    /// The root of every group.
    public static func root(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("cloudwatch")
    }

    /// Appends to a log file, creating it (and its folder) when it is not there yet.
    public static func append(_ bytes: Data, to logPath: String) {
        let folder = (logPath as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: logPath) else { return }
        defer { try? log.close() }
        _ = try? log.seekToEnd()
        try? log.write(contentsOf: bytes)
    }
}
