import NIOCore
import Topology

/// How one edge process runs; the CLI maps its options onto these fields.
public struct EdgeSettings: Sendable {
    /// The defaults, in one place.
    public enum Default {
        /// The edge's cache size.
        public static let cacheCapacity = 256 << 20
        /// CloudFront's documented status for a function's execution error.
        public static let executionErrorStatus = 500
        /// Requests an edge works on at once before it sheds the rest with 503.
        public static let maximumInFlight = 1024
    }

    /// The edge's id in the topology (a POP id, `NRT50`).
    public var id: String
    /// The topology it belongs to.
    public var topology: Topology
    /// Where its hub listens.
    public var hubAddress: SocketAddress
    /// Where each origin that edgesim runs listens, by id, for requests that skip the hub.
    public var originAddresses: [String: SocketAddress]
    /// The address to listen on.
    public var host: String
    /// The viewer port, 0 for an ephemeral one.
    public var port: Int
    /// The admin port, 0 for an ephemeral one.
    public var adminPort: Int
    /// The cache's size in bytes.
    public var cacheCapacity: Int
    /// The seed of the links' jitter and loss.
    public var seed: UInt64
    /// Where function logs, bootstraps and extracted packages go.
    public var stateDirectory: String
    /// The status of a `LambdaExecutionError`: 500 (documented) or 503 (widely observed).
    public var executionErrorStatus: Int
    /// Where the registry listens, for deployment reports; function versions come through the
    /// hub. `nil` runs the edge without functions.
    public var registryAddress: SocketAddress?
    /// The slow-rollout window: a new config epoch goes in force after this edge's share of
    /// it. Zero switches at once.
    public var rollout: Duration
    /// How long a version no epoch names stays in the replica.
    public var garbageDelay: Duration
    /// Requests worked on at once before the rest are shed with 503.
    public var maximumInFlight: Int

    /// Creates settings.
    public init(
        id: String,
        topology: Topology,
        hubAddress: SocketAddress,
        originAddresses: [String: SocketAddress],
        host: String = ListenAddress.Default.host,
        port: Int = 0,
        adminPort: Int = 0,
        cacheCapacity: Int = Default.cacheCapacity,
        seed: UInt64 = 1,
        stateDirectory: String = ".edgesim",
        executionErrorStatus: Int = Default.executionErrorStatus,
        registryAddress: SocketAddress? = nil,
        rollout: Duration = .zero,
        garbageDelay: Duration = .seconds(3 * 3600),
        maximumInFlight: Int = Default.maximumInFlight
    ) {
        self.maximumInFlight = maximumInFlight
        self.registryAddress = registryAddress
        self.rollout = rollout
        self.garbageDelay = garbageDelay
        self.stateDirectory = stateDirectory
        self.executionErrorStatus = executionErrorStatus
        self.id = id
        self.topology = topology
        self.hubAddress = hubAddress
        self.originAddresses = originAddresses
        self.host = host
        self.port = port
        self.adminPort = adminPort
        self.cacheCapacity = cacheCapacity
        self.seed = seed
    }
}
