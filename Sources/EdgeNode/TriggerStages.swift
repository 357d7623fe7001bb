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
    /// The request id (`X-Amz-Cf-Id`, `config.requestId`).
    public var requestID: String
    /// The viewer location the request comes from, if the edge knows it.
    public var viewer: ViewerSpec?
    /// The origin the request goes to on a miss: a topology origin's id.
    public var origin: String
    /// An origin an origin-request function chose that the topology does not name
    /// (`http://host:port/path`); when set, it wins over ``origin``.
    public var originURL: String?
    /// The origin group the behavior (or a function) chose, whose primary ``origin`` is; the
    /// secondary is asked when the primary fails.
    public var originGroup: OriginGroup? = nil
    /// The viewer's address and port, for `CloudFront-Viewer-Address`.
    public var clientPort: Int?
    /// The versions of the functions that ran for this request (`name:N`), in order.
    public var functionsRun: [FunctionRef] = []
    /// What the viewer connected with, for `CloudFront-Forwarded-Proto`.
    public var viewerProtocol: ViewerProtocol = .http
    /// The HTTP version the viewer spoke (`1.1`, `2.0`), for `CloudFront-Viewer-Http-Version`.
    public var httpVersion = "1.1"
    /// The Host the viewer asked for (HTTP/1.1's `Host`, HTTP/2's `:authority`): every
    /// function's event shows it as the read-only `host` header, as CloudFront's do.
    public var host: String?

    /// The path and query, as sent upstream.
    public var target: String { querystring.isEmpty ? uri : uri + "?" + querystring }
}

/// What a request stage decides.
public enum StageOutcome: Sendable {
    /// Go on with the (possibly changed) request.
    case proceed
    /// Answer with this response instead (a Lambda@Edge generated response).
    case respond(StoredResponse)
    /// Answer with this response instead, made by a CloudFront Function
    /// (`FunctionGeneratedResponse`).
    case respondFromFunction(StoredResponse)
    /// The function failed: answer with CloudFront's error for it.
    case fail(FunctionFailure)
}

/// A function that failed, in CloudFront's three classes (spec §3), each with its status and
/// `X-Cache` value.
public struct FunctionFailure: Error, Sendable, CustomStringConvertible {
    /// The class of failure: Lambda@Edge's three, and CloudFront Functions' three.
    public enum Kind: String, Sendable {
        /// The result broke CloudFront's rules: 502.
        case validation = "LambdaValidationError"
        /// The handler threw, rejected, called back with an error, crashed or ran out of memory.
        case execution = "LambdaExecutionError"
        /// A timeout or throttling: 503.
        case limitExceeded = "LambdaLimitExceeded"
        /// A CloudFront Function's result broke CloudFront's rules: 502.
        case functionValidation = "FunctionValidationError"
        /// A CloudFront Function threw, did not compile or used more than its memory: 503.
        case functionExecution = "FunctionExecutionError"
        /// A CloudFront Function ran past its compute time, or is throttled for it: 503.
        case functionThrottled = "FunctionThrottledError"
    }

    /// The class.
    public var kind: Kind
    /// The status the viewer gets.
    public var status: HTTPResponse.Status
    /// What happened, for logs and the error page.
    public var message: String

    /// Creates a failure.
    public init(kind: Kind, status: HTTPResponse.Status, message: String) {
        self.kind = kind
        self.status = status
        self.message = message
    }

    /// The result type the viewer's `X-Cache` names.
    public var result: ResultType {
        switch kind {
        case .validation: .lambdaValidationError
        case .execution: .lambdaExecutionError
        case .limitExceeded: .lambdaLimitExceeded
        case .functionValidation: .functionValidationError
        case .functionExecution: .functionExecutionError
        case .functionThrottled: .functionThrottledError
        }
    }

    public var description: String { "\(kind.rawValue): \(message)" }
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
    /// - Returns: The failure, if the function failed.
    func originResponse(
        _ response: inout StoredResponse,
        request: EdgeRequest,
        distribution: DistributionSpec,
        behavior: CacheBehavior
    ) async -> FunctionFailure?
    /// Before the reply, on hits and misses alike, unless the status is 400 or more.
    /// - Returns: The failure, if the function failed.
    func viewerResponse(
        _ response: inout StoredResponse,
        request: EdgeRequest,
        distribution: DistributionSpec,
        behavior: CacheBehavior
    ) async -> FunctionFailure?
    /// Whether a behavior's stage runs a function. A hit that no viewer-side function sees is
    /// answered at once, with no task; and only a viewer-response function makes the edge
    /// build the viewer fields a hit's request would otherwise not need.
    func runs(_ event: EventType, distribution: DistributionSpec, behavior: CacheBehavior) -> Bool
    /// Whether the function a behavior runs at a viewer event sees CloudFront's viewer fields.
    func seesViewerFields(_ event: EventType, distribution: DistributionSpec, behavior: CacheBehavior) -> Bool
}

extension TriggerStages {
    /// Whether a behavior's function at a viewer event sees CloudFront's viewer fields
    /// (`CloudFront-Viewer-Country`, the device headers): a CloudFront Function does, even at
    /// viewer-request; Lambda@Edge's viewer-request runs before CloudFront adds them.
    public func seesViewerFields(_ event: EventType, distribution: DistributionSpec, behavior: CacheBehavior) -> Bool { false }
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

    public func originResponse(
        _ response: inout StoredResponse,
        request: EdgeRequest,
        distribution: DistributionSpec,
        behavior: CacheBehavior
    ) async -> FunctionFailure? { nil }

    public func viewerResponse(
        _ response: inout StoredResponse,
        request: EdgeRequest,
        distribution: DistributionSpec,
        behavior: CacheBehavior
    ) async -> FunctionFailure? { nil }

    public func runs(_ event: EventType, distribution: DistributionSpec, behavior: CacheBehavior) -> Bool { false }
}
