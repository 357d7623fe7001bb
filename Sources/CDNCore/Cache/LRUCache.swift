/// A cache bounded by bytes that evicts the least recently used entry first, and knows how old
/// and how fresh each entry is. It is a plain value: a ``CacheTier`` keeps it behind a lock.
///
/// Every operation is O(1) except ``invalidate(where:)``. Entries sit in slots of an array,
/// threaded into the recency list by slot number, and one dictionary maps each key to its slot:
/// a hit hashes its key once, however the list moves.
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
        var key: Key
        var value: Value
        var cost: Int
        var storedAt: ContinuousClock.Instant
        var expiresAt: ContinuousClock.Instant
        /// The slots of the next newer and older entries; ``none`` at either end.
        var newer: Int
        var older: Int
    }

    private static var none: Int { -1 }

    /// The most bytes the cache holds.
    public let capacity: Int
    /// The bytes it holds now.
    public private(set) var size = 0
    private var slots: [Entry?] = []
    private var freeSlots: [Int] = []
    private var slotOf: [Key: Int] = [:]
    private var newest = LRUCache.none
    private var oldest = LRUCache.none

    /// Creates an empty cache.
    /// - Parameter capacity: The most bytes it may hold.
    public init(capacity: Int) { self.capacity = max(0, capacity) }

    /// How many entries it holds.
    public var count: Int { slotOf.count }

    /// Looks an entry up and marks it the most recently used.
    /// - Parameters:
    ///   - key: The cache key.
    ///   - now: The current instant, from the caller's clock.
    public mutating func lookup(_ key: Key, now: ContinuousClock.Instant) -> Lookup {
        guard let slot = slotOf[key], let entry = slots[slot] else { return .miss }
        if slot != newest {
            unlink(slot)
            pushNewest(slot)
        }
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
        while size + cost > capacity, oldest != Self.none { removeSlot(oldest) }
        let entry = Entry(key: key, value: value, cost: cost, storedAt: now, expiresAt: now + ttl, newer: Self.none, older: Self.none)
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = entry
        } else {
            slot = slots.count
            slots.append(entry)
        }
        slotOf[key] = slot
        size += cost
        pushNewest(slot)
        return true
    }

    /// Extends a stale entry's life after the origin confirmed it unchanged (a 304).
    public mutating func refresh(_ key: Key, ttl: Duration, now: ContinuousClock.Instant) {
        guard let slot = slotOf[key] else { return }
        slots[slot]?.storedAt = now
        slots[slot]?.expiresAt = now + ttl
    }

    /// Removes one entry, if present.
    public mutating func remove(_ key: Key) {
        guard let slot = slotOf[key] else { return }
        removeSlot(slot)
    }

    /// Removes every entry whose key matches, as an invalidation does.
    /// - Returns: How many entries were removed.
    @discardableResult
    public mutating func invalidate(where matches: (Key) -> Bool) -> Int {
        let doomed = slotOf.filter { matches($0.key) }.map(\.value)
        for slot in doomed { removeSlot(slot) }
        return doomed.count
    }

    /// The keys from most to least recently used, for tests and `status` output.
    public var keysByRecency: [Key] {
        var keys: [Key] = []
        var cursor = newest
        while cursor != Self.none, let entry = slots[cursor] {
            keys.append(entry.key)
            cursor = entry.older
        }
        return keys
    }

    private mutating func removeSlot(_ slot: Int) {
        guard let entry = slots[slot] else { return }
        unlink(slot)
        slots[slot] = nil
        freeSlots.append(slot)
        slotOf[entry.key] = nil
        size -= entry.cost
    }

    private mutating func unlink(_ slot: Int) {
        // The two links only: copying the entry would copy (and retain) its value.
        guard let newer = slots[slot]?.newer, let older = slots[slot]?.older else { return }
        if newer != Self.none { slots[newer]?.older = older } else { newest = older }
        if older != Self.none { slots[older]?.newer = newer } else { oldest = newer }
        slots[slot]?.newer = Self.none
        slots[slot]?.older = Self.none
    }

    private mutating func pushNewest(_ slot: Int) {
        slots[slot]?.older = newest
        if newest != Self.none { slots[newest]?.newer = slot }
        newest = slot
        if oldest == Self.none { oldest = slot }
    }
}
