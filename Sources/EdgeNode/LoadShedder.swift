import Synchronization

/// How many requests an edge works on at once, and the most it takes: past that, a request is
/// answered 503 at once (as an overloaded CloudFront edge does) instead of queueing until the
/// process falls over.
final class LoadShedder: Sendable {
    private let limit: Int
    private let inFlight = Mutex(0)

    init(limit: Int) { self.limit = limit }

    /// Takes a slot, or says no when every slot is taken.
    func admit() -> Bool {
        inFlight.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    /// Gives a slot back.
    func release() {
        inFlight.withLock { $0 -= 1 }
    }
}
