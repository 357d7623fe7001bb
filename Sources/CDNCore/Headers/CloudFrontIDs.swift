/// The identifiers CloudFront puts on responses, in its formats (spec §9).
public enum CloudFrontIDs {
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    private static let hex = Array("0123456789abcdef")

    /// A request id (`X-Amz-Cf-Id`, `config.requestId`): 54 URL-safe base64 characters and `==`.
    ///
    /// Each random 64-bit word gives ten characters (6 bits each), so an id costs six draws
    /// from the system generator rather than 54.
    public static func requestID() -> String {
        var generator = SystemRandomNumberGenerator()
        var characters: [Character] = []
        characters.reserveCapacity(56)
        while characters.count < 54 {
            var word = generator.next()
            for _ in 0..<min(10, 54 - characters.count) {
                characters.append(urlSafe[Int(word & 63)])
                word >>= 6
            }
        }
        return String(characters) + "=="
    }

    /// The 32 lowercase hex characters of a node's `Via` host name, fixed for the process.
    public static func viaHost() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in hex.randomElement(using: &generator)! })
    }

    /// The `Via` value a node adds: `1.1 <id>.cloudfront.net (CloudFront)`.
    public static func via(host: String, version: String = "1.1") -> String {
        "\(version) \(host).cloudfront.net (CloudFront)"
    }
}
