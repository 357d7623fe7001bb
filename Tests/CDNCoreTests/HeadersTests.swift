import CDNCore
import Foundation
import HTTPTypes
import NIOCore
import Testing
import Topology

@Suite struct HeadersTests {
    @Test func originRequestsCarryCloudFrontsChanges() {
        let viewer: HTTPFields = [
            .userAgent: "curl/8", .accept: "*/*", .cookie: "session=1", .authorization: "Bearer x",
            .xForwardedFor: "203.0.113.9", HTTPField.Name("X-Real-IP")!: "1.2.3.4", HTTPField.Name("X-Custom")!: "kept",
        ]
        let fields = OriginRequestFields.make(
            from: viewer,
            clientIP: "127.0.1.1",
            originHost: "site.s3.amazonaws.com",
            via: "1.1 abc.cloudfront.net (CloudFront)",
            requestID: "id==",
            policy: CacheKeyPolicy()
        )
        #expect(fields[HTTPField.Name("Host")!] == "site.s3.amazonaws.com")
        #expect(fields[.userAgent] == "Amazon CloudFront")
        #expect(fields[.xForwardedFor] == "203.0.113.9, 127.0.1.1")
        #expect(fields[.via] == "1.1 abc.cloudfront.net (CloudFront)")
        #expect(fields[.amzCfID] == "id==")
        #expect(fields[.cookie] == nil && fields[.authorization] == nil && fields[.accept] == nil)
        #expect(fields[HTTPField.Name("X-Real-IP")!] == nil)
        #expect(fields[HTTPField.Name("X-Custom")!] == "kept")
    }

    @Test func headersTheCacheKeyNamesAreForwarded() {
        let policy = CacheKeyPolicy(headers: ["user-agent", "accept"], cookies: .all)
        let fields = OriginRequestFields.make(
            from: [.userAgent: "curl/8", .accept: "text/html", .cookie: "a=1"],
            clientIP: "127.0.0.1",
            originHost: "o",
            via: "v",
            requestID: "r",
            policy: policy
        )
        #expect(fields[.userAgent] == "curl/8" && fields[.accept] == "text/html" && fields[.cookie] == "a=1")
    }

    @Test func requestIDsLookLikeCloudFronts() {
        let ids = (0..<100).map { _ in CloudFrontIDs.requestID() }
        #expect(Set(ids).count == 100)
        for id in ids { #expect(id.wholeMatch(of: /[A-Za-z0-9_-]{54}==/) != nil) }
        #expect(CloudFrontIDs.via(host: CloudFrontIDs.viaHost()).wholeMatch(of: /1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)/) != nil)
    }

    @Test func invocationIDsAreVersion4UUIDs() {
        let ids = (0..<1_000).map { _ in CloudFrontIDs.invocationID() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
            #expect(UUID(uuidString: id)?.uuidString.lowercased() == id)
        }
    }

    @Test func serverTimingIsOneHeaderValueInOrder() {
        var timing = ServerTiming()
        timing.add("cdn-pop", detail: "NRT50")
        timing.add("cdn-cache-miss")
        timing.add("edge", duration: .microseconds(1_234))
        #expect(timing.description == "cdn-pop;desc=\"NRT50\", cdn-cache-miss, edge;dur=1.23")
    }

    @Test func aMatchingIfNoneMatchGets304WithoutABody() {
        let stored = StoredResponse(status: .ok, headers: [.eTag: "\"v1\""], body: ByteBuffer(string: "x"))
        #expect(stored.answering(conditional: "\"v0\", \"v1\"").status == .notModified)
        #expect(stored.answering(conditional: "\"v1\"").body.readableBytes == 0)
        #expect(stored.answering(conditional: "\"v2\"").status == .ok)
        #expect(stored.answering(conditional: nil).status == .ok)
    }

    @Test func hopByHopAndInternalFieldsAreNotForwarded() {
        let fields: HTTPFields = [
            .connection: "keep-alive, X-Private", .transferEncoding: "chunked", HTTPField.Name("X-Private")!: "1",
            .edgesimOrigin: "site", .contentType: "text/plain",
        ]
        let forwarded = fields.removingHopByHop().removingInternal()
        #expect(forwarded.map(\.name) == [.contentType])
    }

    @Test func readyLinesRoundTrip() {
        let line = ReadyLine(node: "NRT50", port: 4000, adminPort: 4001)
        #expect(ReadyLine(parsing: line.description) == line)
        #expect(ReadyLine(parsing: "READY node=x port=nope admin=1") == nil)
        #expect(ReadyLine(parsing: "2026 info something") == nil)
    }

    @Test func viewersGetDistinctLoopbackAddresses() {
        #expect(Topology.defaultViewerAddress(index: 0) == "127.0.1.1")
        #expect(Topology.defaultViewerAddress(index: 253) == "127.0.1.254")
        #expect(Topology.defaultViewerAddress(index: 254) == "127.0.2.1")
        let addresses = (0..<2_000).map(Topology.defaultViewerAddress)
        #expect(Set(addresses).count == 2_000)
    }
}
