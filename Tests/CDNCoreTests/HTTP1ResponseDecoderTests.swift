import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import CDNCore

/// The viewer's own HTTP/1.1 response reader, fed bytes as a socket would (whole, in pieces, a
/// byte at a time), and held against NIO's `HTTPResponseDecoder`, which it replaced, on generated
/// responses.
@Suite struct HTTP1ResponseDecoderTests {
    /// What one response read as.
    struct Read: Equatable, CustomStringConvertible, ReadMessage {
        var status: Int
        var fields: [String]
        var keepAlive: Bool
        var body: [UInt8]

        var description: String { "\(status) keepAlive=\(keepAlive) \(fields) body=\(body.count)" }
    }

    /// Feeds `input` to the reader in pieces of `piece` bytes, as the answers to `requests`
    /// (`true` for a HEAD), then closes.
    static func parse(_ input: [UInt8], piece: Int = .max, heads: [Bool] = []) -> (reads: [Read], error: HTTP1ParseError?) {
        var decoder = HTTP1ResponseDecoder()
        var reads: [Read] = []
        var current: Read?
        var buffer = ByteBuffer()
        var offset = 0
        func take(_ part: ViewerResponsePart) {
            switch part {
            case .head(let head):
                let fields = head.fields.headers.map { "\($0.name): \($0.value)" }
                current = Read(status: head.status, fields: fields, keepAlive: head.keepAlive, body: [])
            case .body(let bytes): current?.body += Array(bytes.readableBytesView)
            case .end:
                if let done = current { reads.append(done) }
                current = nil
                decoder.expect(head: heads.count > reads.count ? heads[reads.count] : false)
            }
        }
        decoder.expect(head: heads.first ?? false)
        while offset < input.count {
            let end = min(input.count, offset + piece)
            buffer.writeBytes(input[offset..<end])
            offset = end
            do {
                while let part = try decoder.next(&buffer) { take(part) }
            } catch {
                return (reads, error)
            }
        }
        if let end = decoder.closed() { take(end) }
        return (reads, nil)
    }

