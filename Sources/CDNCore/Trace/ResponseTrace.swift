import Topology

/// What a node learned about one response on its way through the request path, carried beside
/// the response as a typed value instead of in header fields: which function versions ran, how
/// long each stage's functions took, whether a function generated it, and how the hub answered.
///
/// A cache tier never stores it: a hit carries an empty trace, so what ran upstream counts only
/// for the request that fetched. It reaches the viewer only as `Edgesim-Functions` and
/// `Server-Timing`.
public struct ResponseTrace: Sendable, Equatable {
    /// How long one stage's functions took.
    public struct StageTime: Sendable, Equatable {
        /// The stage.
        public var stage: EventType
        /// The time from calling its functions to their result.
        public var duration: Duration

        /// Creates a stage time.
        public init(_ stage: EventType, _ duration: Duration) {
            self.stage = stage
            self.duration = duration
        }
    }

    /// The function versions that worked on the response (`name:N`), in the order they ran.
    public var functionsRun: [FunctionRef] = []
    /// Each stage's function time, in the order the stages ran.
    public var stageTimes: [StageTime] = []
    /// The stage whose function generated the response, when one did.
    public var generatedBy: EventType?
    /// How the regional hub answered, when the response came through one.
    public var hub: HubTrace?
    /// The origin group's failover, when the primary failed and the secondary answered.
    public var failover: Failover?

    /// One failover from an origin group's primary to its secondary.
    public struct Failover: Sendable, Equatable {
        /// The group.
        public var group: String
        /// The primary, which failed.
        public var from: String
        /// The secondary, which was asked next.
        public var to: String
        /// Why: the primary's status (`503`), `unreachable` or `timed-out`.
        public var reason: String

        public init(group: String, from: String, to: String, reason: String) {
            self.group = group
            self.from = from
            self.to = to
            self.reason = reason
        }
    }

    /// An empty trace.
    public init() {}

    /// Notes a stage's function time, when any of its functions ran.
    public mutating func noteStage(_ stage: EventType, _ duration: Duration) {
        stageTimes.append(StageTime(stage, duration))
    }

    /// The time of the origin-facing stages, which run inside the upstream fetch.
    public var originStagesTime: Duration {
        stageTimes.filter { !$0.stage.isViewerFacing }.reduce(Duration.zero) { $0 + $1.duration }
    }
}
