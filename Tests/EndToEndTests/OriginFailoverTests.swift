import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Origin groups through a real edge and hub: the primary first, the secondary on the group's
/// statuses or an origin that cannot be reached, for GET, HEAD and OPTIONS only; the failover
/// shown in `Server-Timing` and counted, and the secondary's answer cached.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct OriginFailoverTests {
    static func topology(primary: Int) throws -> URL {
        let folder = URL.scratchFolder("failover")
        try folder.write(files: [
            "backup/status/503/x": "from the backup\n",
            "backup/status/404/y": "the backup would have it\n",
            "backup/dead/ok.txt": "the backup answers for a dead primary\n",
        ])
        let origins = """
            primary: { location: tokyo, url: "http://127.0.0.1:\(primary)", response_timeout: 5 s }
            gone: { location: tokyo, url: "http://127.0.0.1:1", connection_attempts: 2, connection_timeout: 1 s }
            backup: { location: tokyo, static: backup }
            """
        let rest = """
            distributions:
              E2FAILOVER001:
                origins: [primary, gone, backup]
                origin_groups:
                  app: { members: [primary, backup], failover_criteria: [500, 503] }
                  dead: { members: [gone, backup], failover_criteria: [503] }
                behaviors:
                  - { path: /dead/*, origin: dead }
                  - { path: "*", origin: app }
            """
        return try folder.writeTokyoTopology(name: "failover", origins: origins, rest)
    }

    @Test func theSecondaryAnswersWhenThePrimaryFails() async throws {
        let primary = try PythonHTTPServer.start()
        defer { primary.stop() }
        try await withNetwork(try Self.topology(primary: primary.port).path) { network in
            // A failover status: the secondary's answer, cached at the edge.
            let failed = try await network.request("/status/503/x", from: "tokyo-home")
            #expect(failed.status == 200 && String(buffer: failed.body) == "from the backup\n", "\(failed.status)")
            #expect(failed.header("X-Cache") == "Miss from cloudfront")
            let timing = failed.header("Server-Timing") ?? ""
            #expect(timing.contains("origin-failover;desc=\"primary 503, then backup\""), "\(timing)")
            let hit = try await network.request("/status/503/x", from: "tokyo-home")
            #expect(hit.header("X-Cache") == "Hit from cloudfront" && String(buffer: hit.body) == "from the backup\n")
            #expect(try await primary.timesAsked("/status/503/x") == 1)

            // A status outside the criteria is the primary's answer.
            let notFound = try await network.request("/status/404/y", from: "tokyo-home")
            #expect(notFound.status == 404 && String(buffer: notFound.body) == "status 404 from python\n")

            // Other methods never fail over.
            let edge = try network.node("NRT50")
            let viewer = try #require(network.state.viewer("tokyo-home"))
            let post = try await ViewerClient.get(
                method: .POST,
                host: edge.host,
                port: edge.port,
                path: "/status/503/x",
                from: viewer.address,
                body: .init(string: "a")
            )
            #expect(post.status == 503, "\(post.status)")

            // A primary that cannot be reached (each of its two connection attempts refused).
            let dead = try await network.request("/dead/ok.txt", from: "tokyo-home")
            #expect(dead.status == 200 && String(buffer: dead.body) == "the backup answers for a dead primary\n", "\(dead.status)")
            #expect(dead.header("Server-Timing")?.contains("origin-failover;desc=\"gone unreachable, then backup\"") == true)

            #expect(try await network.counter("edgesim_origin_failovers_total", of: "NRT50") == 2)
        }
    }
}
