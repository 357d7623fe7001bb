import HTTPTypes
import Topology

/// How long CloudFront keeps a response, from its status, its `Cache-Control` and the cache
/// behavior's TTLs — the rules of CloudFront's "managing cache expiration" and spec §4.
///
/// ```swift
/// let decision = CachePolicy.decide(status: 200, fields: response.headerFields, behavior: behavior)
/// if case .store(let ttl) = decision { cache.insert(key, response, cost: size, ttl: ttl) }
/// ```
public enum CachePolicy {
    /// How long errors are cached when the origin does not say: CloudFront's error caching minimum TTL.
    public static let errorCachingMinimumTTL = Duration.seconds(10)

    /// Errors CloudFront always caches (for the error caching minimum TTL unless the origin says).
    public static let alwaysCachedErrors: Set<Int> = [404, 414, 500, 501, 502, 503, 504]

    /// Errors CloudFront caches only when the origin sends `max-age` or `s-maxage`.
    public static let errorsCachedWhenTheOriginSays: Set<Int> = [400, 403, 405, 412, 415]

    /// Successful and redirect statuses CloudFront caches by the behavior's TTL rules.
    public static let cacheableStatuses: Set<Int> = [200, 203, 206, 300, 301, 410]

    /// What to do with a response.
    public enum Decision: Hashable, Sendable {
        /// Keep it this long.
        case store(ttl: Duration)
        /// Do not keep it; the reason says why, for logs and `Server-Timing`.
        case doNotStore(reason: String)
    }

    /// Decides whether and how long to cache a response.
    /// - Parameters:
    ///   - status: The response's status code.
    ///   - fields: The response's header fields.
    ///   - behavior: The cache behavior that handled the request (its minimum, default and maximum TTL).
    ///   - errorResponses: The distribution's custom error responses, whose
    ///     `ErrorCachingMinTTL` is the shortest time their error stays cached.
    /// - Returns: The decision.
    public static func decide(
        status: Int,
        fields: HTTPFields,
        behavior: CacheBehavior,
        errorResponses: [Int: CustomErrorResponse] = [:]
    ) -> Decision {
        let control = CacheControl(fields)
        if alwaysCachedErrors.contains(status) || errorsCachedWhenTheOriginSays.contains(status) {
            // The origin's max-age for an error counts up to the behavior's maximum TTL; a custom
            // error response's minimum holds even when the origin says less.
            let stated = control.sharedLifetime.map { min(Duration.seconds($0), behavior.maximumTTL) }
            if alwaysCachedErrors.contains(status) || stated != nil, let custom = errorResponses[status] {
                return .store(ttl: max(stated ?? .zero, custom.cachingMinimumTTL))
            }
            if alwaysCachedErrors.contains(status) { return .store(ttl: stated ?? errorCachingMinimumTTL) }
            guard let stated else { return .doNotStore(reason: "status \(status) without max-age") }
            return .store(ttl: stated)
        }
        guard cacheableStatuses.contains(status) else { return .doNotStore(reason: "status \(status) is not cacheable") }
        if control.forbidsSharedCaching {
            // CloudFront honours no-cache, no-store and private only while the minimum TTL is 0.
            guard behavior.minimumTTL > .zero else { return .doNotStore(reason: "the origin forbids caching") }
            return .store(ttl: behavior.minimumTTL)
        }
        guard let lifetime = control.sharedLifetime else { return .store(ttl: behavior.defaultTTL) }
        let stated = Duration.seconds(lifetime)
        let ttl = min(max(stated, behavior.minimumTTL), behavior.maximumTTL)
        return ttl > .zero ? .store(ttl: ttl) : .doNotStore(reason: "a TTL of 0")
    }
}
