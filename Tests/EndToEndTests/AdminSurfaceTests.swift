import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The admin surface is locked: writes need the network's token, the token is in no command
/// line or log, and the secrets on disk are their owner's alone.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct AdminSurfaceTests {
    @Test func adminWritesNeedTheTokenWhichNoProcessListingOrLogShows() async throws {
        let folder = URL.scratchFolder("admin-surface")
        try folder.write(files: ["site/index.html": "<h1>admin</h1>\n"])
        let topology = try folder.writeTokyoTopology(
            name: "admin-surface",
            origins: "site: { location: tokyo, static: site, cache_control: \"max-age=3600\" }",
            "distributions:\n  E2ADMIN000001:\n    domain: admin.example.test\n    origins: [site]"
        )
        try await withNetwork(topology.path) { network in
            let state = network.stateDirectory
            let token = try String(contentsOf: state.appendingPathComponent("registry/token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.count >= 16)

            // Writes without the token, or with another, are refused at every node.
            for node in network.state.nodes {
                let anonymous = try await ViewerClient.get(
                    method: .POST,
                    host: node.host,
                    port: node.adminPort,
                    path: "/faults/partition?peer=registry&seconds=1",
                    from: nil
                )
                #expect(anonymous.status == 401, "\(node.id): \(anonymous.status)")
                let stranger = try await ViewerClient.get(
                    method: .POST,
                    host: node.host,
                    port: node.adminPort,
                    path: "/invalidate",
                    from: nil,
                    headers: [("Authorization", "Bearer not-the-token"), ("Content-Type", "application/json")],
                    body: ByteBuffer(string: #"{"distribution":"E2ADMIN000001","paths":["/*"]}"#)
                )
                #expect(stranger.status == 403, "\(node.id): \(stranger.status)")
            }
            // The CLI, which reads the token, is let through.
            _ = try await network.request("/index.html", from: "tokyo-home")
            let invalidated = try await CLI.run(["invalidate", "E2ADMIN000001", "/*", "--state-dir", state.path])
            #expect(invalidated.status == 0 && !invalidated.stdout.contains("failed"), "\(invalidated.stdout)\(invalidated.stderr)")
            #expect(try await network.request("/index.html", from: "tokyo-home").header("X-Cache") == "Miss from cloudfront")

            // No node's command line, environment or log carries the token.
            for node in network.state.nodes {
                for part in ["cmdline", "environ"] {
                    let text = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(node.pid)/\(part)"))).map { String(decoding: $0, as: UTF8.self) }
                    #expect(text?.contains(token) == false, "\(node.id)'s \(part)")
                }
            }
            #expect(!network.logs().contains(token), "a log line carries the token")

            // The token and every private key are their owner's alone.
            var secrets = ["registry/token", "registry/signing-key"]
            let tls = try FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("tls").path)
            secrets += tls.filter { $0.hasSuffix("-key.pem") }.map { "tls/" + $0 }
            #expect(secrets.count > 3, "\(tls)")
            for secret in secrets {
                let attributes = try FileManager.default.attributesOfItem(atPath: state.appendingPathComponent(secret).path)
                let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
                #expect(mode == 0o600, "\(secret) has mode \(String(mode, radix: 8))")
            }
        }
    }
}
