import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import CDNCore

/// The edge's own HTTP/1.1 request parser, fed bytes as a socket would (whole, in pieces, a byte
/// at a time), and held against NIO's `HTTPRequestDecoder`, which it replaced, on generated requests.
@Suite struct HTTP1RequestDecoderTests {
    /// What one request read as: the head and the body's bytes.
    struct Read: Equatable, CustomStringConvertible, ReadMessage {
        var method: String
        var authority: String?
        var path: String
        var fields: [String]
        var version: String
        var keepAlive: Bool
        var body: [UInt8]

        init(method: String, authority: String?, path: String, fields: [String], version: String, keepAlive: Bool, body: [UInt8]) {
            (self.method, self.authority, self.path, self.fields) = (method, authority, path, fields)
            (self.version, self.keepAlive, self.body) = (version, keepAlive, body)
        }

        /// A head as read, its body still to come.
        init(_ request: HTTPRequest, version: HTTPVersion, keepAlive: Bool) {
            self.init(
                method: request.method.rawValue,
                authority: request.authority,
                path: request.path ?? "",
                fields: request.headerFields.map { "\($0.name.rawName): \($0.value)" },
                version: "\(version.major).\(version.minor)",
                keepAlive: keepAlive,
                body: []
            )
        }

        var description: String { "\(method) \(path) HTTP/\(version) host=\(authority ?? "-") keepAlive=\(keepAlive) \(fields) body=\(body.count)" }
    }

    /// Feeds `input` to the edge's parser in pieces of `piece` bytes.
    /// - Returns: The requests read, and the error that stopped it, if one did.
    static func parse(_ input: [UInt8], piece: Int = .max, scheme: String = "http") throws -> (reads: [Read], error: HTTP1ParseError?) {
        let channel = EmbeddedChannel(handler: HTTP1RequestReader(scheme: scheme))
        defer { _ = try? channel.finish() }
        var reads: [Read] = []
        var current: Read?
        var error: HTTP1ParseError?
        var offset = 0
        while offset < input.count, error == nil {
            let end = min(input.count, offset + piece)
            do { try channel.writeInbound(ByteBuffer(bytes: input[offset..<end])) } catch let caught as HTTP1ParseError { error = caught }
            offset = end
            while let part = try channel.readInbound(as: ViewerRequestPart.self) {
                switch part {
                case .head(let head): current = Read(head.request, version: head.version, keepAlive: head.keepAlive)
                case .body(let bytes): current?.body += Array(bytes.readableBytesView)
                case .end:
                    if let done = current { reads.append(done) }
                    current = nil
                }
            }
        }
        return (reads, error)
    }

