import Synchronization

/// Hands out the requests of one location's run to its connections: each ticket says when the
/// request is due. Closed loop, a ticket is due when it is taken; open loop, ticket `i` is due
/// at `start + i / rate`, and a connection that takes it late still counts from then.
final class Tickets: Sendable {
    /// One request to send.
    struct Ticket: Sendable {
        var index: Int
        var due: ContinuousClock.Instant
    }

    private let extent: MeasureSettings.Extent
    private let pacing: MeasureSettings.Pacing
    private let start: ContinuousClock.Instant
    private let taken = Mutex(0)

    init(extent: MeasureSettings.Extent, pacing: MeasureSettings.Pacing, start: ContinuousClock.Instant = .now) {
        self.extent = extent
        self.pacing = pacing
        self.start = start
    }

    /// The next ticket, waiting until it is due; `nil` once the run is over.
    func next() async -> Ticket? {
        let index = taken.withLock { taken in
            defer { taken += 1 }
            return taken
        }
        let due: ContinuousClock.Instant
        switch pacing {
        case .closed: due = .now
        case .open(let perSecond): due = start + .seconds(Double(index) / perSecond)
        }
        switch extent {
        case .requests(let count): guard index < count else { return nil }
        case .duration(let length): guard due < start + length, ContinuousClock.now < start + length || pacing != .closed else { return nil }
        }
        if due > .now { try? await Task.sleep(until: due, clock: .continuous) }
        return Task.isCancelled ? nil : Ticket(index: index, due: due)
    }
}
