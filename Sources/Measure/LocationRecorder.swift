import CDNCore
import Histogram
import Topology

/// Everything one location's samples add up to: latency histograms (HdrHistogram, in
/// microseconds), outcomes, hits, and the sum of each stage's time.
struct LocationRecorder: Sendable {
    private(set) var latency = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
    /// The viewer↔edge link's share of each answered request: the measured round trip.
    private(set) var viewerLink = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
    private(set) var outcomes: [Sample.Outcome: Int] = [:]
    private(set) var hits = 0
    private(set) var answered = 0
    private(set) var stageSums = StageTimes()
    private(set) var edges: [String: Int] = [:]
    /// Answered requests that each of the distribution's behaviours met, by its name.
    private(set) var applied: [String: Int] = [:]
    /// Per second of the run: requests by the edge that answered, or `error`.
    private(set) var timeline: [Int: [String: Int]] = [:]
    /// What opening each connection took: the connect, and over HTTPS the TLS handshake.
    private(set) var connect = Self.histogram()
    private(set) var handshake = Self.histogram()
    /// Time to the response's first byte, for a connection's first request and for requests
    /// on kept-alive connections.
    private(set) var firstByteNew = Self.histogram()
    private(set) var firstByteKept = Self.histogram()

    private static func histogram() -> Histogram<UInt64> { Histogram(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three) }

    mutating func record(_ sample: Sample) {
        latency.record(UInt64(max(0, sample.latency.inMilliseconds * 1000)))
        outcomes[sample.outcome, default: 0] += 1
        let second = max(0, Int(sample.offset.components.seconds))
        let who = sample.outcome == .transport || sample.outcome == .serverError ? "error" : sample.edge ?? "?"
        timeline[second, default: [:]][who, default: 0] += 1
        guard sample.outcome != .transport else { return }
        answered += 1
        if sample.isHit { hits += 1 }
        if let edge = sample.edge { edges[edge, default: 0] += 1 }
        if !sample.applied.isEmpty { for name in sample.applied.names { applied[name, default: 0] += 1 } }
        stageSums.add(sample.stages)
        viewerLink.record(UInt64(max(0, sample.stages.viewerLink * 1000)))
        if let setup = sample.setup {
            connect.record(Self.microseconds(setup.connect))
            if let tls = setup.handshake { handshake.record(Self.microseconds(tls)) }
            firstByteNew.record(Self.microseconds(sample.timeToFirstByte))
        } else {
            firstByteKept.record(Self.microseconds(sample.timeToFirstByte))
        }
    }

    private static func microseconds(_ duration: Duration) -> UInt64 { UInt64(max(0, duration.inMilliseconds * 1000)) }

    /// Merges another recorder's samples (one per connection, merged at the end).
    mutating func merge(_ other: LocationRecorder) {
        latency.add(other.latency)
        viewerLink.add(other.viewerLink)
        connect.add(other.connect)
        handshake.add(other.handshake)
        firstByteNew.add(other.firstByteNew)
        firstByteKept.add(other.firstByteKept)
        for (outcome, count) in other.outcomes { outcomes[outcome, default: 0] += count }
        hits += other.hits
        answered += other.answered
        stageSums.add(other.stageSums)
        for (edge, count) in other.edges { edges[edge, default: 0] += count }
        for (name, count) in other.applied { applied[name, default: 0] += count }
        for (second, counts) in other.timeline {
            for (who, count) in counts { timeline[second, default: [:]][who, default: 0] += count }
        }
    }

    var count: Int { Int(latency.totalCount) }

    /// Milliseconds at a percentile of the latency.
    func percentile(_ p: Double) -> Double { count == 0 ? 0 : Double(latency.valueAtPercentile(p)) / 1000 }
}
