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

    /// Held against the plainest model of an LRU — a list, newest first — over seeded random
    /// use: the same keys in the same order, and the same byte count, after every step.
    @Test func agreesWithAListModelUnderRandomUse() {
        var cache = LRUCache<Int, Int>(capacity: 300)
        var model: [(key: Int, cost: Int)] = []
        var random = SeededRandom(seed: 11)
        for step in 0..<20_000 {
            let key = Int(random.next() % 40)
            switch random.next() % 4 {
            case 0, 1:
                let cost = Int(random.next() % 60) + 1
                cache.insert(key, step, cost: cost, ttl: .seconds(1), now: start)
                model.removeAll { $0.key == key }
                if cost <= 300 {
                    while model.reduce(0, { $0 + $1.cost }) + cost > 300 { model.removeLast() }
                    model.insert((key, cost), at: 0)
                }
            case 2:
                let found = cache.lookup(key, now: start)
                if let index = model.firstIndex(where: { $0.key == key }) {
                    model.insert(model.remove(at: index), at: 0)
                    guard case .fresh = found else {
                        Issue.record("step \(step): \(key) was cached")
                        return
                    }
                } else {
                    guard case .miss = found else {
                        Issue.record("step \(step): \(key) was not cached")
                        return
                    }
                }
            default:
                cache.remove(key)
                model.removeAll { $0.key == key }
            }
            guard cache.keysByRecency == model.map(\.key), cache.size == model.reduce(0, { $0 + $1.cost }) else {
                Issue.record("step \(step): \(cache.keysByRecency) beside the model's \(model.map(\.key))")
                return
            }
        }
    }
}
