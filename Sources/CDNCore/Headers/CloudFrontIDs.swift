/// The identifiers CloudFront puts on responses, in its formats (spec §9).
public enum CloudFrontIDs {
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    private static let hex = Array("0123456789abcdef")

    /// A request id (`X-Amz-Cf-Id`, `config.requestId`): 54 URL-safe base64 characters and `==`.
    public static func requestID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<54).map { _ in urlSafe.randomElement(using: &generator)! }) + "=="
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
