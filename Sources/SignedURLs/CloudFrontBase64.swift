import Foundation

/// CloudFront's URL-safe base64 for signatures and policies: standard base64 with `+`, `=` and
/// `/` replaced by `-`, `_` and `~` (not RFC 4648's base64url).
public enum CloudFrontBase64 {
    public static func encode(_ data: Data) -> String {
        String(
            data.base64EncodedString().map { character -> Character in
                switch character {
                case "+": "-"
                case "=": "_"
                case "/": "~"
                default: character
                }
            }
        )
    }

    /// The bytes of a value, or `nil` when it is not CloudFront's base64.
    public static func decode(_ text: String) -> Data? {
        let standard = String(
            text.map { character -> Character in
                switch character {
                case "-": "+"
                case "_": "="
                case "~": "/"
                default: character
                }
            }
        )
        return Data(base64Encoded: standard)
    }
}
