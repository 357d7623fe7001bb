import CDNCore
import HTTPTypes
import NIOCore
import Topology

/// A viewer's request as it moves through the edge, changed by the stages that see it.
public struct EdgeRequest: Sendable {
    /// The method.
    public var method: HTTPRequest.Method
    /// The path, without the query.
    public var uri: String
    /// The query string, without `?`; empty when absent.
    public var querystring: String
    /// The header fields.
    public var headers: HTTPFields
    /// The body.
    public var body: ByteBuffer
    /// The viewer's IP address.
    public var clientIP: String
    /// The viewer location the request comes from, if the edge knows it.
    public var viewer: ViewerSpec?
    /// The origin the request goes to on a miss (origin-request may change it).
    public var origin: String

    /// The path and query, as sent upstream.
    public var target: String { querystring.isEmpty ? uri : uri + "?" + querystring }
}

/// What a request stage decides.
public enum StageOutcome: Sendable {
    /// Go on with the (possibly changed) request.
    case proceed
    /// Answer with this response instead (a generated response).
    case respond(StoredResponse)
}

/// The four Lambda@Edge trigger stages of the edge's pipeline (spec §1), in the order a request
/// meets them. The data plane calls each at its place; ``NoTriggers`` runs none. The Lambda@Edge
/// runtime implements this protocol with real Node.js and Python handlers.
public protocol TriggerStages: Sendable {
    /// Before the cache lookup, on every request: may change the request (and so the cache key)
    /// or answer it (not cached).
    func viewerRequest(_ request: inout EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) async -> StageOutcome
    /// On a miss, before the upstream: may change the request or the origin, or answer (cached).
    func originRequest(_ request: inout EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) async -> StageOutcome
    /// On a miss, after the upstream answered and before the cache stores it.
    func originResponse(_ response: inout StoredResponse, request: EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) async
    /// Before the reply, on hits and misses alike, unless the status is 400 or more.
    func viewerResponse(_ response: inout StoredResponse, request: EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) async
}

/// The pipeline with no functions associated: every stage lets the request through unchanged.
public struct NoTriggers: TriggerStages {
    /// Creates the empty pipeline.
    public init() {}

    public func viewerRequest(_ request: inout EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) async -> StageOutcome {
        .proceed
    }

    public func originRequest(_ request: inout EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) async -> StageOutcome {
        .proceed
    }

    public func originResponse(_ response: inout StoredResponse, request: EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) async
    {}

    public func viewerResponse(_ response: inout StoredResponse, request: EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) async
    {}
}
