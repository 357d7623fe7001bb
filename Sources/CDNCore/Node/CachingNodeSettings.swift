import NIOCore
import Topology

/// How one caching node (an edge or a regional hub) runs: where it listens, what it caches, where
/// its origins and the registry are, and where its state lives. The CLI's options and the
/// launcher's arguments map one to one onto these fields.
///
/// ```swift
/// var settings = CachingNodeSettings(id: "ap-northeast-1", role: .hub, topology: topology, originAddresses: origins)
/// settings.registryAddress = registry
/// ```
public struct CachingNodeSettings: Sendable {
    /// Every node default, written once: the CLI, the launcher and both roles read them here.
    public enum Default {
        /// An edge's cache size.
        public static let edgeCacheCapacity = 256 << 20
        /// A regional hub's cache size: a regional cache holds more than an edge.
        public static let hubCacheCapacity = 512 << 20
        /// The network's state directory, under the working folder.
        public static let stateDirectory = ".edgesim"
        /// How long a replica keeps a function version no config epoch names: Lambda deletes
        /// replicas hours after the last association goes.
        public static let garbageDelay = Duration.seconds(3 * 3600)
        /// The seed of the links' jitter and loss.
        public static let seed: UInt64 = 1
        /// Requests an edge works on at once before it sheds the rest with 503.
        public static let maximumInFlight = 1024
        /// The status of a `LambdaExecutionError` at an edge: CloudFront's documented 500 (503 is
        /// the other one seen in the wild).
        public static let executionErrorStatus = 500

        /// The cache size of a role's node.
        public static func cacheCapacity(for role: NodeRole) -> Int {
            role == .hub ? hubCacheCapacity : edgeCacheCapacity
        }
    }

    /// The node's id in the topology (`NRT50`, `ap-northeast-1`).
    public var id: String
    /// Its role: ``NodeRole/edge`` or ``NodeRole/hub``.
    public var role: NodeRole
    /// The topology it belongs to.
    public var topology: Topology
    /// Where each origin that edgesim runs listens, by origin id; URL origins come from the topology.
    public var originAddresses: [String: SocketAddress]
    /// The address to listen on.
    public var host: String
    /// The traffic port (viewers at an edge, edges at a hub), 0 for an ephemeral one.
    public var port: Int
    /// The admin port, 0 for an ephemeral one.
    public var adminPort: Int
    /// The cache's size in bytes.
    public var cacheCapacity: Int
    /// The seed of the links' jitter and loss.
    public var seed: UInt64
    /// Where the registry listens: the node follows function versions and reports its
    /// deployment. `nil` runs the node without functions.
    public var registryAddress: SocketAddress?
    /// The network's state directory: the registry's key and token, the node's replica, and (at
    /// an edge) function logs, bootstraps and extracted packages.
    public var stateDirectory: String
    /// How long a version no epoch names stays in the node's replica.
    public var garbageDelay: Duration

    /// Creates settings with every default; the cache size is the role's.
    public init(
        id: String,
        role: NodeRole,
        topology: Topology,
        originAddresses: [String: SocketAddress] = [:],
        host: String = ListenAddress.Default.host,
        port: Int = 0,
        adminPort: Int = 0,
        cacheCapacity: Int? = nil,
        seed: UInt64 = Default.seed,
        registryAddress: SocketAddress? = nil,
        stateDirectory: String = Default.stateDirectory,
        garbageDelay: Duration = Default.garbageDelay
    ) {
        self.id = id
        self.role = role
        self.topology = topology
        self.originAddresses = originAddresses
        self.host = host
        self.port = port
        self.adminPort = adminPort
        self.cacheCapacity = cacheCapacity ?? Default.cacheCapacity(for: role)
        self.seed = seed
        self.registryAddress = registryAddress
        self.stateDirectory = stateDirectory
        self.garbageDelay = garbageDelay
    }
}
