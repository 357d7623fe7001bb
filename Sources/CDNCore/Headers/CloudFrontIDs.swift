import Synchronization

/// The identifiers CloudFront puts on responses, in its formats (spec §9).
public enum CloudFrontIDs {
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let hex = Array("0123456789abcdef".utf8)
    /// A per-process random start, so ids differ between processes and runs.
    private static let seed = UInt64.random(in: .min ... .max)
    /// Ids made so far by this process: each one's number, so no two are alike.
    private static let issued = Atomic<UInt64>(0)

    /// A request id (`X-Amz-Cf-Id`, `config.requestId`): 54 URL-safe base64 characters and `==`.
    ///
    /// Every request needs one, so it is made without a system call or a lock: the process's
    /// random seed and the id's number seed ``SeededRandom`` (SplitMix64, whose steps are a
    /// bijection), so ids of one process never repeat; each 64-bit word gives ten characters (6 bits each).
    /// CloudFront's ids are opaque: unique, not secret.
    public static func requestID() -> String {
        var generator = nextGenerator()
        return String(unsafeUninitializedCapacity: 56) { buffer in
            var filled = 0
            // The alphabet read through one pointer: indexing the array per character paid a
            // bounds check and a global's access each time.
            urlSafe.withUnsafeBufferPointer { alphabet in
                while filled < 54 {
                    var word = generator.next()
                    for _ in 0..<min(10, 54 - filled) {
                        buffer[filled] = alphabet[Int(word & 63)]
                        word >>= 6
                        filled += 1
                    }
                }
            }
            buffer[54] = UInt8(ascii: "=")
            buffer[55] = UInt8(ascii: "=")
            return 56
        }
    }

    /// A Lambda request id (`context.awsRequestId`, the START and REPORT lines): a lowercase
    /// version-4 UUID such as `1b0ec2a5-39c8-4d4b-a7d1-0ad6b5b0c4f2`.
    ///
    /// Made as ``requestID()`` is, from the process's seed and a counter: Foundation's `UUID()`
    /// opens and reads `/dev/urandom` on every call, which was 5% of an edge's CPU per function
    /// call.
    public static func invocationID() -> String {
        var generator = nextGenerator()
        // Version 4 in the 13th digit, the RFC 4122 variant (8, 9, a or b) in the 17th.
        let high = generator.next() & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000
        let low = generator.next() & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var filled = 0
            for digit in 0..<32 {
                if digit == 8 || digit == 12 || digit == 16 || digit == 20 {
                    buffer[filled] = UInt8(ascii: "-")
                    filled += 1
                }
                let word = digit < 16 ? high : low
                buffer[filled] = hex[Int(word >> UInt64(60 - 4 * (digit % 16)) & 15)]
                filled += 1
            }
            return filled
        }
    }

    /// The generator of the next id: the process's seed and the id's number, never the same twice.
    private static func nextGenerator() -> SeededRandom {
        let number = issued.add(1, ordering: .relaxed).newValue
        return SeededRandom(seed: seed ^ (number &* 0xD1B5_4A32_D192_ED03))
    }

    /// The 32 lowercase hex characters of a node's `Via` host name, fixed for the process.
    public static func viaHost() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<32).map { _ in hex.randomElement(using: &generator)! }, as: UTF8.self)
    }

    /// The `Via` value a node adds: `1.1 <id>.cloudfront.net (CloudFront)`.
    public static func via(host: String, version: String = "1.1") -> String {
        "\(version) \(host).cloudfront.net (CloudFront)"
    }
}
