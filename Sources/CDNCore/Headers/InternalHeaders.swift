import HTTPTypes

/// Header fields edgesim's own nodes send each other, never seen by a viewer or an origin: the
/// edge tells the hub which behavior and origin a request belongs to (a changed uri must not
/// re-select them, spec §10), and the hub tells the edge how it answered (``HubTrace``). Inside
/// one node these facts are typed values (``ResponseTrace``), never header fields.
extension HTTPField.Name {
    /// Edge → hub: the distribution id.
    public static let edgesimDistribution = Self("X-Edgesim-Distribution")!
    /// Edge → hub: the path pattern of the cache behavior the edge chose.
    public static let edgesimBehavior = Self("X-Edgesim-Behavior")!
    /// Edge → hub: the origin to fetch from.
    public static let edgesimOrigin = Self("X-Edgesim-Origin")!
    /// Hub → edge: how the hub's cache answered (`Hit`, `Miss`, `RefreshHit`).
    public static let edgesimHubResult = Self("X-Edgesim-Hub-Result")!
    /// Hub → edge: milliseconds the hub spent waiting on the origin, link included.
    public static let edgesimOriginTime = Self("X-Edgesim-Origin-Time")!
    /// Hub → edge: the origin gave no response (`unreachable`, `timed-out`), which fails over.
    public static let edgesimOriginFailure = Self("X-Edgesim-Origin-Failure")!
    /// Hub → edge: the Origin Shield the hub fetched through, how it answered and how long its
    /// origin took (`us-east-1;hit;` or `us-east-1;miss;42.1`).
    public static let edgesimShield = Self("X-Edgesim-Shield")!
    /// Edge → hub: the statuses an origin group's primary fails over on (`500,503`): the hub
    /// passes such an answer back without caching it, for the edge to ask the secondary.
    public static let edgesimFailoverOn = Self("X-Edgesim-Failover-On")!
    /// Edge → hub: the protocol the viewer came over (`https`), for a match-viewer origin.
    public static let edgesimViewerProtocol = Self("X-Edgesim-Viewer-Protocol")!
    /// Edge → hub: an origin a function chose that the topology does not name (`http://host:port/path`).
    public static let edgesimOriginURL = Self("X-Edgesim-Origin-URL")!
    /// Edge → viewer: the function versions that ran for this response, each once, in the order
    /// they first ran (`auth:2, security-headers:1`).
    public static let edgesimFunctions = Self("Edgesim-Functions")!
    /// Edge → viewer: the config epoch the request ran under.
    public static let edgesimConfigEpoch = Self("Edgesim-Config-Epoch")!
    /// CloudFront's `X-Cache`.
    public static let xCache = Self("X-Cache")!
    /// CloudFront's `X-Amz-Cf-Pop`.
    public static let amzCfPop = Self("X-Amz-Cf-Pop")!
    /// CloudFront's `X-Amz-Cf-Id`.
    public static let amzCfID = Self("X-Amz-Cf-Id")!
    /// `Server-Timing`.
    public static let serverTiming = Self("Server-Timing")!
    /// `X-Forwarded-For`.
    public static let xForwardedFor = Self("X-Forwarded-For")!
}

extension HTTPFields {
    /// The fields without edgesim's internal ones. Most responses have none, so that is checked
    /// first, on the names' bytes, and the fields are copied only when one is there.
    public func removingInternal() -> HTTPFields {
        guard contains(where: { $0.name.isInternal }) else { return self }
        return HTTPFields(filter { !$0.name.isInternal })
    }
}

extension HTTPField.Name {
    /// `Host`, which HTTP/1.1 viewers send and HTTP/2 viewers send as `:authority`.
    public static let host = HTTPField.Name("Host")!

    /// Whether the name is one of edgesim's own (`X-Edgesim-…`), read without making a string.
    public var isInternal: Bool {
        canonicalName.utf8.starts(with: "x-edgesim-".utf8)
    }
}
