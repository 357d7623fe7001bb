import Prometheus
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

    /// Counts one answered request.
    /// - Parameters:
    ///   - result: How it was answered (`Hit`, `Miss`, `Error`, …).
    ///   - status: The status sent.
    ///   - bytes: The body size sent.
    public func recordRequest(result: String, status: Int, bytes: Int) {
        registry.makeCounter(
            descriptor: .init(namespace: "edgesim", metricName: "requests", unitName: "total", helpText: "Requests answered"),
            labels: [("node", node), ("role", role), ("result", result), ("status", "\(status / 100)xx")]
        ).increment()
        bytesSent.increment(by: Int64(bytes))
        let cache = result == "Hit" || result == "RefreshHit" ? "hits" : (result == "Miss" ? "misses" : nil)
        if let cache {
            registry.makeCounter(
                descriptor: .init(namespace: "edgesim", metricName: "cache_\(cache)", unitName: "total", helpText: "Cache \(cache)"),
                labels: [("node", node), ("role", role)]
            ).increment()
        }
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
