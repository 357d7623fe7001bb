import CDNCore
import GeoDNS
import NIOCore
import Synchronization

/// The load from one viewer location: a warm-up on one connection, then `concurrency`
/// keep-alive connections that take tickets until the run is over. Each connection records
/// into its own recorder; they are merged at the end.
///
/// Each connection asks the GeoDNS server for its edge when it opens, as a browser's resolver
/// would, so an edge that leaves routing loses its viewers at their next connection; a response
/// that does not come within ``responseTimeout`` fails its request and closes the connection.
enum LocationRun {
    /// `Pragma: server-timing`, which CloudFront answers with `Server-Timing` whatever a
    /// response headers policy says: the breakdown stays on where a policy turns it off.
    static let asksServerTiming = [("Pragma", "server-timing")]

    /// How long one response may take.
    static let responseTimeout = Duration.seconds(2)

    /// The edge's address for a new connection: the GeoDNS answer, or the routed edge.
    static func edgeHost(_ target: MeasureTarget) async -> String {
        guard let resolver = target.resolver, let domain = target.domain, let colon = resolver.lastIndex(of: ":"),
            let port = Int(resolver[resolver.index(after: colon)...])
        else { return target.edgeHost }
        let answer = try? await DNSClient.resolve(domain, server: String(resolver[..<colon]), port: port, from: target.address)
        return answer?.first ?? target.edgeHost
    }

    /// How a location speaks TLS to its edge: over HTTPS, trusting the network's CA and naming
    /// the distribution's domain in SNI; `nil` over plain HTTP.
    static func tls(_ target: MeasureTarget) -> ViewerTLSClient? {
        guard let ca = target.certificateAuthority, let domain = target.domain else { return nil }
        return try? ViewerTLSClient(certificateAuthority: ca, serverName: domain)
    }

    /// - Parameter placement: The location's number in the run: its connections go on the event
    ///   loops from there on, so a run's connections are spread evenly over the loops.
    static func run(_ target: MeasureTarget, settings: MeasureSettings, progress: MeasureProgress, placement: Int) async -> LocationRecorder {
        let tls = tls(target)
        await warmUp(target, settings: settings, tls: tls)
        let started = ContinuousClock.now
        let tickets = Tickets(extent: settings.extent, pacing: settings.pacing, start: started)
        return await withTaskGroup(of: LocationRecorder.self) { group in
            let connections = max(1, settings.concurrency)
            for index in 0..<connections {
                // Each connection's task runs on the event loop its channel runs on: a request's
                // write, its response's parts and the recording need no hop between threads.
                let (loop, executor) = EventLoopTaskExecutors.singleton.executor(at: placement * connections + index)
                group.addTask(executorPreference: executor) {
                    await connection(target, settings: settings, tls: tls, tickets: tickets, progress: progress, started: started, on: loop)
                }
            }
            var merged = LocationRecorder()
            for await recorder in group { merged.merge(recorder) }
            return merged
        }
    }

    /// Requests that fill the caches along the way and are not counted.
    private static func warmUp(_ target: MeasureTarget, settings: MeasureSettings, tls: ViewerTLSClient?) async {
        guard settings.warmup > 0 else { return }
        _ = try? await ViewerConnection.open(host: await edgeHost(target), port: target.edgePort, from: target.address, tls: tls) { connection in
            for index in 0..<settings.warmup {
                _ = try await connection.send(path: settings.paths[index % settings.paths.count], hostHeader: target.domain)
                if connection.isClosing { break }
            }
        }
    }

    /// One connection's share: reopened whenever the edge closes it or it breaks.
    private static func connection(
        _ target: MeasureTarget,
        settings: MeasureSettings,
        tls: ViewerTLSClient?,
        tickets: Tickets,
        progress: MeasureProgress,
        started: ContinuousClock.Instant,
        on loop: any EventLoop
    ) async -> LocationRecorder {
        var recorder = LocationRecorder()
        var pending: Tickets.Ticket? = await tickets.next()
        while let first = pending {
            var inFlight = first
            do {
                // A connection follows its resolver as a browser does: it asks again once the
                // answer's second is up, and moves when the answer moves.
                var host = await edgeHost(target)
                var resolvedAt = ContinuousClock.now
                pending = try await ViewerConnection.open(
                    host: host,
                    port: target.edgePort,
                    from: target.address,
                    responseTimeout: responseTimeout,
                    eventLoop: loop,
                    tls: tls
                ) { connection in
                    var ticket: Tickets.Ticket? = first
                    var setup: ConnectionSetup? = connection.setup
                    var edges = EdgeNames()
                    while let current = ticket {
                        inFlight = current
                        let path = settings.paths[current.index % settings.paths.count]
                        let reply = try await connection.send(path: path, hostHeader: target.domain, headers: Self.asksServerTiming)
                        var sample = Sample(reply: reply, latency: .now - current.due, at: current.due - started, edges: &edges)
                        // The connection's first request carries what opening it took.
                        (sample.setup, setup) = (setup, nil)
                        recorder.record(sample)
                        progress.count(target.viewer, failed: sample.outcome != .success && sample.outcome != .redirect)
                        if connection.isClosing { return await tickets.next() }
                        // Asked before the next ticket is taken, so no request's time includes the
                        // lookup: timed inside one, it put one request a second per connection a
                        // resolver's round trip late, which showed in every location's p99.
                        if target.resolver != nil, ContinuousClock.now - resolvedAt >= .seconds(1) {
                            let answer = await edgeHost(target)
                            resolvedAt = .now
                            if answer != host {
                                host = answer
                                return await tickets.next()
                            }
                        }
                        ticket = await tickets.next()
                    }
                    return nil
                }
            } catch {
                // The request in flight got no answer: it counts, as a transport error.
                recorder.record(Sample(failureAfter: .now - inFlight.due, at: inFlight.due - started))
                progress.count(target.viewer, failed: true)
                try? await Task.sleep(for: .milliseconds(20))
                pending = await tickets.next()
            }
        }
        return recorder
    }
}

/// Counts done and failed requests per location while a run goes, for the progress display.
public final class MeasureProgress: Sendable {
    public struct Count: Sendable {
        public var done = 0
        public var failed = 0

        public init() {}
    }

    private let counts = Mutex<[String: Count]>([:])

    public init() {}

    func count(_ viewer: String, failed: Bool) {
        counts.withLock { counts in
            counts[viewer, default: Count()].done += 1
            if failed { counts[viewer, default: Count()].failed += 1 }
        }
    }

    /// The counts so far, by viewer.
    public var snapshot: [String: Count] { counts.withLock { $0 } }
}
