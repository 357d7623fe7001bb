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

    /// A sample from a reply and the time it took.
    init(reply: ViewerClient.Reply, latency: Duration, at offset: Duration) {
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
        cacheResult = reply.header("X-Cache").flatMap(ResultType.init(xCache:))
        edge = reply.header("X-Amz-Cf-Pop")
        stages = StageTimes(serverTiming: ServerTiming(parsing: reply.header("Server-Timing") ?? ""), total: latency)
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

    init(serverTiming timing: ServerTiming, total: Duration) {
        func ms(_ name: String) -> Double { timing.duration(name)?.inMilliseconds ?? 0 }
        viewerRequest = ms("viewer-request")
        originRequest = ms("origin-request")
        originResponse = ms("origin-response")
        viewerResponse = ms("viewer-response")
        edge = max(0, ms("edge") - viewerRequest - viewerResponse)
        hub = ms("hub")
        origin = ms("origin")
        viewerLink = max(0, total.inMilliseconds - ms("edge") - hub - origin - originRequest - originResponse)
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