    /// The same input through NIO's decoder, the oracle, read into the same shape.
    static func oracle(_ input: [UInt8]) throws -> [Read] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        defer { _ = try? channel.finish() }
        // It refuses what follows a request that closes the connection; what it read stands.
        try? channel.writeInbound(ByteBuffer(bytes: input))
        return try OracleMessages.read(from: channel, as: HTTPServerRequestPart.self) { head in
            Read(try HTTP2RequestAdapter.request(from: head, scheme: "http"), version: head.version, keepAlive: head.isKeepAlive)
        }
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func aRequestReadsIntoItsHeadWithTheFieldsAsSent() throws {
        let input = Self.bytes(
            "GET /a/b?c=d HTTP/1.1\r\nHost: d1.cloudfront.net\r\nUser-Agent: curl/8\r\naccept:  */* \t\r\nX-Two: 1\r\nx-two: 2\r\n\r\n"
        )
        let (reads, error) = try Self.parse(input)
        #expect(error == nil)
        #expect(
            reads == [
                Read(
                    method: "GET",
                    authority: "d1.cloudfront.net",
                    path: "/a/b?c=d",
                    fields: ["User-Agent: curl/8", "accept: */*", "X-Two: 1", "x-two: 2"],
                    version: "1.1",
                    keepAlive: true,
                    body: []
                )
            ]
        )
    }

    @Test func piecesOfAnySizeReadTheSameAsTheWhole() throws {
        let input = Self.bytes(
            "\r\nPOST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"
                + "PUT /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n"
                + "GET /last HTTP/1.0\n\n"
        )
        let whole = try Self.parse(input)
        #expect(whole.error == nil)
        #expect(whole.reads.map(\.path) == ["/up", "/chunks", "/last"])
        #expect(whole.reads.map { String(decoding: $0.body, as: UTF8.self) } == ["hello world", "hello world", ""])
        #expect(whole.reads.map(\.keepAlive) == [true, true, false])
        for piece in [1, 2, 3, 7, 16, 64] {
            #expect(try Self.parse(input, piece: piece).reads == whole.reads, "in pieces of \(piece)")
        }
    }

    @Test func keepAliveFollowsTheVersionAndTheConnectionField() throws {
        let cases: [(String, Bool)] = [
            ("GET / HTTP/1.1\r\n\r\n", true),
            ("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nConnection: upgrade, close\r\n\r\n", false),
            ("GET / HTTP/1.0\r\n\r\n", false),
            ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
        ]
        for (request, keepAlive) in cases {
            #expect(try Self.parse(Self.bytes(request)).reads.first?.keepAlive == keepAlive, "\(request)")
        }
    }

    @Test func expectContinueAndTheTargetsForms() throws {
        let channel = EmbeddedChannel(handler: HTTP1RequestReader(scheme: "https"))
        defer { _ = try? channel.finish() }
        try channel.writeInbound(
            ByteBuffer(string: "POST http://d1.example/p/q?r=s HTTP/1.1\r\nHost: d1.example\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n")
        )
        guard case .head(let head) = try channel.readInbound(as: ViewerRequestPart.self) else {
            Issue.record("no head")
            return
        }
        #expect(head.expectsContinue && head.request.path == "/p/q?r=s" && head.request.scheme == "https" && !head.isHead)
        #expect(RequestHeadParser.originForm("http://d1.example") == "/" && RequestHeadParser.originForm("http://d1.example?x") == "/?x")
        #expect(RequestHeadParser.originForm("*") == "*")
        // An absolute-form target names the authority, whatever Host says (RFC 9112 §3.2.2).
        let (absolute, _) = try Self.parse(Self.bytes("GET HTTP://d1.example:8080/a?b HTTP/1.1\r\nHost: other.example\r\n\r\n"))
        #expect(absolute.first?.authority == "d1.example:8080" && absolute.first?.path == "/a?b", "\(absolute)")
        let (asterisk, _) = try Self.parse(Self.bytes("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(asterisk.first?.path == "*", "\(asterisk)")
    }

    /// Each of these would let two parsers disagree about where a request ends, or carries bytes
    /// no field may hold: each is refused, with a message that says what was wrong.
    @Test(arguments: [
        ("NOT HTTP AT ALL\r\n\r\n", "is not METHOD TARGET HTTP/1.1"),
        ("GET / HTTP/2.0\r\n\r\n", "HTTP/2.0 is not spoken here"),
        ("GET  HTTP/1.1\r\n\r\n", "is not METHOD TARGET"),
        ("G(T / HTTP/1.1\r\n\r\n", "'G(T' is not a method"),
        ("GET index.html HTTP/1.1\r\n\r\n", "is neither /path"),
        ("GET * HTTP/1.1\r\n\r\n", "is neither /path"),
        ("GET ftp://host/x HTTP/1.1\r\n\r\n", "is neither /path"),
        ("GET http://user@host/x HTTP/1.1\r\n\r\n", "is neither /path"),
        ("GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n", "folded"),
        ("GET / HTTP/1.1\r\nNoColon\r\n\r\n", "has no colon"),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", "'Host ' is not a header field name"),
        ("GET / HTTP/1.1\r\nX-A: a\u{1}b\r\n\r\n", "control character"),
        ("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "both Transfer-Encoding and Content-Length"),
        ("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "is not one length"),
        ("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n", "is not one length"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "does not end in chunked"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "is not a chunk size"),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "longer than its size says"),
    ])
    func malformedRequestsAreRefusedSayingWhy(request: String, why: String) throws {
        let (reads, error) = try Self.parse(Self.bytes(request))
        #expect(reads.isEmpty)
        #expect(error?.message.contains(why) == true, "\(String(describing: error))")
    }

    @Test func aHeadPastTheLimitIsRefusedWithoutWaitingForItsEnd() throws {
        let input = Self.bytes("GET / HTTP/1.1\r\nX-Long: ") + Array(repeating: UInt8(ascii: "a"), count: HTTP1RequestDecoder.maximumHead + 1)
        let (_, error) = try Self.parse(input, piece: 65_536)
        #expect(error?.code == .tooLarge)
        let equalLengths = try Self.parse(Self.bytes("POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\nok"))
        #expect(equalLengths.reads.first?.body == Self.bytes("ok"))
    }

    /// Generated requests, valid ones of every shape the listener sees, read the same by both
    /// parsers: method, authority, path, fields (names as sent, in order), version, keep-alive
    /// and body.
    @Test func generatedRequestsReadAsNIOsParserReadsThem() throws {
        var random = SeededRandom(seed: 2026_12_01)
        let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "PURGE"]
        let names = [
            "Host", "User-Agent", "accept", "X-Forwarded-For", "Cookie", "cache-control", "X-Amz-Meta-é", "If-None-Match", "Range", "Connection",
        ]
        let valueBytes = Array("abcXYZ019 -_.,;=/?:@\"'()[]{}".utf8) + [0x09, 0xC3, 0xA9, 0xE2, 0x82, 0xAC]
        for round in 0..<400 {
            var text: [UInt8] = []
            var count = 0
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let method = methods.randomElement(using: &random)!
                let path =
                    "/"
                    + (0..<Int.random(in: 0...4, using: &random)).map { _ in ["a", "b%20c", "d.e", "f~g"].randomElement(using: &random)! }.joined(
                        separator: "/"
                    )
                let query = Bool.random(using: &random) ? "?q=\(Int.random(in: 0...99, using: &random))&r" : ""
                let version = Int.random(in: 0..<5, using: &random) == 0 ? "1.0" : "1.1"
                var head = "\(method) \(path)\(query) HTTP/\(version)\r\n"
                // One Connection field at most: where a close and a keep-alive disagree, llhttp
                // takes the last and the edge takes the close (RFC 9112 §9.6).
                var connection = false
                for _ in 0..<Int.random(in: 0...8, using: &random) {
                    var name = names.randomElement(using: &random)!
                    if name == "X-Amz-Meta-é" { name = "X-Amz-Meta-\(Int.random(in: 0...9, using: &random))" }
                    if name == "Connection" {
                        if connection { continue }
                        connection = true
                        head += "Connection: \(["close", "keep-alive", "Upgrade-Insecure"].randomElement(using: &random)!)\r\n"
                        continue
                    }
                    let value = (0..<Int.random(in: 0...20, using: &random)).map { _ in valueBytes.randomElement(using: &random)! }
                    head += "\(name):\(Bool.random(using: &random) ? " " : "")\(String(decoding: value, as: UTF8.self))\r\n"
                }
                var bodyBytes: [UInt8] = []
                if Int.random(in: 0..<4, using: &random) > 0 {  // most with a body, some without framing
                    let generated = GeneratedBody.make(using: &random)
                    head += generated.field
                    bodyBytes = generated.bytes
                }
                text += Array((head + "\r\n").utf8) + bodyBytes
                count += 1
            }
            let expected = try Self.oracle(text)
            let piece = [Int.max, 1, Int.random(in: 2...50, using: &random)].randomElement(using: &random)!
            let (reads, error) = try Self.parse(text, piece: piece)
            // Keep-alive is compared only where both parsers saw the whole exchange: after a
            // close the oracle stops reading, as the connection handler does.
            #expect(error == nil, "round \(round): \(String(describing: error))")
            #expect(Array(reads.prefix(expected.count)) == expected, "round \(round), pieces of \(piece): \(String(decoding: text, as: UTF8.self))")
            #expect(expected.count == count || expected.last?.keepAlive == false, "round \(round): the oracle read \(expected.count) of \(count)")
        }
    }
}
