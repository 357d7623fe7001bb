import Prometheus
import Synchronization
import Topology

/// The Prometheus metrics every node serves at `/metrics` on its admin port: requests by how
/// they were answered, cache hits and misses, bytes sent, upstream latency, and errors.
public final class NodeMetrics: Sendable {
    /// The registry the metrics live in; `/metrics` prints it.
    public let registry = PrometheusCollectorRegistry()
    private let node: String
    private let role: String
    private let bytesSent: Counter
    private let upstreamLatency: DurationHistogram
    /// The per-request counters already made: each is looked up by its labels in the registry
    /// once, when first counted (so a series appears only once it has counted something).
    private let counters = Mutex(RequestCounters())
    /// The invocation series already made, by function and event.
    private let invocations = Mutex<[InvocationSeries.Key: InvocationSeries]>([:])

    private struct InvocationSeries: Sendable {
        struct Key: Hashable, Sendable {
            var function: String
            var event: String
        }
        let invocations: Counter
        let duration: DurationHistogram
        let coldStarts: Counter
        let initDuration: DurationHistogram
        let spawnDuration: DurationHistogram
    }

    private struct RequestCounters {
        /// By result (each ``ResultType``, then an origin's `Origin`) and status class (0–5),
        /// at `result * 6 + statusClass`: an index, not a hash of labels, per request.
        var requests = [Counter?](repeating: nil, count: (ResultType.allCases.count + 1) * 6)
        var cacheHits: Counter?
        var cacheMisses: Counter?

        static func slot(result: Int, status: Int) -> Int { result * 6 + min(max(status / 100, 0), 5) }
    }

