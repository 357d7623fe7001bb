import NIOCore
import Topology

/// How one emulated link treats the bytes that cross it, in each direction: a one-way delay,
/// random jitter on top, occasional loss (which TCP turns into a retransmission delay, never
/// into missing data) and, when set, a bandwidth that spaces large transfers out.
public struct LinkShape: Hashable, Sendable {
    /// Picks the link shape for a connection from the peer's address (a viewer's source
    /// address carries its location).
    public typealias Lookup = @Sendable (SocketAddress?) -> LinkShape

    /// The delay added to every chunk in each direction: half the round trip.
    public var oneWay: Duration
    /// Up to this much extra delay per chunk, drawn uniformly.
    public var jitter: Duration
    /// The chance, 0 to 1, that a chunk is "lost" and arrives one retransmission timeout late.
    public var loss: Double
    /// The link's rate in bits per second; `nil` when unlimited.
    public var bandwidth: Double?

    /// A link that adds nothing: used for clients the topology does not know.
    public static let none = LinkShape(oneWay: .zero)

    /// Creates a shape.
    public init(oneWay: Duration, jitter: Duration = .zero, loss: Double = 0, bandwidth: Double? = nil) {
        self.oneWay = oneWay
        self.jitter = jitter
        self.loss = loss
        self.bandwidth = bandwidth
    }

    /// The shape of a topology link.
    public init(_ profile: LinkProfile) {
        self.init(oneWay: profile.oneWay, jitter: profile.jitter, loss: profile.loss, bandwidth: profile.bandwidth)
    }

    /// The round trip a new connection pays for its handshake.
    public var roundTrip: Duration { oneWay * 2 }

    /// How late a lost chunk arrives: Linux's minimum retransmission timeout (200 ms), or one
    /// round trip when that is longer.
    public var retransmissionTimeout: Duration { max(.milliseconds(200), roundTrip) }

    /// Whether the shape changes anything at all; when not, no handler is installed.
    public var isNeutral: Bool { oneWay == .zero && jitter == .zero && loss == 0 && bandwidth == nil }
}

/// A small, fast, seeded generator (SplitMix64), so an emulated run can be repeated exactly.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
