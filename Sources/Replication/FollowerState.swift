import Topology

/// The decisions of a replication follower, as a pure state machine: which epochs it takes,
/// when it has caught up, when each stored epoch goes in force (at once, or after this node's
/// share of a slow rollout), what it refused, what it reports to the registry, and when it may
/// call itself ready. The ``ReplicationFollower`` service does the I/O and feeds it events with
/// the time they happen; tests feed it made-up instants.
///
/// ```swift
/// var state = FollowerState<ContinuousClock.Instant>(node: "NRT50", rollout: .seconds(60), heldAtStart: 0)
/// state.heard(latest: 3, held: 3)            // the first heartbeat: caught up at 3
/// state.stored(4, at: now)                   // epoch 4 arrived
/// state.next(latestStored: 4, at: now)       // .wait(until: now + NRT50's share of 60 s)
/// ```
public struct FollowerState<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration, Instant: Sendable {
    /// What the applier does next.
    public enum Step: Equatable, Sendable {
        /// Nothing newer than the epoch in force is stored.
        case idle
        /// Put this stored epoch in force now.
        case apply(epoch: Int)
        /// The newest stored epoch waits for this node's rollout share: until then, or until a
        /// newer one arrives.
        case wait(until: Instant)
    }

    /// This node's id: its rollout share is a stable hash of it and the epoch.
    public let node: String
    /// The slow-rollout window (zero: every epoch goes in force at once).
    public let rollout: Duration
    /// The newest epoch the node's replica held when it started.
    public let heldAtStart: Int
    /// The epoch in force.
    public private(set) var active = 0
    /// The epoch held when the first heartbeat found the node caught up with its upstream.
    public private(set) var syncedAt: Int?
    /// What the node tells the registry: each event below keeps it current.
    public private(set) var report: DeploymentReport
    private var arrived: [Int: Instant] = [:]

    /// How many epochs' switch times a report keeps.
    public static var switchTimesKept: Int { 50 }

    /// A follower that has put nothing in force yet.
    public init(node: String, role: NodeRole = .edge, rollout: Duration, heldAtStart: Int) {
        self.node = node
        self.rollout = rollout
        self.heldAtStart = heldAtStart
        report = DeploymentReport(node: node, role: role)
    }

    /// Problems reported so far, each once.
    public var refused: [String] { report.refused }

    /// Whether an epoch from the feed is new to the node (older ones are skipped).
    public func takes(_ epoch: Int, held: Int) -> Bool { epoch > held }

    /// An epoch was stored whole (its bundles checked, then the epoch committed).
    /// - Parameters:
    ///   - versions: Every version the replica holds now.
    public mutating func stored(_ epoch: Int, at now: Instant, versions: [FunctionRef] = []) {
        arrived[epoch] = now
        arrived = arrived.filter { $0.key >= active }
        report.storedEpoch = epoch
        report.versions = versions
    }

    /// Versions no epoch names were deleted from the replica.
    /// - Parameter versions: Every version the replica holds now.
    public mutating func collected(versions: [FunctionRef]) {
        report.versions = versions
    }

    /// A heartbeat from upstream, naming the newest epoch it holds.
    /// - Returns: Whether this ends the initial catch-up (said once).
    public mutating func heard(latest: Int, held: Int) -> Bool {
        guard syncedAt == nil, held >= latest else { return false }
        syncedAt = held
        return true
    }

    /// What the applier does about the newest stored epoch.
    public func next(latestStored: Int, at now: Instant) -> Step {
        guard latestStored > active else { return .idle }
        guard let due = due(latestStored), now < due else { return .apply(epoch: latestStored) }
        return .wait(until: due)
    }

    /// When an epoch goes in force: at once while catching up (it arrived before the node was
    /// in sync), else after this node's fixed share of the rollout window from its arrival.
    private func due(_ epoch: Int) -> Instant? {
        guard rollout > .zero, let arrived = arrived[epoch], let synced = syncedAt, epoch > synced else { return nil }
        let hash = StableHash.fnv1a("\(node)#\(epoch)")
        return arrived.advanced(by: rollout * (Double(hash % 10_000) / 10_000))
    }

    /// The epoch is in force.
    /// - Parameter wallTime: When, in seconds since 1970, for the registry's switch times.
    public mutating func applied(_ epoch: Int, wallTime: Double = 0) {
        active = epoch
        report.epoch = epoch
        report.switchedAt[epoch] = wallTime
        report.switchedAt = report.switchedAt.filter { $0.key > epoch - Self.switchTimesKept }
    }

    /// Putting the epoch in force failed: it is not tried again, and the node keeps what it ran.
    /// - Returns: Whether the problem is new (to be logged and reported).
    public mutating func refusedToApply(_ epoch: Int, problem: String) -> Bool {
        active = max(active, epoch)
        return noteRefusal(problem)
    }

    /// A bundle failed its check, or another problem the registry should hear of.
    /// - Returns: Whether it is new (to be logged and reported).
    public mutating func noteRefusal(_ problem: String) -> Bool {
        guard !report.refused.contains(problem) else { return false }
        report.refused.append(problem)
        return true
    }

    /// Whether the node may call itself ready: the epoch it held at start is in force, or, on a
    /// first start, it has caught up with its upstream and put that in force.
    public var isReady: Bool {
        heldAtStart > 0 ? active >= heldAtStart : syncedAt.map { active >= $0 } ?? false
    }
}
