import CDNCore
import Testing

@Suite struct LRUCacheTests {
    let start = ContinuousClock.now

    @Test func evictsTheLeastRecentlyUsedUntilTheNewEntryFits() {
        var cache = LRUCache<String, String>(capacity: 100)
        cache.insert("a", "A", cost: 40, ttl: .seconds(60), now: start)
        cache.insert("b", "B", cost: 40, ttl: .seconds(60), now: start)
        _ = cache.lookup("a", now: start)
        cache.insert("c", "C", cost: 40, ttl: .seconds(60), now: start)
        #expect(cache.keysByRecency == ["c", "a"])
        #expect(cache.size == 80)
        guard case .miss = cache.lookup("b", now: start) else {
            Issue.record("b was the least recently used and must be gone")
            return
        }
    }

    @Test func anEntryLargerThanTheCacheIsNotStored() {
        var cache = LRUCache<String, Int>(capacity: 10)
        cache.insert("small", 1, cost: 5, ttl: .seconds(1), now: start)
        let stored = cache.insert("huge", 2, cost: 11, ttl: .seconds(1), now: start)
        #expect(!stored)
        #expect(cache.keysByRecency == ["small"])
    }

    @Test func freshThenStaleWithItsAge() {
        var cache = LRUCache<String, Int>(capacity: 10)
        cache.insert("k", 7, cost: 1, ttl: .seconds(60), now: start)
        guard case .fresh(7, let age) = cache.lookup("k", now: start + .seconds(59)) else {
            Issue.record("within its TTL the entry is fresh")
            return
        }
        #expect(age == .seconds(59))
        guard case .stale(7, age: .seconds(61)) = cache.lookup("k", now: start + .seconds(61)) else {
            Issue.record("past its TTL the entry is stale")
            return
        }
        cache.refresh("k", ttl: .seconds(60), now: start + .seconds(61))
        guard case .fresh(7, age: .zero) = cache.lookup("k", now: start + .seconds(61)) else {
            Issue.record("a refreshed entry is fresh again, with its age reset")
            return
        }
    }

    @Test func replacingAnEntryKeepsTheByteCountRight() {
        var cache = LRUCache<String, Int>(capacity: 100)
        cache.insert("k", 1, cost: 30, ttl: .seconds(1), now: start)
        cache.insert("k", 2, cost: 50, ttl: .seconds(1), now: start)
        #expect(cache.size == 50 && cache.count == 1)
    }

    @Test func invalidationRemovesEveryMatch() {
        var cache = LRUCache<String, Int>(capacity: 1000)
        for path in ["/a/1", "/a/2", "/b/1"] { cache.insert(path, 0, cost: 1, ttl: .seconds(1), now: start) }
        let removed = cache.invalidate { $0.hasPrefix("/a/") }
        #expect(removed == 2)
        #expect(cache.keysByRecency == ["/b/1"])
        #expect(cache.size == 1)
    }

    @Test func recencyListStaysConsistentUnderRandomUse() {
        var cache = LRUCache<Int, Int>(capacity: 500)
        var random = SystemRandomNumberGenerator()
        for step in 0..<5000 {
            let key = Int.random(in: 0..<50, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: cache.insert(key, step, cost: Int.random(in: 1...40, using: &random), ttl: .seconds(1), now: start)
            case 1: _ = cache.lookup(key, now: start)
            default: cache.remove(key)
            }
            #expect(cache.size <= cache.capacity)
            #expect(cache.keysByRecency.count == cache.count)
            #expect(Set(cache.keysByRecency).count == cache.count)
        }
    }
}
