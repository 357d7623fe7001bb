import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import Testing

/// The edge's compression through a real edge and hub: Brotli preferred, gzip otherwise, each a
/// variant of its own in the cache by the normalised Accept-Encoding; small or encoded bodies
/// and viewers that take neither coding get the object as it is.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CompressionTests {
    static let text = String(repeating: "CloudFront compresses text it caches. ", count: 200)

    static func topology() throws -> URL {
        let folder = URL.scratchFolder("compress")
        try folder.write(files: ["site/big.txt": text, "site/small.txt": "too small to compress\n", "site/plain/big.txt": text])
        let origins = """
            site: { location: tokyo, static: site }
            """
        let rest = """
            distributions:
              E2COMPRESS001:
                origins: [site]
                behaviors:
                  - { path: /plain/*, origin: site }
                  - { path: "*", origin: site, compress: true }
            """
        return try folder.writeTokyoTopology(name: "compression", origins: origins, rest)
    }

    /// gzip's own reading of a body.
    static func gunzip(_ body: ByteBuffer) async throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-body-\(UUID().uuidString).gz")
        try Data(body.readableBytesView).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await CLI.run(external: "/usr/bin/env", ["gzip", "-dc", file.path]).stdout
    }

    @Test func textIsCompressedOncePerEncoding() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let br = try await network.request("/big.txt", from: "tokyo-home", headers: [("Accept-Encoding", "gzip, deflate, br")])
            #expect(br.status == 200 && br.header("Content-Encoding") == "br", "\(br.headers)")
            #expect(br.body.readableBytes < Self.text.utf8.count / 4, "\(br.body.readableBytes)")
            #expect(br.header("ETag")?.hasPrefix("W/\"") == true && br.header("Vary") == "Accept-Encoding", "\(br.headers)")

            // gzip alone: a variant of its own, fetched once, that gzip reads back.
            let gzip = try await network.request("/big.txt", from: "tokyo-home", headers: [("Accept-Encoding", "gzip")])
            #expect(gzip.header("Content-Encoding") == "gzip" && gzip.header("X-Cache") == "Miss from cloudfront")
            #expect(try await Self.gunzip(gzip.body) == Self.text)
            let again = try await network.request("/big.txt", from: "tokyo-home", headers: [("Accept-Encoding", "br;q=1, gzip;q=0.5")])
            #expect(again.header("Content-Encoding") == "br" && again.header("X-Cache") == "Hit from cloudfront")

            // Neither coding, no header, too small, or a behavior that does not compress.
            let identity = try await network.request("/big.txt", from: "tokyo-home", headers: [("Accept-Encoding", "deflate")])
            #expect(identity.header("Content-Encoding") == nil && String(buffer: identity.body) == Self.text)
            #expect(try await network.request("/big.txt", from: "tokyo-home").header("Content-Encoding") == nil)
            #expect(
                try await network.request("/small.txt", from: "tokyo-home", headers: [("Accept-Encoding", "br")]).header("Content-Encoding") == nil
            )
            let plain = try await network.request("/plain/big.txt", from: "tokyo-home", headers: [("Accept-Encoding", "br")])
            #expect(plain.header("Content-Encoding") == nil && plain.body.readableBytes == Self.text.utf8.count)
        }
    }
}
