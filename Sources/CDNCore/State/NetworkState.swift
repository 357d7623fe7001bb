import Foundation
import Topology

/// What `edgesim up` writes to its state directory once every node answers: the machine-readable
/// description of the running network that `status`, `down`, `invalidate`, `measure` and the
/// tests read.
///
/// It is written whole to a temporary file and renamed into place, so a reader never sees half.
public struct NetworkState: Codable, Sendable {
    /// One node's process.
    public struct Node: Codable, Sendable {
        /// The node's id.
        public var id: String
        /// Its role.
        public var role: NodeRole
        /// Where it is, for tables.
        public var location: String
        /// The address its traffic listener is bound to.
        public var host: String
        /// The port of its traffic listener.
        public var port: Int
        /// The port of its admin listener (`/health`, `/metrics`, `/invalidate`).
        public var adminPort: Int
        /// The port of an edge's HTTPS listener.
        public var httpsPort: Int?
        /// Its process id.
        public var pid: Int32
        /// The hub it fetches through, for an edge.
        public var hub: String?
        /// Its log file.
        public var log: String
        /// How many times it was restarted after dying.
        public var restarts: Int

        /// Creates a record.
        public init(
            id: String,
            role: NodeRole,
            location: String,
            host: String,
            port: Int,
            adminPort: Int,
            httpsPort: Int? = nil,
            pid: Int32,
            hub: String?,
            log: String,
            restarts: Int = 0
        ) {
            self.id = id
            self.role = role
            self.location = location
            self.host = host
            self.port = port
            self.adminPort = adminPort
            self.httpsPort = httpsPort
            self.pid = pid
            self.hub = hub
            self.log = log
            self.restarts = restarts
        }

        /// `http://host:port` of the traffic listener.
        public var url: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
        /// `https://host:httpsPort` of an edge's HTTPS listener.
        public var httpsURL: String? { httpsPort.map { "https://\(host.contains(":") ? "[\(host)]" : host):\($0)" } }
        /// `http://host:adminPort` of the admin listener.
        public var adminURL: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(adminPort)" }
    }

    /// One simulated viewer location.
    public struct Viewer: Codable, Sendable {
        /// The viewer's id.
        public var id: String
        /// The loopback source address that says "this request comes from here".
        public var address: String
        /// Where it is, for tables.
        public var location: String
        /// The edge routing picks for it (for the first distribution).
        public var edge: String?
        /// The modelled round trip to that edge, in milliseconds.
        public var rttMilliseconds: Double?

        /// Creates a record.
        public init(id: String, address: String, location: String, edge: String?, rttMilliseconds: Double?) {
            self.id = id
            self.address = address
            self.location = location
            self.edge = edge
            self.rttMilliseconds = rttMilliseconds
        }
    }

    /// One distribution.
    public struct Distribution: Codable, Sendable {
        /// Its id.
        public var id: String
        /// Its domain name.
        public var domain: String

        /// Creates a record.
        public init(id: String, domain: String) {
            self.id = id
            self.domain = domain
        }
    }

    /// The state file's name inside the state directory.
    public static let fileName = "network.json"

    /// The topology file the network runs.
    public var topology: String
    /// The topology's name.
    public var name: String
    /// The process id of `edgesim up`.
    public var launcherPID: Int32
    /// When every node first answered.
    public var startedAt: Date
    /// Every node, in start order.
    public var nodes: [Node]
    /// Every viewer location.
    public var viewers: [Viewer]
    /// Every distribution.
    public var distributions: [Distribution]
    /// The network's certificate authority (`STATE/tls/ca.pem`): what an HTTPS client trusts.
    public var certificateAuthority: String?

    /// Creates a state.
    public init(
        topology: String,
        name: String,
        launcherPID: Int32,
        startedAt: Date,
        nodes: [Node],
        viewers: [Viewer],
        distributions: [Distribution],
        certificateAuthority: String? = nil
    ) {
        self.topology = topology
        self.name = name
        self.launcherPID = launcherPID
        self.startedAt = startedAt
        self.nodes = nodes
        self.viewers = viewers
        self.distributions = distributions
        self.certificateAuthority = certificateAuthority
    }

    /// The node with an id.
    public func node(_ id: String) -> Node? { nodes.first { $0.id == id } }

    /// The viewer with an id.
    public func viewer(_ id: String) -> Viewer? { viewers.first { $0.id == id } }

    /// Reads the state of the network running from a state directory.
    /// - Throws: When there is no running network there, or its file cannot be read.
    public static func load(from directory: String) throws -> NetworkState {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StateError(.notRunning, "no network is running from \(directory) (no \(fileName)); start one with `edgesim up FILE`")
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(NetworkState.self, from: data)
        } catch {
            throw StateError(.unreadable, "\(path) is not a network state file", cause: error)
        }
    }

    /// Writes the state atomically (a temporary file, then a rename).
    /// - Throws: When the directory cannot be written.
    public func write(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(self)
        try Durable.write(data, to: (directory as NSString).appendingPathComponent(Self.fileName), permissions: 0o600)
    }

    /// Removes the state file, when the network has stopped.
    public static func remove(from directory: String) {
        try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(fileName))
    }
}
