import HTTPTypes
import Synchronization
import Topology

/// Which way a cache tier answered, in CloudFront's words (the `X-Cache` value).
public enum CacheResult: String, Sendable, Codable {
    /// Served from this tier's cache, fresh.
    case hit = "Hit"
    /// The cached copy was stale; the upstream said it had not changed (a 304), so it was served.
    case refreshHit = "RefreshHit"
    /// Fetched from upstream.
    case miss = "Miss"
}

/// What a cache tier hands back for one request.
public struct TierAnswer: Sendable {
    /// The response.
    public var response: StoredResponse
    /// How the tier answered.
    public var result: CacheResult
    /// The response's age (for the `Age` header), counting the age it arrived with.
    public var age: Duration
    /// How long the upstream fetch took, if there was one.
    public var upstreamTime: Duration?
    /// The upstream's error status when an expired copy was served in its place.
    public var staleOnError: Int?

    /// Creates an answer.
    public init(response: StoredResponse, result: CacheResult, age: Duration, upstreamTime: Duration? = nil, staleOnError: Int? = nil) {
        self.response = response
        self.result = result
        self.age = age
        self.upstreamTime = upstreamTime
        self.staleOnError = staleOnError
    }
}

/// One node's cache tier: a byte-bounded LRU keyed by ``CacheKey``, CloudFront's TTL rules,
/// revalidation of stale entries, and collapsed forwarding so a burst of misses for one key
/// makes one upstream fetch. The edge and the hub each own one.
///
/// The LRU sits behind a lock rather than in an actor: a fresh hit is read with ``fresh(_:)``
/// on the viewer connection's event loop, without a task or an executor hop, and the lock is
/// held only for the lookup itself. Misses and revalidations go through ``answer(key:behavior:fetch:)``.
public final class CacheTier: Sendable {
    /// Fetches from upstream; the fields are the validators to add (empty for a plain fetch).
    public typealias Fetch = @Sendable (_ validators: HTTPFields) async throws -> StoredResponse
    /// Readies a response before it is stored, once, for the hits that will serve it.
    public typealias Prepare = @Sendable (StoredResponse) -> StoredResponse

    private let cache: Mutex<LRUCache<CacheKey, StoredResponse>>
    private let coalescer = RequestCoalescer<CacheKey, TierAnswer>()
    private let clock = ContinuousClock()
    private let prepare: Prepare?

    /// Creates an empty tier.
    /// - Parameters:
    ///   - capacity: The most bytes it may hold.
    ///   - prepare: What to do to a response before storing it (the edge encodes the fields its
    ///     viewers get); the stored copy is what hits are served.
    public init(capacity: Int, prepare: Prepare? = nil) {
        cache = Mutex(LRUCache(capacity: capacity))
        self.prepare = prepare
    }

    /// The answer for a key that is cached and fresh, or `nil` (stale or not cached); it waits
    /// for nothing.
    public func fresh(_ key: CacheKey) -> TierAnswer? {
        guard case .fresh(let response, let age) = lookup(key) else { return nil }
        return Self.hit(response, age: age)
    }

    /// Looks a key up, marking it the most recently used.
    private func lookup(_ key: CacheKey) -> LRUCache<CacheKey, StoredResponse>.Lookup {
        let now = clock.now
        return cache.withLock { $0.lookup(key, now: now) }
    }

    /// A fresh entry's answer, counting the age it arrived with.
    private static func hit(_ response: StoredResponse, age: Duration) -> TierAnswer {
        TierAnswer(response: response, result: .hit, age: response.initialAge + age)
    }

    /// Answers a cacheable request: from the cache when fresh, after revalidation when stale,
    /// from upstream otherwise, storing what the TTL rules allow.
    /// - Parameters:
    ///   - key: The request's cache key.
    ///   - behavior: The cache behavior, for its TTLs.
    ///   - errorResponses: The distribution's custom error responses, for how long errors and
    ///     expired copies served in their place are kept.
    ///   - fetch: How to reach upstream.
    /// - Returns: The answer.
    /// - Throws: The upstream's error, when there was no response to give.
    public func answer(
        key: CacheKey,
        behavior: CacheBehavior,
        errorResponses: [Int: CustomErrorResponse] = [:],
        fetch: @escaping Fetch
    ) async throws -> TierAnswer {
        switch lookup(key) {
        case .fresh(let response, let age):
            return Self.hit(response, age: age)
        case .stale(let stale, let age):
            return try await coalesced(key) {
                let started = ContinuousClock.now
                let fetched: StoredResponse
                do {
                    fetched = try await fetch(stale.revalidationFields)
                } catch let error as UpstreamError {
                    return self.serveStale(key, stale, age: age, instead: error.status.code, errorResponses: errorResponses)
                }
                let elapsed = ContinuousClock.now - started
                if fetched.status == .notModified {
                    let refreshed = self.refresh(key, stale: stale, with: fetched, behavior: behavior)
                    return TierAnswer(response: refreshed, result: .refreshHit, age: .zero, upstreamTime: elapsed)
                }
                if fetched.status.code >= 500 {
                    var answer = self.serveStale(key, stale, age: age, instead: fetched.status.code, errorResponses: errorResponses)
                    answer.upstreamTime = elapsed
                    return answer
                }
                self.store(key, fetched, behavior: behavior, errorResponses: errorResponses)
                return TierAnswer(response: fetched, result: .miss, age: fetched.initialAge, upstreamTime: elapsed)
            }
        case .miss:
            return try await coalesced(key) {
                let started = ContinuousClock.now
                let fetched = try await fetch(HTTPFields())
                self.store(key, fetched, behavior: behavior, errorResponses: errorResponses)
                return TierAnswer(response: fetched, result: .miss, age: fetched.initialAge, upstreamTime: ContinuousClock.now - started)
            }
        }
    }

