/// Collapses concurrent work for one key into a single operation: the first caller (the
/// leader) runs it, and everyone who asks for the same key meanwhile waits for its result.
///
/// This is how a burst of misses for one object makes one upstream fetch, as CloudFront's
/// collapsed forwarding does.
public actor RequestCoalescer<Key: Hashable & Sendable, Value: Sendable> {
    private var waiting: [Key: [CheckedContinuation<Value, any Error>]] = [:]

    /// Creates an empty coalescer.
    public init() {}

    /// Runs `operation` for `key` unless it is already running, in which case this waits for
    /// the running one.
    /// - Returns: The value, and whether this caller ran the operation itself.
    /// - Throws: The operation's error, to the leader and every follower alike.
    public func run(_ key: Key, _ operation: @Sendable () async throws -> Value) async throws -> (value: Value, led: Bool) {
        if waiting[key] != nil {
            let value = try await withCheckedThrowingContinuation { waiting[key, default: []].append($0) }
            return (value, false)
        }
        waiting[key] = []
        let result: Result<Value, any Error>
        do {
            result = .success(try await operation())
        } catch {
            result = .failure(error)
        }
        for follower in waiting.removeValue(forKey: key) ?? [] { follower.resume(with: result) }
        return (try result.get(), true)
    }

    /// How many keys have an operation running.
    public var inFlight: Int { waiting.count }
}
