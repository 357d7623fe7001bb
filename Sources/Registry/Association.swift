import Replication
import Topology

/// What the registry holds, written whole (durably) on every change.
struct Catalog: Codable {
    /// Every published version, in publish order.
    var versions: [FunctionVersion] = []
    /// Every config epoch, oldest first: the history a node resumes from.
    var epochs: [ConfigEpoch] = []
    /// Every KeyValueStore, in creation order.
    var stores: [KeyValueStoreRecord] = []
    /// The LIVE version of each CloudFront Function that has one (its newest version is its
    /// DEVELOPMENT stage).
    var live: [String: Int] = [:]
    /// The epoch that last changed each distribution (its associations or, through
    /// UpdateDistribution, its config): CloudFront's LastModifiedTime, and what its status waits for.
    var modified: [String: DistributionChange] = [:]
    /// The hash of the topology file the network last started from: a start from the same file
    /// keeps what the API changed since; one from another file puts that file's config in force.
    var topologyFile: String?
    /// Each CloudFront Function's comment (its FunctionConfig's, through CloudFront's API).
    var comments: [String: String] = [:]

    init() {}

    private enum CodingKeys: String, CodingKey { case versions, epochs, stores, live, modified, topologyFile, comments }

    /// Reads a catalog; one written before stores existed has none.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        versions = try container.decode([FunctionVersion].self, forKey: .versions)
        epochs = try container.decode([ConfigEpoch].self, forKey: .epochs)
        stores = try container.decodeIfPresent([KeyValueStoreRecord].self, forKey: .stores) ?? []
        live = try container.decodeIfPresent([String: Int].self, forKey: .live) ?? [:]
        modified = try container.decodeIfPresent([String: DistributionChange].self, forKey: .modified) ?? [:]
        topologyFile = try container.decodeIfPresent(String.self, forKey: .topologyFile)
        comments = try container.decodeIfPresent([String: String].self, forKey: .comments) ?? [:]
    }

    /// Adds an epoch, noting each distribution it changes: those whose associations differ from
    /// the epoch before, and the one an UpdateDistribution names.
    mutating func append(_ epoch: ConfigEpoch, updating updated: String? = nil) {
        let before = Set(associations)
        let after = Set(epoch.associations)
        var changed = Set(before.symmetricDifference(after).map(\.distribution))
        if let updated { changed.insert(updated) }
        for distribution in changed { modified[distribution] = DistributionChange(epoch: epoch.epoch, at: epoch.madeAt) }
        epochs.append(epoch)
    }

    /// The newest epoch's number, 0 before the first association.
    var epoch: Int { epochs.last?.epoch ?? 0 }
    /// The associations in force.
    var associations: [Association] { epochs.last?.associations ?? [] }
}

/// One association as a user asks for it: `NAME:N` still to be checked.
public struct AssociationChange: Codable, Hashable, Sendable {
    /// The distribution's id.
    public var distribution: String
    /// The behavior's path pattern.
    public var behavior: String
    /// The event type.
    public var event: EventType
    /// `NAME:N`.
    public var function: String
    /// Whether the body is exposed (request events only).
    public var includeBody: Bool

    /// Creates a change.
    public init(distribution: String, behavior: String = "*", event: EventType, function: String, includeBody: Bool = false) {
        self.distribution = distribution
        self.behavior = behavior
        self.event = event
        self.function = function
        self.includeBody = includeBody
    }
}

/// One event of one behavior of a distribution: where an association sits.
public struct AssociationSlot: Codable, Hashable, Sendable {
    public var distribution: String
    public var behavior: String
    public var event: EventType

    public init(distribution: String, behavior: String = "*", event: EventType) {
        self.distribution = distribution
        self.behavior = behavior
        self.event = event
    }

    /// Whether an association sits here.
    func holds(_ association: Association) -> Bool {
        association.distribution == distribution && association.behavior == behavior && association.event == event
    }
}

/// When a distribution last changed: the epoch, and when the registry made it (seconds since 1970).
struct DistributionChange: Codable, Hashable, Sendable {
    var epoch: Int
    var at: Double
}
