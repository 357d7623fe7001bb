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

    /// Creates an answer.
    public init(response: StoredResponse, result: CacheResult, age: Duration, upstreamTime: Duration? = nil) {
        self.response = response
        self.result = result
        self.age = age
        self.upstreamTime = upstreamTime
    }
}

/// One node's cache tier: a byte-bounded LRU keyed by ``CacheKey``, CloudFront's TTL rules,
/// revalidation of stale entries, and collapsed forwarding so a burst of misses for one key
/// makes one upstream fetch. The edge and the hub each own one.
public actor CacheTier {
    /// Fetches from upstream; the fields are the validators to add (empty for a plain fetch).
    public typealias Fetch = @Sendable (_ validators: HTTPFields) async throws -> StoredResponse

    private var cache: LRUCache<CacheKey, StoredResponse>
    private let coalescer = RequestCoalescer<CacheKey, TierAnswer>()
    private let clock = ContinuousClock()

    /// Creates an empty tier.
    /// - Parameter capacity: The most bytes it may hold.
    public init(capacity: Int) { cache = LRUCache(capacity: capacity) }

    /// Answers a cacheable request: from the cache when fresh, after revalidation when stale,
    /// from upstream otherwise, storing what the TTL rules allow.
    /// - Parameters:
    ///   - key: The request's cache key.
    ///   - behavior: The cache behavior, for its TTLs.
    ///   - fetch: How to reach upstream.
    /// - Returns: The answer.
    /// - Throws: The upstream's error, when there was no response to give.
    public func answer(key: CacheKey, behavior: CacheBehavior, fetch: @escaping Fetch) async throws -> TierAnswer {
        switch cache.lookup(key, now: clock.now) {
        case .fresh(let response, let age):
            return TierAnswer(response: response, result: .hit, age: response.initialAge + age)
        case .stale(let stale, _):
            return try await coalesced(key) {
                let started = ContinuousClock.now
                let fetched = try await fetch(stale.revalidationFields)
                let elapsed = ContinuousClock.now - started
                if fetched.status == .notModified {
                    let refreshed = await self.refresh(key, stale: stale, with: fetched, behavior: behavior)
                    return TierAnswer(response: refreshed, result: .refreshHit, age: .zero, upstreamTime: elapsed)
                }
                await self.store(key, fetched, behavior: behavior)
                return TierAnswer(response: fetched, result: .miss, age: fetched.initialAge, upstreamTime: elapsed)
            }
        case .miss:
            return try await coalesced(key) {
                let started = ContinuousClock.now
                let fetched = try await fetch(HTTPFields())
                await self.store(key, fetched, behavior: behavior)
                return TierAnswer(response: fetched, result: .miss, age: fetched.initialAge, upstreamTime: ContinuousClock.now - started)
            }
        }
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
    private func store(_ key: CacheKey, _ response: StoredResponse, behavior: CacheBehavior) {
        guard case .store(let ttl) = CachePolicy.decide(status: response.status.code, fields: response.headers, behavior: behavior),
            ttl > response.initialAge
        else { return }
        cache.insert(key, response.untraced, cost: response.cost, ttl: ttl - response.initialAge, now: clock.now)
        publishUsage()
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
            cache.insert(key, refreshed, cost: refreshed.cost, ttl: ttl - refreshed.initialAge, now: clock.now)
        } else {
            cache.remove(key)
        }
        publishUsage()
        return refreshed
    }

    /// Removes every object whose path matches one of the patterns, in one distribution.
    /// - Parameters:
    ///   - host: The distribution's domain name.
    ///   - paths: Invalidation paths: exact, or ending in `*`.
    /// - Returns: How many objects were removed.
    public func invalidate(host: String, paths: [String]) -> Int {
        defer { publishUsage() }
        return cache.invalidate { key in key.host == host && paths.contains { key.isInvalidated(by: $0) } }
    }

    /// How many objects and bytes the tier holds, read without waiting for the actor (the
    /// event loop answers `/health` with it): published after every change.
    public nonisolated var usage: (objects: Int, bytes: Int) { (objects.load(ordering: .relaxed), bytes.load(ordering: .relaxed)) }
    private nonisolated let objects = Atomic<Int>(0)
    private nonisolated let bytes = Atomic<Int>(0)

    private func publishUsage() {
        objects.store(cache.count, ordering: .relaxed)
        bytes.store(cache.size, ordering: .relaxed)
    }
}
