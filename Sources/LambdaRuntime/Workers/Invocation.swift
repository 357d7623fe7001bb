/// What one invocation of a handler produced.
public struct Invocation: Sendable {
    /// What the handler returned, as JSON; `nil` when it failed.
    public var result: [UInt8]?
    /// The handler's error, when it threw, rejected or called back with an error.
    public var error: HandlerError?
    /// How long the handler ran.
    public var duration: Duration
    /// The cold start, when this invocation started a new worker: the modelled Init Duration
    /// when the topology sets one, else ``spawnDuration``.
    public var initDuration: Duration?
    /// What this invocation waited for its new worker here: the handler's load, and the
    /// interpreter's start when none had been started ahead. The tool's own cost, apart from
    /// the modelled cold start.
    public var spawnDuration: Duration? = nil
    /// The most memory the worker has used, in megabytes.
    public var maxMemoryUsedMegabytes: Int
    /// The CPU time the call cost its worker, for a CloudFront Function (its compute
    /// utilization is this against the allowed time).
    public var cpuTime: Duration? = nil
    /// A CloudFront Function's KeyValueStore reads (`get`, `exists`, `meta`), and how many of
    /// them failed (a missing key, a value that is not JSON), as CloudWatch's `KvsReadRequests`
    /// and `KvsReadErrors`.
    public var keyValueStoreReads = 0
    public var keyValueStoreReadErrors = 0
    /// What a CloudFront Function asked of the origin helpers, checked (a bad value is
    /// CloudFront's validation error for origin rewrite).
    public var originChange: Result<OriginChange, ValidationFailure>? = nil
}

/// An error a handler reported (Lambda's `errorType` and `errorMessage`).
public struct HandlerError: Error, Sendable, CustomStringConvertible {
    /// Lambda's error type (`Error`, `TypeError`, `Runtime.ExitError`, …).
    public var type: String
    /// The message.
    public var message: String

    public var description: String { "\(type): \(message)" }
}

/// Why an invocation produced nothing to validate, in CloudFront's two classes.
public enum InvocationFailure: Error, Sendable, CustomStringConvertible {
    /// The handler ran past its timeout (CloudFront: `LambdaLimitExceeded`, 503).
    case timedOut(Duration)
    /// Too many invocations waited for a worker (CloudFront: `LambdaLimitExceeded`, 503).
    case throttled
    /// The handler failed: an error, a crash, too much memory, a handler that did not load
    /// (CloudFront: `LambdaExecutionError`).
    case failed(HandlerError)

    public var description: String {
        switch self {
        case .timedOut(let timeout): "Task timed out after \(timeout)"
        case .throttled: "Rate Exceeded: too many concurrent invocations at this edge"
        case .failed(let error): error.description
        }
    }
}