    /// An expired copy served because the upstream answered a 5xx (or could not be reached,
    /// which counts as its 502 or 504), as CloudFront does: kept for the error's caching
    /// minimum TTL before the upstream is asked again. A 4xx replaces the copy instead.
    private func serveStale(
        _ key: CacheKey,
        _ stale: StoredResponse,
        age: Duration,
        instead status: Int,
        errorResponses: [Int: CustomErrorResponse]
    ) -> TierAnswer {
        let hold = errorResponses[status]?.cachingMinimumTTL ?? CachePolicy.errorCachingMinimumTTL
        if hold > .zero { keep(key, stale, ttl: hold) }
        return TierAnswer(response: stale, result: .hit, age: stale.initialAge + age, staleOnError: status)
    }

    /// Runs one fetch per key; a follower's answer counts as a hit, since it never went upstream.
    private func coalesced(_ key: CacheKey, _ operation: @escaping @Sendable () async throws -> TierAnswer) async throws -> TierAnswer {
        let (answer, led) = try await coalescer.run(key, operation)
        guard !led else { return answer }
        var shared = answer
        shared.result = .hit
        shared.upstreamTime = nil
        shared.response.trace = ResponseTrace()
        return shared
    }

    /// Stores a response, without its trace, for as long as CloudFront would, less the age it
    /// arrived with.
    private func store(_ key: CacheKey, _ response: StoredResponse, behavior: CacheBehavior, errorResponses: [Int: CustomErrorResponse]) {
        let decision = CachePolicy.decide(status: response.status.code, fields: response.headers, behavior: behavior, errorResponses: errorResponses)
        guard case .store(let ttl) = decision,
            ttl > response.initialAge
        else { return }
        keep(key, response.untraced, ttl: ttl - response.initialAge)
    }

    /// Keeps a stale entry after a 304, taking the 304's new validators and Cache-Control.
    private func refresh(_ key: CacheKey, stale: StoredResponse, with notModified: StoredResponse, behavior: CacheBehavior) -> StoredResponse {
        var refreshed = stale
        for name in [HTTPField.Name.cacheControl, .eTag, .lastModified, .expires, .date] {
            if let value = notModified.headers[name] { refreshed.headers[name] = value }
        }
        refreshed.initialAge = notModified.initialAge
        let decision = CachePolicy.decide(status: refreshed.status.code, fields: refreshed.headers, behavior: behavior)
        if case .store(let ttl) = decision, ttl > refreshed.initialAge {
            keep(key, refreshed, ttl: ttl - refreshed.initialAge)
        } else {
            cache.withLock { $0.remove(key) }
            publishUsage()
        }
        return refreshed
    }

    /// Puts a response in the LRU, readied first.
    private func keep(_ key: CacheKey, _ response: StoredResponse, ttl: Duration) {
        let kept = prepare?(response) ?? response
        let now = clock.now
        cache.withLock { _ = $0.insert(key, kept, cost: kept.cost, ttl: ttl, now: now) }
        publishUsage()
    }

    /// Removes every object whose path matches one of the patterns, in one distribution.
    /// - Parameters:
    ///   - host: The distribution's domain name.
    ///   - paths: Invalidation paths: exact, or ending in `*`.
    /// - Returns: How many objects were removed.
    public func invalidate(host: String, paths: [String]) -> Int {
        defer { publishUsage() }
        return cache.withLock { $0.invalidate { key in key.host == host && paths.contains { key.isInvalidated(by: $0) } } }
    }

    /// How many objects and bytes the tier holds, read without taking the lock (the event loop
    /// answers `/health` with it): published after every change.
    public var usage: (objects: Int, bytes: Int) { (objects.load(ordering: .relaxed), bytes.load(ordering: .relaxed)) }
    private let objects = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)

    private func publishUsage() {
        let (count, size) = cache.withLock { ($0.count, $0.size) }
        objects.store(count, ordering: .relaxed)
        bytes.store(size, ordering: .relaxed)
    }
}
