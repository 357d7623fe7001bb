import Foundation
import Histogram
import Topology

/// What a measurement found, per viewer location, in a form JSON, CSV, tables and the HTML
/// report all read.
public struct MeasureResult: Sendable, Codable {
    /// One location's results.
    public struct Location: Sendable, Codable {
        public var target: MeasureTarget
        /// The edge that answered most (the one routing gave, unless it failed over).
        public var servedBy: String
        /// Answered requests by the edge that answered them (more than one after a failover).
        public var edges: [String: Int]
        /// Per second of the run, requests by the edge that answered them, or `error`: where a
        /// failover shows.
        public var timeline: [[String: Int]]
        public var requests: Int
        /// Requests by outcome: `2xx`, `3xx`, `4xx`, `5xx`, `transport`.
        public var outcomes: [String: Int]
        /// The share of answered requests the edge's cache answered.
        public var hitRatio: Double
        /// Latency in milliseconds.
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var max: Double
        public var mean: Double
        /// The measured viewer↔edge time (p50 of each request's link share), beside the model's.
        public var measuredRTT: Double
        /// The mean time of each stage, in milliseconds; they add up to ``mean``.
        public var stages: StageTimes
        /// The latency distribution: (percentile, milliseconds) pairs for the report.
        public var distribution: [[Double]]
        /// What new connections cost, and a request's first byte on new and kept-alive ones.
        public var connections: ConnectionTimes?
        /// Answered requests that each of the distribution's behaviours met (`error-page`,
        /// `origin-failover`, `geo-blocked`, `signed-url-refused`, `cors`, `origin-shield`,
        /// `compressed`, …), by name; absent names met none.
        public var applied: [String: Int]? = nil

        /// Requests that did not get a 2xx or 3xx.
        public var errors: Int { requests - (outcomes["2xx"] ?? 0) - (outcomes["3xx"] ?? 0) }
    }

    /// A node on the report's map.
    public struct Place: Sendable, Codable {
        public var id: String
        /// `edge` or `hub`.
        public var role: NodeRole
        public var latitude: Double
        public var longitude: Double
        /// An edge's hub.
        public var hub: String?
    }

    /// When it ran.
    public var startedAt: Date
    /// How long it ran, in seconds.
    public var seconds: Double
    /// The topology's name.
    public var topology: String
    public var settings: MeasureSettings
    public var locations: [Location]
    /// The topology's edges and hubs, for the map.
    public var places: [Place]

    /// Requests per second over the whole run.
    public var rate: Double { seconds > 0 ? Double(locations.reduce(0) { $0 + $1.requests }) / seconds : 0 }
}

extension MeasureResult.Location {
    /// The behaviours any of these locations met, in the order ``AppliedBehaviours`` names them.
    public static func appliedNames(_ locations: [MeasureResult.Location]) -> [String] {
        AppliedBehaviours.named.map(\.name).filter { name in locations.contains { ($0.applied?[name] ?? 0) > 0 } }
    }

    init(target: MeasureTarget, recorder: LocationRecorder) {
        self.target = target
        servedBy = recorder.edges.max { $0.value < $1.value }?.key ?? target.edge
        edges = recorder.edges
        let last = recorder.timeline.keys.max() ?? -1
        timeline = last < 0 ? [] : (0...last).map { recorder.timeline[$0] ?? [:] }
        requests = recorder.count
        outcomes = Dictionary(uniqueKeysWithValues: recorder.outcomes.map { ($0.key.rawValue, $0.value) })
        hitRatio = recorder.answered == 0 ? 0 : Double(recorder.hits) / Double(recorder.answered)
        p50 = recorder.percentile(50)
        p90 = recorder.percentile(90)
        p99 = recorder.percentile(99)
        max = recorder.count == 0 ? 0 : Double(recorder.latency.max) / 1000
        mean = recorder.count == 0 ? 0 : recorder.latency.mean / 1000
        measuredRTT = recorder.answered == 0 ? 0 : Double(recorder.viewerLink.valueAtPercentile(50)) / 1000
        stages = recorder.stageSums.divided(by: recorder.answered)
        distribution = [0, 10, 25, 50, 75, 90, 95, 99, 99.9, 100].map { [$0, recorder.percentile($0)] }
        connections = ConnectionTimes(recorder)
        applied = recorder.applied.isEmpty ? nil : recorder.applied
    }
}

/// One location's connection times, in milliseconds (p50 and p99): the TCP connect, the TLS
/// handshake (over HTTPS), and the time to a response's first byte, on a new connection and on
/// a kept-alive one. On an emulated link the modelled TCP round trip is paid by the first bytes
/// sent: over HTTPS it is in the handshake, over HTTP in the new connection's first byte.
public struct ConnectionTimes: Sendable, Codable, Equatable {
    /// A p50 and a p99.
    public struct Spread: Sendable, Codable, Equatable {
        public var p50: Double
        public var p99: Double
    }

    /// Connections opened.
    public var opened: Int
    public var connect: Spread
    /// `nil` over plain HTTP.
    public var handshake: Spread?
    public var firstByteNew: Spread
    /// `nil` when no request went on a kept-alive connection.
    public var firstByteKept: Spread?

    init?(_ recorder: LocationRecorder) {
        func spread(_ histogram: Histogram<UInt64>) -> Spread? {
            guard histogram.totalCount > 0 else { return nil }
            return Spread(p50: Double(histogram.valueAtPercentile(50)) / 1000, p99: Double(histogram.valueAtPercentile(99)) / 1000)
        }
        guard let connect = spread(recorder.connect), let firstByteNew = spread(recorder.firstByteNew) else { return nil }
        opened = Int(recorder.connect.totalCount)
        self.connect = connect
        handshake = spread(recorder.handshake)
        self.firstByteNew = firstByteNew
        firstByteKept = spread(recorder.firstByteKept)
    }
}
