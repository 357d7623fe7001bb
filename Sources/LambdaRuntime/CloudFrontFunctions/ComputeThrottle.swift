import Synchronization
import Topology

/// CloudFront Functions' time limit, which AWS states only as compute utilization: the share
/// (0–100) of the allowed time a run used (cloudfront-functions-spec.md §4). The allowed time
/// itself is not documented; 1 ms of CPU is what third parties measured, and is used here.
public enum ComputeBudget {
    /// The CPU time a run may use.
    public static let allowed = Duration.milliseconds(1)

    /// A run's utilization: its CPU time against the allowed time, rounded up, at most 100.
    public static func utilization(of cpuTime: Duration) -> Int {
        let share = cpuTime / allowed
        return min(100, max(0, Int((share * 100).rounded(.up))))
    }
}

/// Whether a CloudFront Function at one edge runs or is throttled, as an explicit state
/// machine with time given to it. AWS throttles a function that keeps running past its allowed
/// time (not one slow run), and a post-mortem saw the state last minutes past the fix; here a
/// function is throttled after ``overRunsToThrottle`` runs in a row over its budget, or at once
/// when a run had to be stopped, and stays throttled for ``cooldown``.
public struct ComputeThrottleState<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// Runs over budget in a row that throttle the function.
    public let overRunsToThrottle: Int
    /// How long a throttled function stays throttled.
    public let cooldown: Duration
    private var overInARow = 0
    private var throttledUntil: Instant?

    public init(overRunsToThrottle: Int = 5, cooldown: Duration = .seconds(10)) {
        self.overRunsToThrottle = overRunsToThrottle
        self.cooldown = cooldown
    }

    /// Whether a run may start now (the cool-down of an earlier throttle has passed).
    public mutating func admits(at now: Instant) -> Bool {
        guard let until = throttledUntil else { return true }
        guard now >= until else { return false }
        throttledUntil = nil
        overInARow = 0
        return true
    }

    /// Counts a finished run by the CPU time it used.
    public mutating func record(cpuTime: Duration, at now: Instant) {
        guard cpuTime > ComputeBudget.allowed else {
            overInARow = 0
            return
        }
        overInARow += 1
        if overInARow >= overRunsToThrottle { throttle(at: now) }
    }

    /// A run that had to be stopped: the function is throttled at once.
    public mutating func stopped(at now: Instant) { throttle(at: now) }

    private mutating func throttle(at now: Instant) {
        throttledUntil = now.advanced(by: cooldown)
        overInARow = 0
    }
}

/// The throttle state of every CloudFront Function at one edge, by name: it outlives config
/// epochs, as a function's throttling at AWS outlives a republish.
public final class ComputeThrottles: Sendable {
    private let states = Mutex<[String: ComputeThrottleState<ContinuousClock.Instant>]>([:])

    public init() {}

    /// Whether the function may run now.
    public func admits(_ function: String, at now: ContinuousClock.Instant = .now) -> Bool {
        states.withLock { states in
            guard var state = states[function] else { return true }
            let admitted = state.admits(at: now)
            states[function] = state
            return admitted
        }
    }

    /// Counts a finished run.
    public func record(_ function: String, cpuTime: Duration, at now: ContinuousClock.Instant = .now) {
        states.withLock { $0[function, default: ComputeThrottleState()].record(cpuTime: cpuTime, at: now) }
    }

    /// Counts a run that had to be stopped.
    public func stopped(_ function: String, at now: ContinuousClock.Instant = .now) {
        states.withLock { $0[function, default: ComputeThrottleState()].stopped(at: now) }
    }
}
