import Synchronization

/// How many requests an edge works on at once, and the most it takes: past that, a request is
/// answered 503 at once (as an overloaded CloudFront edge does) instead of queueing until the
/// process falls over.
///
/// An edge that has shed a request in the last second reports itself overloaded on its health
/// check, so GeoDNS sends new lookups to the next edge until it has caught up.
final class LoadShedder: Sendable {
    /// How long after its last refusal an edge still counts as overloaded.
    static let overloadMemory = Duration.seconds(1)

    private struct State {
        var inFlight = 0
        var lastShed: ContinuousClock.Instant?
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    /// Takes a slot, or says no (and remembers when) when every slot is taken.
    func admit() -> Bool {
        state.withLock { state in
            guard state.inFlight < limit else {
                state.lastShed = .now
                return false
            }
            state.inFlight += 1
            return true
        }
    }

    /// Gives a slot back.
    func release() {
        state.withLock { $0.inFlight -= 1 }
    }

    /// Whether the edge has turned a request away within the last second.
    var isOverloaded: Bool {
        state.withLock { state in state.lastShed.map { .now - $0 < Self.overloadMemory } ?? false }
    }
}
