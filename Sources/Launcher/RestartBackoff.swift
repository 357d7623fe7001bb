/// When a supervisor restarts a node that exited: a pure state machine, fed each exit with the
/// time it started and the time it ended, so it is tested with made-up instants.
///
/// A crash waits the backoff, which doubles up to its maximum and starts again from the first
/// wait once a run has lasted ``stableRun``. A deliberate kill (`edgesim kill --down D`) waits
/// exactly its hold, and neither waits out nor grows the backoff: an outage asked for is no
/// crash loop.
///
/// ```swift
/// var backoff = RestartBackoff<ContinuousClock.Instant>()
/// switch backoff.exited(startedAt: started, at: .now, hold: nil) {
/// case .restart(let wait, .crashed): …
/// }
/// ```
struct RestartBackoff<Instant: InstantProtocol> where Instant.Duration == Duration {
    /// Why the node waits before its restart.
    enum Reason: Equatable {
        /// It died by itself: the crash backoff.
        case crashed
        /// It was killed with a hold: the hold's length.
        case held
    }

    /// What the supervisor does next.
    enum Directive: Equatable {
        /// Wait this long, then start the node again.
        case restart(after: Duration, Reason)
    }

    /// The first wait after a crash.
    let initial: Duration
    /// The longest wait.
    let maximum: Duration
    /// A run at least this long resets the backoff to ``initial``.
    let stableRun: Duration
    private var next: Duration

    /// Creates the state machine with the launcher's defaults.
    init(
        initial: Duration = LaunchSettings.Default.initialBackoff,
        maximum: Duration = LaunchSettings.Default.maximumBackoff,
        stableRun: Duration = LaunchSettings.Default.stableRun
    ) {
        self.initial = initial
        self.maximum = maximum
        self.stableRun = stableRun
        next = initial
    }

    /// The node exited.
    /// - Parameters:
    ///   - startedAt: When this run of it started.
    ///   - now: When it exited.
    ///   - hold: The restart hold `edgesim kill --down` left, if any.
    /// - Returns: When to restart it.
    mutating func exited(startedAt: Instant, at now: Instant, hold: Duration?) -> Directive {
        if startedAt.duration(to: now) > stableRun { next = initial }
        if let hold { return .restart(after: hold, .held) }
        let wait = next
        next = min(next * 2, maximum)
        return .restart(after: wait, .crashed)
    }
}
