import CDNCore

/// Which edges are in routing, from the answers to their health probes: a pure state machine,
/// fed each probe's outcome, that says when an edge leaves routing and when it comes back.
///
/// ``failuresToLeave`` failed probes in a row take an edge out (an edge that answers 503
/// `overloaded` is shedding load, and counts as failing until it catches up); one healthy
/// answer brings it back at once.
public struct EdgeHealthState: Sendable {
    /// Why an edge left routing.
    public enum Reason: Sendable, Equatable {
        /// Its probes failed: no answer in time, or an error status.
        case silent
        /// It answers that it is shedding load.
        case overloaded
    }

    /// What a probe's outcome changed.
    public enum Transition: Sendable, Equatable {
        /// Nothing: the edge stays where it was.
        case none
        /// The edge left routing.
        case left(Reason)
        /// The edge is back in routing.
        case returned
    }

    /// Failed probes in a row that take an edge out of routing.
    public let failuresToLeave: Int
    private var failures: [String: Int] = [:]

    /// Every edge starts in routing.
    public init(failuresToLeave: Int = 2) {
        self.failuresToLeave = failuresToLeave
    }

    /// Takes one probe's outcome.
    /// - Returns: Whether the edge left or came back.
    public mutating func probed(_ edge: String, _ outcome: HealthCheck.Outcome) -> Transition {
        let before = failures[edge, default: 0]
        let after = outcome == .healthy ? 0 : before + 1
        failures[edge] = after
        if before < failuresToLeave, after == failuresToLeave { return .left(outcome == .overloaded ? .overloaded : .silent) }
        if before >= failuresToLeave, after == 0 { return .returned }
        return .none
    }

    /// The edges out of routing now.
    public var outOfRouting: Set<String> {
        Set(failures.filter { $0.value >= failuresToLeave }.keys)
    }
}
