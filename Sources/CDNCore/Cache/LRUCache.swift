/// A cache bounded by bytes that evicts the least recently used entry first, and knows how old
/// and how fresh each entry is. It is a plain value: the edge and hub wrap it in an actor.
///
/// Every operation is O(1) except ``invalidate(where:)``: the recency list is threaded through
/// the entries' dictionary by key, so no separate node storage is needed.
public struct LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// What a lookup finds.
    public enum Lookup {
        /// Within its TTL: serve it (`X-Cache: Hit`).
        case fresh(Value, age: Duration)
        /// Past its TTL: revalidate or refetch (a `RefreshHit` when the origin says it is unchanged).
        case stale(Value, age: Duration)
        /// Not cached.
        case miss
    }

    private struct Entry: Sendable {
        var value: Value
        var cost: Int
        var storedAt: ContinuousClock.Instant
        var expiresAt: ContinuousClock.Instant
        var newer: Key?
        var older: Key?
    }

    /// The most bytes the cache holds.
    public let capacity: Int
    /// The bytes it holds now.
    public private(set) var size = 0
    private var entries: [Key: Entry] = [:]
    private var newest: Key?
    private var oldest: Key?

    /// Creates an empty cache.
    /// - Parameter capacity: The most bytes it may hold.
    public init(capacity: Int) { self.capacity = max(0, capacity) }

    /// How many entries it holds.
    public var count: Int { entries.count }

    /// Looks an entry up and marks it the most recently used.
    /// - Parameters:
    ///   - key: The cache key.
    ///   - now: The current instant, from the caller's clock.
    public mutating func lookup(_ key: Key, now: ContinuousClock.Instant) -> Lookup {
        guard let entry = entries[key] else { return .miss }
        unlink(key)
        pushNewest(key)
        let age = now - entry.storedAt
        return now < entry.expiresAt ? .fresh(entry.value, age: age) : .stale(entry.value, age: age)
    }

    /// Stores an entry, evicting the least recently used ones until it fits.
    /// - Parameters:
    ///   - key: The cache key; an entry already there is replaced.
    ///   - value: What to keep.
    ///   - cost: Its size in bytes.
    ///   - ttl: How long it stays fresh.
    ///   - now: The current instant.
    /// - Returns: Whether it was stored: an entry larger than the whole cache is not.
    @discardableResult
    public mutating func insert(_ key: Key, _ value: Value, cost: Int, ttl: Duration, now: ContinuousClock.Instant) -> Bool {
        remove(key)
        guard cost <= capacity else { return false }
        while size + cost > capacity, let victim = oldest { remove(victim) }
        entries[key] = Entry(value: value, cost: cost, storedAt: now, expiresAt: now + ttl, newer: nil, older: nil)
        size += cost
        pushNewest(key)
        return true
    }

    /// Extends a stale entry's life after the origin confirmed it unchanged (a 304).
    public mutating func refresh(_ key: Key, ttl: Duration, now: ContinuousClock.Instant) {
        entries[key]?.storedAt = now
        entries[key]?.expiresAt = now + ttl
    }

    /// Removes one entry, if present.
    public mutating func remove(_ key: Key) {
        guard let entry = entries[key] else { return }
        unlink(key)
        entries[key] = nil
        size -= entry.cost
    }

    /// Removes every entry whose key matches, as an invalidation does.
    /// - Returns: How many entries were removed.
    @discardableResult
    public mutating func invalidate(where matches: (Key) -> Bool) -> Int {
        let doomed = entries.keys.filter(matches)
        for key in doomed { remove(key) }
        return doomed.count
    }

    /// The keys from most to least recently used, for tests and `status` output.
    public var keysByRecency: [Key] {
        var keys: [Key] = []
        var cursor = newest
        while let key = cursor {
            keys.append(key)
            cursor = entries[key]?.older
        }
        return keys
    }

    private mutating func unlink(_ key: Key) {
        guard let entry = entries[key] else { return }
        if let newer = entry.newer { entries[newer]?.older = entry.older } else { newest = entry.older }
        if let older = entry.older { entries[older]?.newer = entry.newer } else { oldest = entry.newer }
        entries[key]?.newer = nil
        entries[key]?.older = nil
    }

    private mutating func pushNewest(_ key: Key) {
        entries[key]?.older = newest
        if let newest { entries[newest]?.newer = key }
        newest = key
        if oldest == nil { oldest = key }
    }
}
