import CDNCore
import HTTPTypes
import NIOCore
import Testing
import Topology

@testable import EdgeNode

/// When the edge compresses: only for the codings the behavior's cache key holds.
@Suite struct EdgeCompressionTests {
    static let text = StoredResponse(
        status: .ok,
        headers: [.contentType: "text/plain"],
        body: ByteBuffer(string: String(repeating: "compress me ", count: 200))
    )

    @Test func aKeyWithoutCodingsTurnsCompressionOff() throws {
        var behavior = CacheBehavior(origin: "site")
        behavior.compress = true
        behavior.cacheKey.acceptEncodings = [.gzip, .br]
        let compressed = EdgeCompression.compressed(Self.text, acceptEncoding: "br,gzip", behavior: behavior)
        #expect(compressed.headers[.contentEncoding] == "br" && compressed.body.readableBytes < Self.text.body.readableBytes)
        // CachingOptimizedForUncompressedObjects: no codings in the key, so one copy for all.
        let uncompressed = try #require(NamedCachePolicy.managed.first { $0.name == "CachingOptimizedForUncompressedObjects" })
        behavior.cacheKey = uncompressed.cacheKey
        let plain = EdgeCompression.compressed(Self.text, acceptEncoding: "gzip, deflate, br", behavior: behavior)
        #expect(plain.headers[.contentEncoding] == nil && plain.body == Self.text.body)
    }
}
