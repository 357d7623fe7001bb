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

    /// Returns once the generation is past `seen`, after `timeout`, or when the task is
    /// cancelled, whichever is first.
    public func wait(beyond seen: Int, timeout: Duration) async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let waiting = state.withLock { state -> Bool in
                    guard state.generation <= seen, !Task.isCancelled else { return false }
                    state.waiters[id] = continuation
                    return true
                }
                guard waiting else { return continuation.resume() }
                Task {
                    try? await Task.sleep(for: timeout)
                    self.wake(id)
                }
            }
        } onCancel: {
            wake(id)
        }
    }

    /// Resumes one waiter, if it is still waiting.
    private func wake(_ id: Int) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
    }
}
