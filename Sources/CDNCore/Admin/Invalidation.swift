import Hummingbird
import Topology

/// An invalidation sent to a node's admin port: every cached object of the distribution whose
/// path matches one of the paths goes (exact paths, or prefixes ending in `*`).
public struct Invalidation: ResponseCodable, Sendable {
    /// The distribution id.
    public var distribution: String
    /// The invalidation paths, each starting with `/`.
    public var paths: [String]

    /// Creates an invalidation.
    public init(distribution: String, paths: [String]) {
        self.distribution = distribution
        self.paths = paths
    }
}

/// A node's answer to an ``Invalidation``.
public struct InvalidationResult: ResponseCodable, Sendable {
    /// The node's id.
    public var node: String
    /// How many objects it removed.
    public var removed: Int

    /// Creates a result.
    public init(node: String, removed: Int) {
        self.node = node
        self.removed = removed
    }
}

/// What `/health` answers.
public struct HealthReport: ResponseCodable, Sendable {
    /// How a node says it is.
    public enum Status: String, Codable, Sendable {
        /// It serves.
        case ok
        /// An edge shedding load: its `/health` answers 503, and GeoDNS routes around it.
        case overloaded
    }

    /// The node's id.
    public var node: String
    /// Its role.
    public var role: NodeRole
    /// Whether it serves or sheds load.
    public var status: Status
    /// Its process id.
    public var pid: Int32
    /// Objects in its cache, if it has one.
    public var cachedObjects: Int?
    /// Bytes in its cache, if it has one.
    public var cachedBytes: Int?
    /// The edges the GeoDNS node has taken out of routing (failed health checks); only the DNS
    /// node reports it.
    public var outOfRouting: [String]?

    /// Creates a report.
    public init(
        node: String,
        role: NodeRole,
        status: Status,
        pid: Int32,
        cachedObjects: Int? = nil,
        cachedBytes: Int? = nil,
        outOfRouting: [String]? = nil
    ) {
        self.node = node
        self.role = role
        self.status = status
        self.pid = pid
        self.cachedObjects = cachedObjects
        self.cachedBytes = cachedBytes
        self.outOfRouting = outOfRouting
    }
}
