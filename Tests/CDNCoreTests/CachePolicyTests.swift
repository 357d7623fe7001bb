import CDNCore
import HTTPTypes
import Testing
import Topology

@Suite struct CachePolicyTests {
    static let behavior = CacheBehavior(origin: "site", minimumTTL: .seconds(0), defaultTTL: .seconds(86_400), maximumTTL: .seconds(31_536_000))

    static func decide(_ status: Int, _ cacheControl: String? = nil, behavior: CacheBehavior = behavior) -> CachePolicy.Decision {
        var fields = HTTPFields()
        if let cacheControl { fields[.cacheControl] = cacheControl }
        return CachePolicy.decide(status: status, fields: fields, behavior: behavior)
    }

    @Test func noHeaderMeansTheDefaultTTL() {
        #expect(Self.decide(200) == .store(ttl: .seconds(86_400)))
    }

    @Test func sharedMaxAgeWinsOverMaxAge() {
        #expect(Self.decide(200, "public, max-age=60, s-maxage=600") == .store(ttl: .seconds(600)))
        #expect(Self.decide(200, "max-age=60") == .store(ttl: .seconds(60)))
    }

    @Test func theBehaviorClampsWhatTheOriginSays() {
        let behavior = CacheBehavior(origin: "site", minimumTTL: .seconds(30), defaultTTL: .seconds(60), maximumTTL: .seconds(120))
        #expect(Self.decide(200, "max-age=5", behavior: behavior) == .store(ttl: .seconds(30)))
        #expect(Self.decide(200, "max-age=5000", behavior: behavior) == .store(ttl: .seconds(120)))
    }

    @Test func noCacheIsHonouredOnlyWhileTheMinimumTTLIsZero() {
        guard case .doNotStore = Self.decide(200, "no-store") else {
            Issue.record("no-store with a minimum TTL of 0 is not cached")
            return
        }
        let behavior = CacheBehavior(origin: "site", minimumTTL: .seconds(30))
        #expect(Self.decide(200, "private, no-cache", behavior: behavior) == .store(ttl: .seconds(30)))
    }

    @Test(arguments: [404, 414, 500, 501, 502, 503, 504])
    func someErrorsAreAlwaysCachedForTenSeconds(status: Int) {
        #expect(Self.decide(status) == .store(ttl: .seconds(10)))
        #expect(Self.decide(status, "max-age=3") == .store(ttl: .seconds(3)))
    }

    @Test(arguments: [400, 403, 405, 412, 415])
    func otherErrorsOnlyWhenTheOriginSays(status: Int) {
        guard case .doNotStore = Self.decide(status) else {
            Issue.record("\(status) without max-age is not cached")
            return
        }
        #expect(Self.decide(status, "max-age=20") == .store(ttl: .seconds(20)))
    }

    @Test(arguments: [201, 302, 401, 429])
    func uncacheableStatuses(status: Int) {
        guard case .doNotStore = Self.decide(status, "max-age=60") else {
            Issue.record("\(status) is not cached")
            return
        }
    }

    @Test func malformedDirectivesAreIgnored() {
        #expect(Self.decide(200, "max-age=soon") == .store(ttl: .seconds(86_400)))
        #expect(Self.decide(200, "s-maxage=-5") == .doNotStore(reason: "a TTL of 0"))
        #expect(CacheControl(HTTPFields([HTTPField(name: .cacheControl, value: "max-age=\"90\"")])).maxAge == 90)
    }
}

/// A custom error response's `ErrorCachingMinTTL`: the shortest time its error is cached, the
/// origin's max-age counting when longer (up to the behavior's maximum TTL).
@Suite struct ErrorCachingTests {
    static let errors: [Int: CustomErrorResponse] = [
        404: CustomErrorResponse(errorCode: 404, cachingMinimumTTL: .seconds(60)),
        403: CustomErrorResponse(errorCode: 403, cachingMinimumTTL: .seconds(60)),
        503: CustomErrorResponse(errorCode: 503, cachingMinimumTTL: .zero),
        416: CustomErrorResponse(errorCode: 416, cachingMinimumTTL: .seconds(60)),
    ]

    static func decide(_ status: Int, _ cacheControl: String? = nil, maximumTTL: Duration = .seconds(31_536_000)) -> CachePolicy.Decision {
        var fields = HTTPFields()
        if let cacheControl { fields[.cacheControl] = cacheControl }
        let behavior = CacheBehavior(origin: "site", maximumTTL: maximumTTL)
        return CachePolicy.decide(status: status, fields: fields, behavior: behavior, errorResponses: errors)
    }

    @Test func theMinimumHoldsAndALongerMaxAgeWins() {
        #expect(Self.decide(404) == .store(ttl: .seconds(60)))
        #expect(Self.decide(404, "max-age=5") == .store(ttl: .seconds(60)))
        #expect(Self.decide(404, "max-age=600") == .store(ttl: .seconds(600)))
        #expect(Self.decide(404, "max-age=600", maximumTTL: .seconds(120)) == .store(ttl: .seconds(120)))
        #expect(Self.decide(503) == .store(ttl: .zero))
        // Without an entry, CloudFront's 10 s or the origin's word.
        #expect(Self.decide(500) == .store(ttl: .seconds(10)))
    }

    @Test func errorsCachedOnlyWhenTheOriginSaysStaySo() {
        guard case .doNotStore = Self.decide(403) else {
            Issue.record("a 403 without max-age is not cached, whatever its entry")
            return
        }
        #expect(Self.decide(403, "max-age=5") == .store(ttl: .seconds(60)))
        guard case .doNotStore = Self.decide(416, "max-age=60") else {
            Issue.record("a 416 is never cached")
            return
        }
    }
}
