import NIOCore
import Synchronization

/// How much worse a degraded link is: its modelled delay multiplied, and a chance of loss.
public struct LinkDegradation: Hashable, Sendable {
    /// The one-way delay and jitter are multiplied by this (at least 1).
    public var latencyFactor: Double
    /// The chance, 0 to 1, that a chunk is lost (and retransmitted); the link's own loss when higher.
    public var loss: Double

    /// Creates a degradation.
    public init(latencyFactor: Double, loss: Double) {
        self.latencyFactor = latencyFactor
        self.loss = loss
    }

    /// The shape a link with `base` has while degraded.
    public func applied(to base: LinkShape) -> LinkShape {
        var shape = base
        shape.oneWay = base.oneWay * latencyFactor
        shape.jitter = base.jitter * latencyFactor
        shape.loss = max(base.loss, loss)
        return shape
    }
}

/// The faults injected into one link, each until its own instant: a cut (a partition, which
/// resets the connections open across it) and a degradation. Shared by the link's forwarder,
/// which admits connections, and every connection's shaper, which asks for the shape per chunk.
public final class LinkFaults: Sendable {
    private struct State {
        var cutUntil: ContinuousClock.Instant?
        var degraded: (degradation: LinkDegradation, until: ContinuousClock.Instant)?
        var open: [ObjectIdentifier: any Channel] = [:]
    }

    private let state = Mutex(State())

    /// Creates a link with no fault.
    public init() {}

    /// Tracks a new connection, or refuses it while the link is cut.
    func admit(_ channel: any Channel) -> Bool {
        let admitted = state.withLock { state -> Bool in
            if let until = state.cutUntil, ContinuousClock.now < until { return false }
            state.open[ObjectIdentifier(channel)] = channel
            return true
        }
        if admitted {
            channel.closeFuture.whenComplete { _ in self.state.withLock { _ = $0.open.removeValue(forKey: ObjectIdentifier(channel)) } }
        }
        return admitted
    }

    /// Cuts the link: every open connection closes, new ones are refused until the time is up.
    func cut(for duration: Duration) {
        let open = state.withLock { state in
            state.cutUntil = .now + duration
            return Array(state.open.values)
        }
        for channel in open { channel.close(promise: nil) }
    }

    /// Degrades the link until the time is up (a later call replaces an earlier one).
    public func degrade(_ degradation: LinkDegradation, for duration: Duration) {
        state.withLock { $0.degraded = (degradation, .now + duration) }
    }

    /// Whether a degradation is in force now.
    var isDegraded: Bool {
        state.withLock { state in state.degraded.map { ContinuousClock.now < $0.until } ?? false }
    }

    /// The shape the link has now: `base`, or `base` degraded.
    public func shape(_ base: LinkShape) -> LinkShape {
        let degradation = state.withLock { state -> LinkDegradation? in
            guard let degraded = state.degraded, ContinuousClock.now < degraded.until else { return nil }
            return degraded.degradation
        }
        return degradation?.applied(to: base) ?? base
    }
}
