import Foundation
import Topology

/// One numbered distribution config, as it replicates: every association in force, the signed
/// records of the versions they name, and when the registry made it.
///
/// An epoch is complete in itself (it is the whole config, not a diff), so a node that holds
/// epoch N can switch to N+3 without the two between, and the switch is one swap.
public struct ConfigEpoch: Codable, Hashable, Sendable {
    /// The epoch's number: 1, 2, 3 … (0 is "no config yet").
    public var epoch: Int
    /// Every association in force.
    public var associations: [Association]
    /// The records of the versions ``associations`` name.
    public var versions: [FunctionVersion]
    /// The current revision of every KeyValueStore those versions read.
    public var stores: [StoreRevision]
    /// When the registry made the epoch, in seconds since 1970 (propagation is timed from it).
    public var madeAt: Double
    /// The topology in force (its YAML) once a distribution has been updated through
    /// CloudFront's API; `nil` while it is the file the network started from. Nodes take their
    /// distributions from it, so a distribution's new config switches with its associations.
    public var topology: String?

    /// Creates an epoch.
    public init(
        epoch: Int,
        associations: [Association],
        versions: [FunctionVersion],
        stores: [StoreRevision] = [],
        madeAt: Double,
        topology: String? = nil
    ) {
        self.epoch = epoch
        self.associations = associations
        self.versions = versions
        self.stores = stores
        self.madeAt = madeAt
        self.topology = topology
    }

    private enum CodingKeys: String, CodingKey { case epoch, associations, versions, stores, madeAt, topology }

    /// Reads an epoch; one written before stores existed has none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        epoch = try container.decode(Int.self, forKey: .epoch)
        associations = try container.decode([Association].self, forKey: .associations)
        versions = try container.decode([FunctionVersion].self, forKey: .versions)
        stores = try container.decodeIfPresent([StoreRevision].self, forKey: .stores) ?? []
        madeAt = try container.decode(Double.self, forKey: .madeAt)
        topology = try container.decodeIfPresent(String.self, forKey: .topology)
    }

    /// The revision of a store the epoch carries.
    public func store(_ name: String) -> StoreRevision? { stores.first { $0.name == name } }

    /// The record of the version an association names.
    public func version(of association: Association) -> FunctionVersion? {
        versions.first { $0.name == association.function && $0.version == association.version }
    }

    /// Every version the epoch names, sorted.
    public var refs: [FunctionRef] { Set(versions.map(\.ref)).sorted() }
}

/// One line of a replication stream (newline-delimited JSON): an epoch, or a heartbeat that
/// says the newest epoch the sender holds (so a follower knows when it has caught up, and a
/// silent stream is a dead one).
public struct FeedLine: Codable, Sendable {
    /// A small bundle sent with the epoch that first names it.
    public struct Bundle: Codable, Sendable {
        /// The function's name.
        public var name: String
        /// The version's number.
        public var version: Int
        /// The zip, as the registry signed it (base64 in the JSON).
        public var data: Data

        /// Creates an inline bundle.
        public init(name: String, version: Int, data: Data) {
            self.name = name
            self.version = version
            self.data = data
        }
    }

    /// An epoch the follower does not have yet.
    public var epoch: ConfigEpoch?
    /// Bundles of versions the epoch names first on this stream, when they are small: the
    /// follower stores them (checked against the registry's signature as a fetched one is)
    /// instead of asking for each, a round trip of the link (three after a reconnect, with
    /// TCP's and TLS's handshakes) per hop.
    public var bundles: [Bundle]?
    /// The sender's newest epoch.
    public var heartbeat: Int?

    /// Creates a line.
    public init(epoch: ConfigEpoch? = nil, bundles: [Bundle]? = nil, heartbeat: Int? = nil) {
        self.epoch = epoch
        self.bundles = bundles
        self.heartbeat = heartbeat
    }
}
