import CDNCore
import HTTPTypes
import NIOCore
import Synchronization
import Testing
import Topology

@Suite struct CacheTierTests {
    static let behavior = CacheBehavior(origin: "site", minimumTTL: .zero, defaultTTL: .seconds(60), maximumTTL: .seconds(3_600))

    static func key(_ path: String) -> CacheKey {
        CacheKey(host: "d1.cloudfront.net", path: path, query: "", fields: [:], policy: CacheKeyPolicy())
    }

    static func response(_ status: HTTPResponse.Status = .ok, cacheControl: String? = nil, etag: String = "\"v1\"") -> StoredResponse {
        var headers: HTTPFields = [.eTag: etag]
        if let cacheControl { headers[.cacheControl] = cacheControl }
        return StoredResponse(status: status, headers: headers, body: ByteBuffer(string: "body"))
    }

    @Test func aMissIsFetchedOnceThenServedAsAHit() async throws {
        let tier = CacheTier(capacity: 1 << 20)
        let fetches = Shared(0)
        let fetch: CacheTier.Fetch = { _ in
            fetches.withLock { $0 += 1 }
            return Self.response()
        }
        let first = try await tier.answer(key: Self.key("/a"), behavior: Self.behavior, fetch: fetch)
        let second = try await tier.answer(key: Self.key("/a"), behavior: Self.behavior, fetch: fetch)
        #expect(first.result == .miss)
        #expect(second.result == .hit)
        #expect(fetches.withLock { $0 } == 1)
    }

    @Test func aStaleEntryConfirmedBy304IsARefreshHitWithItsValidatorsSent() async throws {
        let tier = CacheTier(capacity: 1 << 20)
        let shortLived = CacheBehavior(origin: "site", minimumTTL: .zero, defaultTTL: .milliseconds(1), maximumTTL: .milliseconds(1))
        _ = try await tier.answer(key: Self.key("/c"), behavior: shortLived) { _ in Self.response() }
        try await Task.sleep(for: .milliseconds(5))
        let sent = Shared<HTTPFields>([:])
        let refreshed = try await tier.answer(key: Self.key("/c"), behavior: shortLived) { validators in
            sent.withLock { $0 = validators }
            return StoredResponse(status: .notModified, headers: [:], body: ByteBuffer())
        }
        #expect(refreshed.result == .refreshHit)
        #expect(refreshed.response.status == .ok)
        #expect(String(buffer: refreshed.response.body) == "body")
        #expect(sent.withLock { $0[.ifNoneMatch] } == "\"v1\"")
    }

    @Test func anExpiredCopyIsServedWhileTheUpstreamFailsAndA4xxReplacesIt() async throws {
        let tier = CacheTier(capacity: 1 << 20)
        let shortLived = CacheBehavior(origin: "site", minimumTTL: .zero, defaultTTL: .milliseconds(1), maximumTTL: .milliseconds(1))
        let errors = [502: CustomErrorResponse(errorCode: 502, cachingMinimumTTL: .seconds(60))]
        _ = try await tier.answer(key: Self.key("/s"), behavior: shortLived) { _ in Self.response() }
        try await Task.sleep(for: .milliseconds(5))
        let failed = try await tier.answer(key: Self.key("/s"), behavior: shortLived, errorResponses: errors) { _ in
            Self.response(.badGateway)
        }
        #expect(failed.response.status == .ok && failed.staleOnError == 502, "\(failed)")
        // Kept for the 502's caching minimum: the next request does not ask upstream.
        let held = try await tier.answer(key: Self.key("/s"), behavior: shortLived, errorResponses: errors) { _ in
            Issue.record("asked upstream while the stale copy was held")
            return Self.response(.badGateway)
        }
        #expect(held.result == .hit && held.response.status == .ok)
        // Unreachable counts as its status (10 s without an entry); a 4xx replaces the copy.
        _ = try await tier.answer(key: Self.key("/t"), behavior: shortLived) { _ in Self.response() }
        try await Task.sleep(for: .milliseconds(5))
        let unreachable = try await tier.answer(key: Self.key("/t"), behavior: shortLived) { _ in
            throw UpstreamError(.unreachable, underlying: "refused")
        }
        #expect(unreachable.response.status == .ok && unreachable.staleOnError == 502)
        _ = try await tier.answer(key: Self.key("/u"), behavior: shortLived) { _ in Self.response() }
        try await Task.sleep(for: .milliseconds(5))
        let gone = try await tier.answer(key: Self.key("/u"), behavior: shortLived) { _ in Self.response(.notFound) }
        #expect(gone.response.status == .notFound && gone.staleOnError == nil)
    }

