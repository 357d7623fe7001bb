import HTTPTypes

/// How CloudFront answered a request, in its own words: the value of `X-Cache` (`Hit from
/// cloudfront`) and of a standard log's `x-edge-result-type`. Every node names its answers
/// with one of these; the string exists only on the wire, in logs and in metric labels.
public enum ResultType: String, Sendable, Codable, CaseIterable {
    /// Served from the cache, fresh.
    case hit = "Hit"
    /// Served from the cache after the upstream said the stale copy had not changed.
    case refreshHit = "RefreshHit"
    /// Fetched from upstream.
    case miss = "Miss"
    /// An error: CloudFront's own page, or an error status from upstream.
    case error = "Error"
    /// A Lambda@Edge function generated the response (on its first delivery).
    case lambdaGeneratedResponse = "LambdaGeneratedResponse"
    /// A function's result broke CloudFront's rules (502).
    case lambdaValidationError = "LambdaValidationError"
    /// A function threw, crashed or ran out of memory.
    case lambdaExecutionError = "LambdaExecutionError"
    /// A function timed out or was throttled (503).
    case lambdaLimitExceeded = "LambdaLimitExceeded"
    /// Plain HTTP redirected to HTTPS by the behavior's viewer protocol policy.
    case redirect = "Redirect"
    /// A CloudFront Function's viewer-request answered the request itself.
    case functionGeneratedResponse = "FunctionGeneratedResponse"
    /// A CloudFront Function returned something CloudFront refuses (502).
    case functionValidationError = "FunctionValidationError"
    /// A CloudFront Function threw, failed to compile or used too much memory (503).
    case functionExecutionError = "FunctionExecutionError"
    /// A CloudFront Function ran past its compute time and is throttled (503).
    case functionThrottledError = "FunctionThrottledError"

    /// The result of a cache tier's answer.
    public init(_ cache: CacheResult) {
        switch cache {
        case .hit: self = .hit
        case .refreshHit: self = .refreshHit
        case .miss: self = .miss
        }
    }

    /// Reads an `X-Cache` value (`Hit from cloudfront`); `nil` for one CloudFront does not send.
    public init?(xCache: String) {
        guard xCache.hasSuffix(" from cloudfront") else { return nil }
        self.init(rawValue: String(xCache.dropLast(" from cloudfront".count)))
    }

    /// Reads an `X-Cache` value from its bytes, as ``init(xCache:)`` does from a string.
    public init?(xCache bytes: Slice<UnsafeRawBufferPointer>) {
        guard let index = Self.xCacheBytes.firstIndex(where: { $0.elementsEqual(bytes) }) else { return nil }
        self = Self.allCases[index]
    }

    private static let xCacheBytes = allCases.map { Array($0.xCache.utf8) }

    /// The `X-Cache` value: `Hit from cloudfront`.
    public var xCache: String {
        // Literals, not interpolations: every response sends one.
        switch self {
        case .hit: "Hit from cloudfront"
        case .refreshHit: "RefreshHit from cloudfront"
        case .miss: "Miss from cloudfront"
        case .error: "Error from cloudfront"
        case .lambdaGeneratedResponse: "LambdaGeneratedResponse from cloudfront"
        case .lambdaValidationError: "LambdaValidationError from cloudfront"
        case .lambdaExecutionError: "LambdaExecutionError from cloudfront"
        case .lambdaLimitExceeded: "LambdaLimitExceeded from cloudfront"
        case .redirect: "Redirect from cloudfront"
        case .functionGeneratedResponse: "FunctionGeneratedResponse from cloudfront"
        case .functionValidationError: "FunctionValidationError from cloudfront"
        case .functionExecutionError: "FunctionExecutionError from cloudfront"
        case .functionThrottledError: "FunctionThrottledError from cloudfront"
        }
    }

    /// The `X-Cache` field, made once per value: checking a field's value is most of making it.
    public var xCacheField: HTTPField { Self.xCacheFields[Self.allCases.firstIndex(of: self)!] }
    private static let xCacheFields = allCases.map { HTTPField(name: .xCache, value: $0.xCache) }

    /// Whether the cache answered it (a hit or a refresh hit), for the cache hit counter.
    public var isCacheHit: Bool { self == .hit || self == .refreshHit }
}
