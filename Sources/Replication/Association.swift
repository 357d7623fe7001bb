import Topology

/// One trigger in a distribution's config: a numbered version run at one event of one behavior.
public struct Association: Codable, Hashable, Sendable {
    /// The distribution's id.
    public var distribution: String
    /// The behavior's path pattern.
    public var behavior: String
    /// The event it runs at.
    public var event: EventType
    /// The function's name.
    public var function: String
    /// The numbered version.
    public var version: Int
    /// Whether the request body is exposed (request events only).
    public var includeBody: Bool

    /// Creates an association.
    public init(distribution: String, behavior: String, event: EventType, function: String, version: Int, includeBody: Bool) {
        self.distribution = distribution
        self.behavior = behavior
        self.event = event
        self.function = function
        self.version = version
        self.includeBody = includeBody
    }

    /// The version it runs.
    public var ref: FunctionRef { FunctionRef(name: function, version: version) }

    /// Whether two associations sit in the same slot (a behavior has one function per event).
    public func sharesSlot(with other: Association) -> Bool {
        distribution == other.distribution && behavior == other.behavior && event == other.event
    }
}