    @Test func concurrentMissesForOneKeyShareOneFetch() async throws {
        let tier = CacheTier(capacity: 1 << 20)
        let fetches = Shared(0)
        let results = try await withThrowingTaskGroup(of: CacheResult.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await tier.answer(key: Self.key("/burst"), behavior: Self.behavior) { _ in
                        fetches.withLock { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(50))
                        return Self.response()
                    }.result
                }
            }
            return try await group.reduce(into: [CacheResult]()) { $0.append($1) }
        }
        #expect(fetches.withLock { $0 } == 1)
        #expect(results.filter { $0 == .miss }.count == 1)
    }

    @Test func aFailedFetchReachesEveryWaiterAndIsNotCached() async throws {
        let tier = CacheTier(capacity: 1 << 20)
        await #expect(throws: UpstreamError.self) {
            try await tier.answer(key: Self.key("/fail"), behavior: Self.behavior) { _ in throw UpstreamError(.unreachable, underlying: "refused") }
        }
        let next = try await tier.answer(key: Self.key("/fail"), behavior: Self.behavior) { _ in Self.response() }
        #expect(next.result == .miss)
    }

    @Test func invalidationRemovesMatchingPathsOfOneDistribution() async throws {
        let tier = CacheTier(capacity: 1 << 20)
        for path in ["/img/a.png", "/img/b.png", "/index.html"] {
            _ = try await tier.answer(key: Self.key(path), behavior: Self.behavior) { _ in Self.response() }
        }
        #expect(tier.invalidate(host: "other.cloudfront.net", paths: ["/*"]) == 0)
        #expect(tier.invalidate(host: "d1.cloudfront.net", paths: ["/img/*"]) == 2)
        #expect(tier.usage.objects == 1)
    }

    @Test func theAgeAnUpstreamReportedShortensTheTTL() async throws {
        let tier = CacheTier(capacity: 1 << 20)
        var aged = Self.response(cacheControl: "max-age=10")
        aged.initialAge = .seconds(10)
        let old = aged
        _ = try await tier.answer(key: Self.key("/old"), behavior: Self.behavior) { _ in old }
        #expect(tier.usage.objects == 0)
    }

    /// What a tier prepares goes with the stored copy; a change to the fields drops it.
    @Test func preparedFieldsAreStoredAndDroppedWhenTheFieldsChange() async throws {
        let tier = CacheTier(capacity: 1 << 20) { response in
            var kept = response
            kept.prepared = PreparedFields(response.headers) { $0 != .cacheControl }
            return kept
        }
        let fetched = try await tier.answer(key: Self.key("/p"), behavior: Self.behavior) { _ in Self.response(cacheControl: "max-age=60") }
        #expect(fetched.response.prepared == nil)  // what the upstream sent, as it sent it
        var hit = try #require(tier.fresh(Self.key("/p")))
        let prepared = try #require(hit.response.prepared)
        #expect(prepared.fields[.cacheControl] == nil && prepared.fields[.eTag] == "\"v1\"")
        #expect(String(buffer: prepared.encoded) == "ETag: \"v1\"\r\n")
        hit.response.headers[.eTag] = "\"v2\""
        #expect(hit.response.prepared == nil)
        #expect(tier.fresh(Self.key("/q")) == nil)
    }
}

extension String {
    init(buffer: ByteBuffer) { self = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes) ?? "" }
}

/// A value several tasks update.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }
}
