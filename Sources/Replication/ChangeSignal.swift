import Synchronization

/// A counter that waiters can sleep on: each change bumps it and wakes everyone waiting for a
/// value beyond the one they saw. A wait also ends at its timeout, so a stream can send its
/// heartbeat without a second task.
public final class ChangeSignal: Sendable {
    private struct State {
        var generation = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// Creates a signal at generation 0.
    public init() {}

    /// The number of changes so far.
    public var generation: Int { state.withLock { $0.generation } }

    /// Records a change and wakes every waiter.
    public func signal() {
        let woken = state.withLock { state in
            state.generation += 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once the generation is past `seen`, or after `timeout`, whichever is first.
    public func wait(beyond seen: Int, timeout: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let id: Int? = state.withLock { state in
                guard state.generation <= seen else { return nil }
                state.nextWaiter += 1
                state.waiters[state.nextWaiter] = continuation
                return state.nextWaiter
            }
            guard let id else { return continuation.resume() }
            Task {
                try? await Task.sleep(for: timeout)
                self.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
            }
        }
    }
}