    /// Creates the metrics of one node.
    public init(node: String, role: NodeRole) {
        self.node = node
        self.role = role.rawValue
        bytesSent = registry.makeCounter(
            descriptor: .init(namespace: "edgesim", metricName: "response_body", unitName: "bytes", helpText: "Response body bytes sent"),
            labels: [("node", node), ("role", role.rawValue)]
        )
        upstreamLatency = registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "edgesim",
                metricName: "upstream_duration",
                unitName: "seconds",
                helpText: "Time waiting for the upstream (hub or origin), link included"
            ),
            labels: [("node", node), ("role", role.rawValue)],
            buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000].map { Duration.milliseconds($0) }
        )
    }

    /// Counts one request a caching node answered.
    /// - Parameters:
    ///   - result: How it was answered.
    ///   - status: The status sent.
    ///   - bytes: The body size sent.
    public func recordRequest(_ result: ResultType, status: Int, bytes: Int) {
        count(result: result.rawValue, ordinal: result.ordinal, status: status, bytes: bytes)
        guard result.isCacheHit || result == .miss else { return }
        let counter = counters.withLock { counters in
            if result.isCacheHit {
                if counters.cacheHits == nil { counters.cacheHits = makeCacheCounter("hits") }
                return counters.cacheHits!
            }
            if counters.cacheMisses == nil { counters.cacheMisses = makeCacheCounter("misses") }
            return counters.cacheMisses!
        }
        counter.increment()
    }

    private func makeCacheCounter(_ name: String) -> Counter {
        registry.makeCounter(
            descriptor: .init(namespace: "edgesim", metricName: "cache_\(name)", unitName: "total", helpText: "Cache \(name)"),
            labels: [("node", node), ("role", role)]
        )
    }

    /// Counts one request an origin answered (result `Origin`).
    public func recordOriginRequest(status: Int, bytes: Int) {
        count(result: "Origin", ordinal: ResultType.allCases.count, status: status, bytes: bytes)
    }

    private func count(result: String, ordinal: Int, status: Int, bytes: Int) {
        let slot = RequestCounters.slot(result: ordinal, status: status)
        let counter = counters.withLock { counters in
            if let known = counters.requests[slot] { return known }
            let made = registry.makeCounter(
                descriptor: .init(namespace: "edgesim", metricName: "requests", unitName: "total", helpText: "Requests answered"),
                labels: [("node", node), ("role", role), ("result", result), ("status", "\(slot % 6)xx")]
            )
            counters.requests[slot] = made
            return made
        }
        counter.increment()
        bytesSent.increment(by: Int64(bytes))
    }

    /// Records how long an upstream took.
    public func recordUpstream(_ duration: Duration) { upstreamLatency.record(duration) }

    /// Counts one error.
    /// - Parameter kind: A short class (`upstream_unreachable`, `upstream_timeout`, `bad_request`, …).
    public func recordError(_ kind: String) {
        registry.makeCounter(
            descriptor: .init(namespace: "edgesim", metricName: "errors", unitName: "total", helpText: "Errors by kind"),
            labels: [("node", node), ("role", role), ("kind", kind)]
        ).increment()
    }

    /// Counts one custom error page sent in place of an upstream error.
    public func recordErrorPage(errorCode: Int, responseCode: Int) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "edgesim",
                metricName: "custom_error_responses",
                unitName: "total",
                helpText: "Custom error pages sent in place of an upstream error"
            ),
            labels: [("node", node), ("role", role), ("error_code", "\(errorCode)"), ("response_code", "\(responseCode)")]
        ).increment()
    }

    /// Counts one failover from an origin group's primary to its secondary.
    /// - Parameter reason: The primary's status, `unreachable` or `timed-out`.
    public func recordFailover(group: String, from primary: String, to secondary: String, reason: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "edgesim",
                metricName: "origin_failovers",
                unitName: "total",
                helpText: "Origin group failovers to the secondary"
            ),
            labels: [("node", node), ("role", role), ("group", group), ("from", primary), ("to", secondary), ("reason", reason)]
        ).increment()
    }

    /// Counts one fetch a hub made through an Origin Shield, by how the shield answered.
    public func recordShieldFetch(shield: String, hit: Bool) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "edgesim",
                metricName: "origin_shield_fetches",
                unitName: "total",
                helpText: "Fetches through an Origin Shield hub, by whether its cache had the object"
            ),
            labels: [("node", node), ("role", role), ("shield", shield), ("result", hit ? "hit" : "miss")]
        ).increment()
    }

    /// Counts one CORS request a response headers policy answered, by its result.
    public func recordCORS(policy: String, result: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "edgesim",
                metricName: "cors_requests",
                unitName: "total",
                helpText: "CORS requests answered under a response headers policy: preflight, allowed, or refused (origin not allowed)"
            ),
            labels: [("node", node), ("role", role), ("policy", policy), ("result", result)]
        ).increment()
    }

    /// Counts one request refused by geo restriction, by the viewer's country.
    public func recordGeoBlocked(country: String) {
        registry.makeCounter(
            descriptor: .init(namespace: "edgesim", metricName: "geo_blocked", unitName: "total", helpText: "Requests refused by geo restriction"),
            labels: [("node", node), ("role", role), ("country", country)]
        ).increment()
    }

    /// Counts one request refused for its signed URL or cookies, by CloudFront's error code.
    public func recordSignedURLDenial(code: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "edgesim",
                metricName: "signed_url_denials",
                unitName: "total",
                helpText: "Requests refused for a missing or invalid signed URL or cookie"
            ),
            labels: [("node", node), ("role", role), ("code", code)]
        ).increment()
    }

    /// Counts one GeoDNS answer by the edge it named (`nxdomain` for a name not served, `none`
    /// for no address).
    public func recordDNSAnswer(edge: String) {
        registry.makeCounter(
            descriptor: .init(namespace: "edgesim", metricName: "dns_answers", unitName: "total", helpText: "GeoDNS answers by the edge they name"),
            labels: [("node", node), ("role", role), ("edge", edge)]
        ).increment()
    }

    /// Counts one Lambda@Edge invocation: its duration, a cold start, and its error if any.
    /// - Parameters:
    ///   - function: `name:version`.
    ///   - event: The event type.
    ///   - duration: How long the handler ran.
    ///   - initDuration: The cold start, when the invocation started a worker (modelled, when
    ///     the topology models one).
    ///   - spawnDuration: What starting that worker took here: the tool's own cost.
    ///   - error: The error type (`Timeout`, `Throttled`, `TypeError`, …), if it failed.
    public func recordInvocation(
        function: String,
        event: String,
        duration: Duration,
        initDuration: Duration?,
        spawnDuration: Duration? = nil,
        error: String?
    ) {
        let series = invocationSeries(function: function, event: event)
        series.invocations.increment()
        series.duration.record(duration)
        if let initDuration {
            series.coldStarts.increment()
            series.initDuration.record(initDuration)
        }
        if let spawnDuration { series.spawnDuration.record(spawnDuration) }
        if let error { recordInvocationError(function: function, kind: error) }
    }

    /// The series of one function and event, looked up by their labels once.
    private func invocationSeries(function: String, event: String) -> InvocationSeries {
        let key = InvocationSeries.Key(function: function, event: event)
        return invocations.withLock { known in
            if let series = known[key] { return series }
            let labels = [("node", node), ("function", function), ("event", event)]
            let series = InvocationSeries(
                invocations: registry.makeCounter(
                    descriptor: .init(namespace: "edgesim", metricName: "lambda_invocations", unitName: "total", helpText: "Lambda@Edge invocations"),
                    labels: labels
                ),
                duration: registry.makeDurationHistogram(
                    descriptor: .init(
                        namespace: "edgesim",
                        metricName: "lambda_duration",
                        unitName: "seconds",
                        helpText: "Lambda@Edge handler duration"
                    ),
                    labels: labels,
                    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000].map { Duration.milliseconds($0) }
                ),
                coldStarts: registry.makeCounter(
                    descriptor: .init(
                        namespace: "edgesim",
                        metricName: "lambda_cold_starts",
                        unitName: "total",
                        helpText: "Workers started (cold starts)"
                    ),
                    labels: labels
                ),
                initDuration: registry.makeDurationHistogram(
                    descriptor: .init(
                        namespace: "edgesim",
                        metricName: "lambda_init_duration",
                        unitName: "seconds",
                        helpText: "Cold start (Init Duration)"
                    ),
                    labels: labels,
                    buckets: [25, 50, 100, 250, 500, 1000, 2500, 5000].map { Duration.milliseconds($0) }
                ),
                spawnDuration: registry.makeDurationHistogram(
                    descriptor: .init(
                        namespace: "edgesim",
                        metricName: "lambda_spawn_duration",
                        unitName: "seconds",
                        helpText: "Starting a worker here, spawn to handler loaded (the tool's own cost)"
                    ),
                    labels: labels,
                    buckets: [10, 25, 50, 100, 250, 500, 1000, 2500].map { Duration.milliseconds($0) }
                )
            )
            known[key] = series
            return series
        }
    }

    /// Counts one failed invocation by its kind (`Timeout` and `Throttled` are throttles in
    /// CloudWatch's terms; `ValidationError` an invalid response; the rest execution errors).
    /// A CloudFront Function's compute utilization for one run (0–100, the share of its
    /// allowed time it used), as CloudWatch's `FunctionComputeUtilization`.
    public func recordComputeUtilization(function: String, utilization: Int) {
        registry.makeValueHistogram(
            descriptor: .init(
                namespace: "edgesim",
                metricName: "function_compute_utilization",
                helpText: "CloudFront Function compute utilization per run (0-100)"
            ),
            labels: [("node", node), ("function", function)],
            buckets: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
        ).record(Double(utilization))
    }

    /// A CloudFront Function's KeyValueStore reads in one run, as CloudWatch's
    /// `KvsReadRequests` and `KvsReadErrors`.
    public func recordKeyValueStoreReads(function: String, reads: Int, errors: Int) {
        let descriptor = MetricNameDescriptor(
            namespace: "edgesim",
            metricName: "function_kvs_reads",
            unitName: "total",
            helpText: "CloudFront Function KeyValueStore reads by result"
        )
        let labels = [("node", node), ("function", function)]
        registry.makeCounter(descriptor: descriptor, labels: labels + [("result", "ok")]).increment(by: Int64(reads - errors))
        if errors > 0 { registry.makeCounter(descriptor: descriptor, labels: labels + [("result", "error")]).increment(by: Int64(errors)) }
    }

    public func recordInvocationError(function: String, kind: String) {
        registry.makeCounter(
            descriptor: .init(namespace: "edgesim", metricName: "lambda_errors", unitName: "total", helpText: "Lambda@Edge errors by kind"),
            labels: [("node", node), ("function", function), ("kind", kind)]
        ).increment()
    }

    /// Sets the cache's size gauges.
    public func recordCacheUsage(objects: Int, bytes: Int) {
        registry.makeGauge(
            descriptor: .init(namespace: "edgesim", metricName: "cache_objects", unitName: "count", helpText: "Objects in the cache"),
            labels: [("node", node), ("role", role)]
        ).set(Double(objects))
        registry.makeGauge(
            descriptor: .init(namespace: "edgesim", metricName: "cache_size", unitName: "bytes", helpText: "Bytes in the cache"),
            labels: [("node", node), ("role", role)]
        ).set(Double(bytes))
    }

    /// The Prometheus text exposition.
    public func exposition() -> String { registry.emitToString() }
}

extension ResultType {
    /// Its place among ``allCases``.
    fileprivate var ordinal: Int {
        switch self {
        case .hit: 0
        case .refreshHit: 1
        case .miss: 2
        case .error: 3
        case .lambdaGeneratedResponse: 4
        case .lambdaValidationError: 5
        case .lambdaExecutionError: 6
        case .lambdaLimitExceeded: 7
        case .redirect: 8
        case .functionGeneratedResponse: 9
        case .functionValidationError: 10
        case .functionExecutionError: 11
        case .functionThrottledError: 12
        }
    }
}
