/// A per-link override of the latency model: what the topology says about one link, winning
/// over what the model computes from distance.
public struct LinkOverride: Hashable, Sendable {
    /// One end's id (a node or a viewer).
    public var a: String
    /// The other end's id.
    public var b: String
    /// The round-trip time, instead of the modelled one.
    public var rtt: Duration?
    /// Random variation added to each one-way delay, up to this much.
    public var jitter: Duration?
    /// Share of packets lost, 0 to 1; 1 cuts the link.
    public var loss: Double?
    /// The link's rate in bits per second.
    public var bandwidth: Double?
    /// Where the override is declared.
    public var source: SourceLocation?

    /// Creates an override.
    public init(
        between a: String,
        and b: String,
        rtt: Duration? = nil,
        jitter: Duration? = nil,
        loss: Double? = nil,
        bandwidth: Double? = nil,
        source: SourceLocation? = nil
    ) {
        self.a = a
        self.b = b
        self.rtt = rtt
        self.jitter = jitter
        self.loss = loss
        self.bandwidth = bandwidth
        self.source = source
    }

    /// Whether the override is for the link between `x` and `y`, in either direction.
    public func joins(_ x: String, _ y: String) -> Bool { (a == x && b == y) || (a == y && b == x) }

    /// Whether the override cuts the link: every packet lost.
    public var isCut: Bool { loss == 1 }
}

/// Everything known about one link: the modelled or overridden round trip, and its impairments.
public struct LinkProfile: Hashable, Sendable {
    /// The great-circle distance between the ends, in kilometres.
    public var kilometres: Double
    /// The round-trip time.
    public var rtt: Duration
    /// Jitter per one-way delay.
    public var jitter: Duration
    /// Share of packets lost.
    public var loss: Double
    /// Rate in bits per second; `nil` when unlimited.
    public var bandwidth: Double?
    /// Whether an override set the round-trip time.
    public var isOverridden: Bool

    /// The one-way delay: half the round trip.
    public var oneWay: Duration { rtt / 2 }
}
