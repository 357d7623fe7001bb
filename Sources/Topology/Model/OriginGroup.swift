/// Two origins of a distribution behind one id (CloudFront's `OriginGroup`): every request goes
/// to the primary first, and to the secondary when the primary answers with one of the failover
/// statuses, cannot be reached, or does not answer in time — for GET, HEAD and OPTIONS only.
public struct OriginGroup: Hashable, Sendable {
    /// The statuses CloudFront can fail over on.
    public static let failoverStatuses: Set<Int> = [400, 403, 404, 416, 500, 502, 503, 504]
    /// CloudFront allows this many groups per distribution.
    public static let maximumPerDistribution = 10

    /// Its id, which a behavior's `origin` may name.
    public var id: String
    /// The origin every request tries first.
    public var primary: String
    /// The origin asked after the primary failed.
    public var secondary: String
    /// The primary's statuses that send the request to the secondary.
    public var failoverStatuses: Set<Int>
    /// Where the group is declared.
    public var source: SourceLocation?

    public init(id: String, primary: String, secondary: String, failoverStatuses: Set<Int>, source: SourceLocation? = nil) {
        self.id = id
        self.primary = primary
        self.secondary = secondary
        self.failoverStatuses = failoverStatuses
        self.source = source
    }

    /// Both members, the primary first.
    public var members: [String] { [primary, secondary] }
}

extension DistributionSpec {
    /// The origin group with an id, if the distribution has one.
    public func originGroup(_ id: String) -> OriginGroup? {
        originGroups.first { $0.id == id }
    }

    /// The origins an origin id or group id stands for: the origin itself, or a group's two.
    public func members(of target: String) -> [String] {
        originGroup(target)?.members ?? [target]
    }

    /// The origin a request for an origin id or group id goes to first: a group's primary.
    public func firstOrigin(of target: String) -> String {
        originGroup(target)?.primary ?? target
    }
}
