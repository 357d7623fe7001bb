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

    init() {}

    private enum CodingKeys: String, CodingKey { case versions, epochs, stores, live }

    /// Reads a catalog; one written before stores existed has none.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        versions = try container.decode([FunctionVersion].self, forKey: .versions)
        epochs = try container.decode([ConfigEpoch].self, forKey: .epochs)
        stores = try container.decodeIfPresent([KeyValueStoreRecord].self, forKey: .stores) ?? []
        live = try container.decodeIfPresent([String: Int].self, forKey: .live) ?? [:]
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
