import CDNCore
import NIOCore
import Topology

/// How one edge process runs: the caching node's settings and what only an edge has. The CLI
/// maps its options onto these fields; every default is ``CachingNodeSettings/Default``'s.
public struct EdgeSettings: Sendable {
    /// What the edge shares with every caching node: id, topology, listeners, cache, links,
    /// registry, state directory.
    public var node: CachingNodeSettings
    /// Where its hub listens.
    public var hubAddress: SocketAddress
    /// The status of a `LambdaExecutionError`: 500 (documented) or 503 (widely observed).
    public var executionErrorStatus: Int
    /// The slow-rollout window: a new config epoch goes in force after this edge's share of
    /// it. Zero switches at once.
    public var rollout: Duration
    /// Requests worked on at once before the rest are shed with 503.
    public var maximumInFlight: Int
    /// The HTTPS listener's port (0 for an ephemeral one); `nil` for no HTTPS listener.
    public var httpsPort: Int?

    /// Creates settings.
    /// - Parameters:
    ///   - node: The caching node's settings; its role must be ``NodeRole/edge``.
    ///   - hubAddress: Where the edge's hub listens.
    public init(
        node: CachingNodeSettings,
        hubAddress: SocketAddress,
        executionErrorStatus: Int = CachingNodeSettings.Default.executionErrorStatus,
        rollout: Duration = .zero,
        maximumInFlight: Int = CachingNodeSettings.Default.maximumInFlight,
        httpsPort: Int? = 0
    ) {
        self.node = node
        self.hubAddress = hubAddress
        self.executionErrorStatus = executionErrorStatus
        self.rollout = rollout
        self.maximumInFlight = maximumInFlight
        self.httpsPort = httpsPort
    }

    /// The edge's id in the topology (a POP id, `NRT50`).
    public var id: String { node.id }
    /// The topology it belongs to.
    public var topology: Topology { node.topology }
    /// Where function logs, bootstraps and extracted packages go.
    public var stateDirectory: String { node.stateDirectory }
}
