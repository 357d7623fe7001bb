import CDNCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Replication
import Synchronization
import Testing
import Topology

@testable import RegionalHub

/// The hub's request path in this process: the router test client in front of the real
/// responder, and a stub origin on a real loopback socket.
@Suite struct HubResponderTests {
    /// An origin that counts what reaches it.
    final class Origin: Sendable {
        private let count = Mutex(0)
        var requests: Int { count.withLock { $0 } }

        func router() -> Router<BasicRequestContext> {
            let router = Router()
            router.get("**") { request, _ -> Response in
                self.count.withLock { $0 += 1 }
                let fields: HTTPFields = [.cacheControl: "max-age=60", .contentType: "text/plain"]
                return Response(status: .ok, headers: fields, body: .init(byteBuffer: .init(string: "origin \(request.uri.path)")))
            }
            return router
        }
    }

    static func withHub(_ body: @escaping @Sendable (any TestClientProtocol, Origin) async throws -> Void) async throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("topologies/minimal.yaml").path
        let topology = try #require(TopologyLoader.check(path: file).topology)
        let origin = Origin()
        let originApp = Application(router: origin.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await originApp.test(.live) { originClient in
            let client = UpstreamClient()
            let responder = HubResponder(
                id: "ap-northeast-1",
                distributions: DistributionsInForce(base: topology),
                origins: ["site": UpstreamLink(id: "site", port: try #require(originClient.port), hostHeader: "site.s3.amazonaws.com")],
                shields: [:],
                cache: CacheTier(capacity: 1 << 20),
                client: client,
                metrics: NodeMetrics(node: "ap-northeast-1", role: .hub),
                feed: nil
            )
            let hub = Application(responder: responder, configuration: .init(), services: [client])
            try await hub.test(.router) { client in try await body(client, origin) }
        }
    }

    static let fromEdge: HTTPFields = [.edgesimDistribution: "E2MINIMAL0001", .edgesimBehavior: "*", .edgesimOrigin: "site"]

    @Test func aMissGoesToTheOriginAndTheNextIsAHubHitEachSaidOnTheWire() async throws {
        try await Self.withHub { client, origin in
            let first = try await client.execute(uri: "/x", method: .get, headers: Self.fromEdge, body: nil)
            #expect(first.status == .ok && String(buffer: first.body) == "origin /x")
            var firstFields = first.headers
            let firstTrace = try #require(HubTrace.take(from: &firstFields))
            #expect(firstTrace.result == .miss && firstTrace.originTime != nil)
            let second = try await client.execute(uri: "/x", method: .get, headers: Self.fromEdge, body: nil)
            var secondFields = second.headers
            let secondTrace = try #require(HubTrace.take(from: &secondFields))
            #expect(secondTrace.result == .hit && secondTrace.servedFromCache && secondTrace.originTime == nil)
            #expect(origin.requests == 1)
            // Taken out of the fields: nothing internal is left for the edge to pass on.
            #expect(secondFields[.edgesimHubResult] == nil && secondFields[.edgesimOriginTime] == nil)
        }
    }

    @Test func aRequestWithoutADistributionIsCloudFrontsErrorNotAFetch() async throws {
        try await Self.withHub { client, origin in
            let reply = try await client.execute(uri: "/x", method: .get, headers: [:], body: nil)
            var fields = reply.headers
            #expect(reply.status == .badRequest)
            #expect(HubTrace.take(from: &fields)?.result == .error)
            #expect(origin.requests == 0)
        }
    }

    @Test func anOriginTheHubHasNoLinkToIsA502() async throws {
        try await Self.withHub { client, origin in
            var fields = Self.fromEdge
            fields[.edgesimOrigin] = "elsewhere"
            let reply = try await client.execute(uri: "/x", method: .get, headers: fields, body: nil)
            var answered = reply.headers
            #expect(reply.status == .badGateway && HubTrace.take(from: &answered)?.result == .error)
            #expect(origin.requests == 0)
        }
    }
}
