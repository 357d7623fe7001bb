@testable import CDNCore

/// A random body and its framing, as the parser tests generate messages: the framing field to
/// add to the head, and the bytes that follow it.
enum GeneratedBody {
    /// Up to 40 random bytes, framed by `Content-Length` or in chunks of random sizes.
    static func make(using random: inout SeededRandom) -> (field: String, bytes: [UInt8]) {
        let body = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        guard !Bool.random(using: &random) else { return ("Content-Length: \(body.count)\r\n", body) }
        var bytes: [UInt8] = []
        var rest = body[...]
        while !rest.isEmpty {
            let size = Int.random(in: 1...rest.count, using: &random)
            bytes += Array(String(size, radix: 16).utf8) + [13, 10] + rest.prefix(size) + [13, 10]
            rest = rest.dropFirst(size)
        }
        return ("Transfer-Encoding: chunked\r\n", bytes + Array("0\r\n\r\n".utf8))
    }
}
