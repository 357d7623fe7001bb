import CDNCore
import Foundation
import Topology

/// One request's outcome, as the load tool records it.
struct Sample: Sendable {
    /// The class of outcome.
    enum Outcome: String, Sendable, Codable, CaseIterable {
        case success = "2xx"
        case redirect = "3xx"
        case clientError = "4xx"
        case serverError = "5xx"
        case transport
    }

    /// From when the request was due (open loop) or sent (closed loop) to its last byte.
    var latency: Duration
    var outcome: Outcome
    /// `X-Cache`'s result, if any.
    var cacheResult: ResultType?
    /// The edge that answered (`X-Amz-Cf-Pop`).
    var edge: String?
    /// Where the time went, by stage.
    var stages: StageTimes
    /// When the request was due, from the start of the location's run.
    var offset: Duration
    /// From writing the request to the response's head.
    var timeToFirstByte: Duration = .zero
    /// For a connection's first request, what opening the connection took; `nil` for a
    /// request on a kept-alive connection.
    var setup: ConnectionSetup?
    /// Which of the distribution's behaviours met it.
    var applied: AppliedBehaviours = []

    /// A sample from a reply and the time it took. Its three fields are read from the reply's
    /// bytes, and the edge's name is taken from `edges` when it is there already: made from
    /// strings, a sample was a tenth of a measuring client's CPU.
    init(reply: ViewerClient.Reply, latency: Duration, at offset: Duration, edges: inout EdgeNames) {
        self.latency = latency
        self.offset = offset
        timeToFirstByte = reply.timeToFirstByte
        outcome =
            switch reply.status {
            case 200..<300: .success
            case 300..<400: .redirect
            case 400..<500: .clientError
            default: .serverError
            }
        var (cacheResult, edge, stages): (ResultType?, String?, StageTimes) = (nil, nil, StageTimes(total: latency))
        var applied: AppliedBehaviours = []
        reply.fields.withFirst("X-Cache") { cacheResult = ResultType(xCache: $0) }
        reply.fields.withFirst("X-Amz-Cf-Pop") { edge = edges.name($0) }
        reply.fields.withFirst("Server-Timing") { stages = StageTimes(serverTiming: $0, total: latency, applied: &applied) }
        reply.fields.withFirst("Content-Encoding") { _ in applied.insert(.compressed) }
        (self.cacheResult, self.edge, self.stages, self.applied) = (cacheResult, edge, stages, applied)
    }

    /// A request that got no response.
    init(failureAfter latency: Duration, at offset: Duration) {
        self.latency = latency
        self.offset = offset
        outcome = .transport
        stages = StageTimes()
    }

    /// Whether the edge's cache answered.
    var isHit: Bool { cacheResult?.isCacheHit ?? false }
}

/// Where one request's time went, in milliseconds, from the nodes' `Server-Timing`: the viewer's
/// link (the rest of the total), the edge itself, each Lambda@Edge stage, the edge↔hub link with
/// the hub, and the hub↔origin link with the origin. They add up to the total.
public struct StageTimes: Sendable, Codable, Equatable {
    /// The viewer↔edge link: the total less everything the nodes timed.
    public var viewerLink = 0.0
    /// The edge's own work (cache, headers), functions excluded.
    public var edge = 0.0
    /// The four trigger stages.
    public var viewerRequest = 0.0
    public var originRequest = 0.0
    public var originResponse = 0.0
    public var viewerResponse = 0.0
    /// Edge↔hub link plus the hub's work.
    public var hub = 0.0
    /// Hub↔origin link plus the origin (or edge↔origin for requests that skip the hub).
    public var origin = 0.0

    /// The stages in display order, with their labels.
    public static var labels: [(String, WritableKeyPath<StageTimes, Double>)] {
        [
            ("viewer↔edge", \.viewerLink), ("edge", \.edge), ("viewer-request", \.viewerRequest), ("origin-request", \.originRequest),
            ("edge↔hub", \.hub), ("hub↔origin", \.origin), ("origin-response", \.originResponse), ("viewer-response", \.viewerResponse),
        ]
    }

    init() {}

    /// A response that timed nothing: all of it is the viewer's link.
    init(total: Duration) { viewerLink = max(0, total.inMilliseconds) }

    /// The stages from a `Server-Timing` value's bytes, read in one pass (``ServerTiming/scan(_:_:)``)
    /// with nothing allocated.
    init(serverTiming value: Slice<UnsafeRawBufferPointer>, total: Duration) {
        var applied: AppliedBehaviours = []
        self.init(serverTiming: value, total: total, applied: &applied)
    }