    /// The same input through NIO's decoder, the oracle, as the answers to GETs.
    static func oracle(_ input: [UInt8], count: Int) throws -> [Read] {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        defer { _ = try? channel.finish() }
        for _ in 0..<count {
            try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")))
            try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        }
        // It refuses what follows a response that closes the connection; what it read stands.
        try? channel.writeInbound(ByteBuffer(bytes: input))
        try? channel.close().wait()
        return OracleMessages.read(from: channel, as: HTTPClientResponsePart.self) { head in
            // llhttp keeps a value's trailing spaces when no space led it; RFC 9110 §5.5 drops them.
            let fields = head.headers.map { "\($0.name): \($0.value.trimming(" \t"))" }
            return Read(status: Int(head.status.code), fields: fields, keepAlive: head.isKeepAlive, body: [])
        }
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func eachFramingReadsTheSameWholeOrInPieces() {
        let input = Self.bytes(
            "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nX-Cache: Hit from cloudfront\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n"
                + "HTTP/1.1 304 Not Modified\r\nETag: \"e\"\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"  // the answer to a HEAD: no body
                + "HTTP/1.0 200 OK\r\n\r\nup to the close"
        )
        let heads = [false, false, false, true, false]
        let whole = Self.parse(input, heads: heads)
        #expect(whole.error == nil)
        #expect(whole.reads.map(\.status) == [200, 200, 304, 200, 200])
        #expect(whole.reads.map { String(decoding: $0.body, as: UTF8.self) } == ["hello", "abcde", "", "", "up to the close"])
        #expect(whole.reads.map(\.keepAlive) == [true, true, true, true, false])
        #expect(whole.reads.first?.fields == ["X-Cache: Hit from cloudfront", "Content-Length: 5"])
        for piece in [1, 2, 3, 7, 16, 64] {
            #expect(Self.parse(input, piece: piece, heads: heads).reads == whole.reads, "in pieces of \(piece)")
        }
    }

    @Test func fieldsAreFoundByNameIgnoringCase() throws {
        var decoder = HTTP1ResponseDecoder()
        var buffer = ByteBuffer(
            string: "HTTP/1.1 200 OK\r\nx-cache:  Miss from cloudfront \t\r\nServer-Timing: edge;dur=1\r\nX-CACHE: second\r\n\r\n"
        )
        guard case .head(let head) = try decoder.next(&buffer) else {
            Issue.record("no head")
            return
        }
        #expect(head.fields.first("X-Cache") == "Miss from cloudfront")
        #expect(head.fields.first("server-timing") == "edge;dur=1")
        #expect(head.fields.first("X-Cach") == nil)
        #expect(head.fields.first("Age") == nil)
        #expect(head.fields.headers[canonicalForm: "x-cache"] == ["Miss from cloudfront", "second"])
    }

    @Test func keepAliveFollowsTheVersionTheConnectionFieldAndTheFraming() {
        let cases: [(String, Bool)] = [
            ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
            ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", true),
            ("HTTP/1.1 200 OK\r\n\r\n", false),  // read to the close
        ]
        for (response, keepAlive) in cases {
            #expect(Self.parse(Self.bytes(response)).reads.first?.keepAlive == keepAlive, "\(response)")
        }
    }

    @Test func malformedResponsesSayWhatIsWrong() {
        let cases: [(String, HTTP1ParseError.Code)] = [
            ("HTTP/2 200 OK\r\n\r\n", .statusLine),
            ("HTTP/1.1 20 OK\r\n\r\n", .statusLine),
            ("HTTP/1.1 200OK\r\n\r\n", .statusLine),
            ("ICY 200 OK\r\n\r\n", .statusLine),
            ("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", .fieldLine),
            ("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", .fieldLine),
            ("HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\n\r\n", .fieldLine),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", .framing),
            ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", .framing),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .framing),
        ]
        for (response, code) in cases {
            let (reads, error) = Self.parse(Self.bytes(response))
            #expect(reads.isEmpty, "\(response)")
            #expect(error?.code == code, "\(response): \(String(describing: error))")
            #expect(error?.message.isEmpty == false)
        }
    }

    @Test func aHeadPastTheLimitIsRefusedWithoutWaitingForItsEnd() {
        let input = Self.bytes("HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: HTTP1ResponseDecoder.maximumHead))
        let (_, error) = Self.parse(input, piece: 4_096)
        #expect(error?.code == .tooLarge)
    }

    /// 400 generated exchanges of one to three responses, read whole or in pieces, against the
    /// oracle: status, fields as sent, keep-alive and body.
    @Test func generatedResponsesReadAsNIOsParserReadsThem() throws {
        var random = SeededRandom(seed: 2026_12_02)
        let statuses = [200, 201, 204, 206, 301, 304, 403, 404, 500, 502, 503]
        let names = ["Content-Type", "x-cache", "Via", "X-Amz-Cf-Pop", "X-Amz-Cf-Id", "Server-Timing", "ETag", "age", "Connection"]
        let valueBytes = Array("abcXYZ019 -_.,;=/?:@\"'()[]{}".utf8) + [0x09, 0xC3, 0xA9]
        for round in 0..<400 {
            var text: [UInt8] = []
            var count = 0
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let status = statuses.randomElement(using: &random)!
                let version = Int.random(in: 0..<5, using: &random) == 0 ? "1.0" : "1.1"
                var head = "HTTP/\(version) \(status) Reason\r\n"
                var connection = false
                for _ in 0..<Int.random(in: 0...8, using: &random) {
                    let name = names.randomElement(using: &random)!
                    if name == "Connection" {
                        if connection { continue }
                        connection = true
                        head += "Connection: \(["close", "keep-alive"].randomElement(using: &random)!)\r\n"
                        continue
                    }
                    let value = (0..<Int.random(in: 1...20, using: &random)).map { _ in valueBytes.randomElement(using: &random)! }
                    head += "\(name):\(Bool.random(using: &random) ? " " : "")\(String(decoding: value, as: UTF8.self))\r\n"
                }
                var bodyBytes: [UInt8] = []
                if status != 204 && status != 304 {
                    let generated = GeneratedBody.make(using: &random)
                    head += generated.field
                    bodyBytes = generated.bytes
                }
                text += Array((head + "\r\n").utf8) + bodyBytes
                count += 1
            }
            let expected = try Self.oracle(text, count: count)
            let piece = [Int.max, 1, Int.random(in: 2...50, using: &random)].randomElement(using: &random)!
            let (reads, error) = Self.parse(text, piece: piece)
            #expect(error == nil, "round \(round): \(String(describing: error))")
            #expect(Array(reads.prefix(expected.count)) == expected, "round \(round), pieces of \(piece): \(String(decoding: text, as: UTF8.self))")
            #expect(expected.count > 0, "round \(round): the oracle read nothing")
        }
    }
}
