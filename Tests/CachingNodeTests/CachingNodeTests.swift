import CDNCore
import EdgesimTestSupport
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Replication
import ServiceLifecycle
import Testing
import Topology

@testable import CachingNode

/// What edges and hubs are built from, opened and run in this process on ephemeral ports.
@Suite struct CachingNodeTests {
    static func minimal() throws -> Topology {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("topologies/minimal.yaml").path
        return try #require(TopologyLoader.check(path: file).topology)
    }

    static var quiet: Logger {
        var logger = Logger(label: "caching-node-test")
        logger.logLevel = .warning
        return logger
    }

    @Test func eachRoleHasItsOwnCacheSizeAndEveryOtherDefaultIsShared() throws {
        let topology = try Self.minimal()
        let edge = CachingNodeSettings(id: "NRT50", role: .edge, topology: topology)
        let hub = CachingNodeSettings(id: "ap-northeast-1", role: .hub, topology: topology)
        #expect(edge.cacheCapacity == 256 << 20 && hub.cacheCapacity == 512 << 20)
        #expect(edge.garbageDelay == .seconds(3 * 3600) && hub.garbageDelay == edge.garbageDelay)
        #expect(edge.stateDirectory == ".edgesim" && edge.host == "127.0.0.1" && edge.port == 0 && edge.seed == 1)
    }

    @Test func aNodeWithoutAnUpstreamCannotFollow() async throws {
        var settings = CachingNodeSettings(id: "ap-northeast-1", role: .hub, topology: try Self.minimal())
        settings.originAddresses = ["site": try SocketAddress(ipAddress: "127.0.0.1", port: 9)]
        var node = try await CachingNode.open(settings, upstream: nil, logger: Self.quiet)
        #expect(node.upstream == nil && Set(node.origins.keys) == ["site"])
        #expect(throws: ReplicationError.self) { try node.follow(logger: Self.quiet) }
        #expect(node.follower == nil)
        try await Self.runBriefly(node.services(responder: Router().buildResponder(), serverName: "test", onReady: { _, _ in }, logger: Self.quiet))
    }

    @Test func anEdgesUpstreamIsItsHubAndItsListenersAnswerWithItsName() async throws {
        var settings = CachingNodeSettings(id: "NRT50", role: .edge, topology: try Self.minimal())
        settings.originAddresses = ["site": try SocketAddress(ipAddress: "127.0.0.1", port: 9)]
        settings.stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-admin-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: settings.stateDirectory) }
        let token = try RegistryToken.loadOrCreate(stateDirectory: settings.stateDirectory)
        let node = try await CachingNode.open(
            settings,
            upstream: .init(id: "ap-northeast-1", address: try SocketAddress(ipAddress: "127.0.0.1", port: 9)),
            logger: Self.quiet
        )
        #expect(node.upstream?.id == "ap-northeast-1" && node.upstream?.hostHeader == "ap-northeast-1")
        #expect(node.upstream?.port != node.origins["site"]?.port)
        let router = Router()
        router.get("/") { _, _ in "served" }
        let ready = AsyncStream.makeStream(of: (Int, Int).self)
        let services = node.services(
            responder: router.buildResponder(),
            serverName: "CloudFront",
            onReady: { ready.continuation.yield(($0, $1)) },
            logger: Self.quiet
        )
        // Two links, the client, then the traffic and admin listeners.
        #expect(services.count == 5)
        try await Self.runBriefly(services) {
            var next = ready.stream.makeAsyncIterator()
            let (port, adminPort) = try #require(await next.next())
            let page = try await ViewerClient.get(port: port, path: "/", from: nil)
            #expect(String(buffer: page.body) == "served" && page.header("Server") == "CloudFront")
            let health = try await ViewerClient.get(port: adminPort, path: "/health", from: nil)
            let report = try JSONDecoder().decode(HealthReport.self, from: Data(health.body.readableBytesView))
            #expect(report.node == "NRT50" && report.role == .edge && report.status == .ok && report.cachedObjects == 0)
            // `/health` is answered before the router; behind a request the router is still
            // answering, it waits its turn, so pipelined answers keep their order.
            let pipelined = try await RawConnection.exchange(
                "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                port: adminPort
            )
            let metrics = try #require(pipelined.range(of: "edgesim_"))
            let reports = pipelined.ranges(of: "\"node\":\"NRT50\"")
            #expect(reports.count == 2 && reports.allSatisfy { $0.lowerBound > metrics.lowerBound }, "\(pipelined.suffix(600))")
            #expect(pipelined.components(separatedBy: "HTTP/1.1 200 OK").count == 4, "\(pipelined.suffix(600))")
            // A write needs the network's token.
            let path = "/faults/partition?peer=ap-northeast-1&seconds=1"
            let anonymous = try await ViewerClient.get(method: .POST, port: adminPort, path: path, from: nil)
            #expect(anonymous.status == 401)
            let stranger = try await ViewerClient.get(
                method: .POST,
                port: adminPort,
                path: path,
                from: nil,
                headers: [("Authorization", "Bearer guess")]
            )
            #expect(stranger.status == 403)
            let invalidation = try await ViewerClient.get(
                method: .POST,
                port: adminPort,
                path: "/invalidate",
                from: nil,
                headers: [("Content-Type", "application/json")],
                body: ByteBuffer(string: #"{"distribution":"E2MINIMAL0001","paths":["/*"]}"#)
            )
            #expect(invalidation.status == 401)
            let partition = try await ViewerClient.get(
                method: .POST,
                port: adminPort,
                path: path,
                from: nil,
                headers: [("Authorization", "Bearer \(token)")]
            )
            #expect(partition.status == 200)
            // A degraded link: the same token, its figures checked.
            for (query, status) in [
                ("peer=ap-northeast-1&seconds=1&latency=10&loss=0.05", 200), ("peer=ap-northeast-1&seconds=1", 200),
                ("peer=ap-northeast-1&seconds=1&latency=0.5", 400), ("peer=ap-northeast-1&seconds=1&loss=2", 400),
                ("peer=nowhere&seconds=1", 404), ("peer=ap-northeast-1", 400),
            ] {
                let degrade = try await ViewerClient.get(
                    method: .POST,
                    port: adminPort,
                    path: "/faults/degrade?\(query)",
                    from: nil,
                    headers: [("Authorization", "Bearer \(token)")]
                )
                #expect(degrade.status == status, "\(query): \(String(buffer: degrade.body))")
            }
            let anonymousDegrade = try await ViewerClient.get(
                method: .POST,
                port: adminPort,
                path: "/faults/degrade?peer=ap-northeast-1&seconds=1",
                from: nil
            )
            #expect(anonymousDegrade.status == 401)
        }
    }

    /// Runs services, then a body, then shuts them down.
    static func runBriefly(_ services: [any Service], _ body: @Sendable () async throws -> Void = {}) async throws {
        try await withServicesRunning(services, logger: quiet, body)
    }
}
