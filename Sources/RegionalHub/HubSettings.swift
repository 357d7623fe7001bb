import NIOCore
import Topology

/// How one regional hub process runs; the CLI maps its options onto these fields.
public struct HubSettings: Sendable {
    /// The defaults, in one place.
    public enum Default {
        /// The hub's cache size: a regional cache holds more than an edge.
        public static let cacheCapacity = 512 << 20
    }

    /// The hub's id in the topology.
    public var id: String
    /// The topology it belongs to.
    public var topology: Topology
    /// Where each origin that edgesim runs listens, by origin id; URL origins come from the topology.
    public var originAddresses: [String: SocketAddress]
    /// The address to listen on.
    public var host: String
    /// The traffic port, 0 for an ephemeral one.
    public var port: Int
    /// The admin port, 0 for an ephemeral one.
    public var adminPort: Int
    /// The cache's size in bytes.
    public var cacheCapacity: Int
    /// The seed of the links' jitter and loss.
    public var seed: UInt64
    /// Where the registry listens: the hub follows its replication feed and relays it to its
    /// edges. `nil` runs the hub without functions.
    public var registryAddress: SocketAddress?
    /// The network's state directory: the registry's key and token, and the hub's replica.
    public var stateDirectory: String
    /// How long a version no epoch names stays in the replica.
    public var garbageDelay: Duration

    /// Creates settings.
    public init(
        id: String,
        topology: Topology,
        originAddresses: [String: SocketAddress],
        host: String = ListenAddress.Default.host,
        port: Int = 0,
        adminPort: Int = 0,
        cacheCapacity: Int = Default.cacheCapacity,
        seed: UInt64 = 1,
        registryAddress: SocketAddress? = nil,
        stateDirectory: String = ".edgesim",
        garbageDelay: Duration = .seconds(3 * 3600)
    ) {
        self.registryAddress = registryAddress
        self.stateDirectory = stateDirectory
        self.garbageDelay = garbageDelay
        self.id = id
        self.topology = topology
        self.originAddresses = originAddresses
        self.host = host
        self.port = port
        self.adminPort = adminPort
        self.cacheCapacity = cacheCapacity
        self.seed = seed
    }
}
