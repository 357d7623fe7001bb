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
    /// An epoch the follower does not have yet.
    public var epoch: ConfigEpoch?
    /// The sender's newest epoch.
    public var heartbeat: Int?

    /// Creates a line.
    public init(epoch: ConfigEpoch? = nil, heartbeat: Int? = nil) {
        self.epoch = epoch
        self.heartbeat = heartbeat
    }
}
