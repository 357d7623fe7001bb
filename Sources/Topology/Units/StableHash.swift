/// FNV-1a, 64-bit: a hash that is the same on every run and every machine (Swift's `Hasher` is
/// seeded per process). It picks what must be picked alike everywhere — a distribution's default
/// domain, an edge's share of a rollout, the viewers in an anycast share — never for security.
public enum StableHash {
    /// The hash of a text's UTF-8 bytes.
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