    /// The stages, as above, and the behaviours the other metrics' names say met the request.
    init(serverTiming value: Slice<UnsafeRawBufferPointer>, total: Duration, applied: inout AppliedBehaviours) {
        var timed = Durations()
        var found: AppliedBehaviours = []
        ServerTiming.scan(UnsafeRawBufferPointer(rebasing: value)) { name, duration, _ in
            if !timed.take(name: name, duration: duration.flatMap(ServerTiming.duration(of:))) { found.formUnion(.of(metric: name)) }
        }
        applied.formUnion(found)
        viewerRequest = timed.viewerRequest
        originRequest = timed.originRequest
        originResponse = timed.originResponse
        viewerResponse = timed.viewerResponse
        edge = max(0, timed.edge - viewerRequest - viewerResponse)
        hub = timed.hub
        origin = timed.origin
        viewerLink = max(0, total.inMilliseconds - timed.edge - hub - origin - originRequest - originResponse)
    }

    /// The nodes' durations by metric name, each from the first entry of its name (as
    /// ``ServerTiming/duration(_:)`` finds it), in milliseconds; 0 when absent or without one.
    private struct Durations {
        static let names = ["viewer-request", "origin-request", "origin-response", "viewer-response", "edge", "hub", "origin"].map { Array($0.utf8) }

        var viewerRequest = 0.0
        var originRequest = 0.0
        var originResponse = 0.0
        var viewerResponse = 0.0
        var edge = 0.0
        var hub = 0.0
        var origin = 0.0
        /// Which names were seen, by their place in ``names``.
        private var seen: UInt8 = 0

        /// The place in ``names`` of the name these bytes spell, if any. The seven names differ
        /// in length or first byte, so those two pick the one candidate and a single comparison
        /// confirms it: searching the list compared each name in turn, once per metric of every
        /// response, 1.5% of a measuring client's CPU.
        static func index(of name: ServerTiming.Bytes) -> Int? {
            guard let first = name.first else { return nil }
            let candidate: Int
            switch (name.count, first) {
            case (14, UInt8(ascii: "v")): candidate = 0
            case (14, UInt8(ascii: "o")): candidate = 1
            case (15, UInt8(ascii: "o")): candidate = 2
            case (15, UInt8(ascii: "v")): candidate = 3
            case (4, UInt8(ascii: "e")): candidate = 4
            case (3, UInt8(ascii: "h")): candidate = 5
            case (6, UInt8(ascii: "o")): candidate = 6
            default: return nil
            }
            return names[candidate].withUnsafeBytes { known in
                memcmp(known.baseAddress!, UnsafeRawBufferPointer(rebasing: name).baseAddress!, known.count) == 0
            } ? candidate : nil
        }

        /// Keeps a stage's time; `false` when the name is no stage's.
        @discardableResult
        mutating func take(name: ServerTiming.Bytes, duration: Duration?) -> Bool {
            guard let index = Self.index(of: name) else { return false }
            guard seen & (1 << index) == 0 else { return true }
            seen |= 1 << index
            let milliseconds = duration?.inMilliseconds ?? 0
            switch index {
            case 0: viewerRequest = milliseconds
            case 1: originRequest = milliseconds
            case 2: originResponse = milliseconds
            case 3: viewerResponse = milliseconds
            case 4: edge = milliseconds
            case 5: hub = milliseconds
            default: origin = milliseconds
            }
            return true
        }
    }

    /// The sum of every stage.
    public var total: Double { Self.labels.reduce(0) { $0 + self[keyPath: $1.1] } }

    /// Adds another request's times (for means), field by field: once per sample, the walk
    /// through ``labels``' key paths took 3% of a measuring client's CPU.
    mutating func add(_ other: StageTimes) {
        viewerLink += other.viewerLink
        edge += other.edge
        viewerRequest += other.viewerRequest
        originRequest += other.originRequest
        originResponse += other.originResponse
        viewerResponse += other.viewerResponse
        hub += other.hub
        origin += other.origin
    }

    /// Every stage divided by a count.
    func divided(by count: Int) -> StageTimes {
        guard count > 0 else { return self }
        var mean = self
        for (_, stage) in Self.labels { mean[keyPath: stage] /= Double(count) }
        return mean
    }
}

/// The edge names a measuring connection has seen, so a response's `X-Amz-Cf-Pop` becomes a
/// `String` once per edge rather than once per response.
struct EdgeNames {
    private var known: [(bytes: [UInt8], name: String)] = []

    /// The name these bytes spell.
    mutating func name(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        if let found = known.first(where: { $0.bytes.elementsEqual(bytes) }) { return found.name }
        let name = String(decoding: bytes, as: UTF8.self)
        if known.count < 16 { known.append((Array(bytes), name)) }
        return name
    }
}
