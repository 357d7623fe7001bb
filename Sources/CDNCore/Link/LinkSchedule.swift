import NIOCore
import Topology

/// Decides when each chunk that crosses one direction of a link is delivered.
///
/// A chunk is released one-way delay (plus jitter, plus a retransmission timeout when "lost")
/// after it *arrived*, never before the chunk ahead of it: delays do not accumulate, and order
/// is kept. A bandwidth, when set, makes the link a pipe that transmits one chunk at a time.
/// The first chunk of a new connection also waits for the handshake round trip.
///
/// It is a pure value, so tests drive it with made-up instants.
public struct LinkSchedule: Sendable {
    /// The link's behaviour; a degraded link changes it between chunks.
    public var shape: LinkShape
    private var random: SeededRandom
    private var lastRelease = NIODeadline.uptimeNanoseconds(0)
    private var transmitterFreeAt = NIODeadline.uptimeNanoseconds(0)
    /// Before this instant nothing is delivered: the end of the connection's handshake.
    private var handshakeDone: NIODeadline

    /// Creates the schedule for one direction of one connection.
    /// - Parameters:
    ///   - shape: The link's behaviour.
    ///   - openedAt: When the connection was accepted.
    ///   - payHandshake: Whether this direction waits for the handshake (the client's first bytes do).
    ///   - seed: The seed of the jitter and loss draws.
    public init(shape: LinkShape, openedAt: NIODeadline, payHandshake: Bool, seed: UInt64) {
        self.shape = shape
        self.random = SeededRandom(seed: seed)
        self.handshakeDone = payHandshake ? openedAt + .nanoseconds(shape.roundTrip.nanoseconds) : openedAt
    }

    /// When a chunk that arrived at `arrival` is delivered.
    /// - Parameters:
    ///   - arrival: When it reached the link.
    ///   - bytes: Its size, for the bandwidth.
    /// - Returns: The delivery instant, never earlier than the previous chunk's.
    public mutating func release(arrival: NIODeadline, bytes: Int) -> NIODeadline {
        var sent = max(arrival, handshakeDone)
        if let bandwidth = shape.bandwidth, bandwidth > 0 {
            let start = max(sent, transmitterFreeAt)
            transmitterFreeAt = start + .nanoseconds(Int64(Double(bytes) * 8 / bandwidth * 1e9))
            sent = transmitterFreeAt
        }
        var delay = shape.oneWay
        if shape.jitter > .zero {
            delay += .nanoseconds(Int64.random(in: 0...shape.jitter.nanoseconds, using: &random))
        }
        if shape.loss > 0, Double.random(in: 0..<1, using: &random) < shape.loss {
            delay += shape.retransmissionTimeout
        }
        let release = max(sent + .nanoseconds(delay.nanoseconds), lastRelease)
        lastRelease = release
        return release
    }
}
