import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The registry as `edgesim up` runs it: the topology's functions published at start, the CLI
/// publishing and associating with the token, refusals, and a kill -9 that loses nothing.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RegistryEndToEndTests {
    static let topology = CLI.packageRoot.appendingPathComponent("topologies/annotated.yaml").path

    @Test func topologyFunctionsArePublishedAndTheCLIPublishesAndAssociates() async throws {
        try await withNetwork(Self.topology) { network in
            let state = network.stateDirectory.path
            let listed = try await CLI.run(["function", "list", "--state-dir", state])
            #expect(listed.status == 0 && listed.stdout.contains("auth") && listed.stdout.contains("index.handler"), "\(listed.stderr)")

            let code = CLI.packageRoot.appendingPathComponent("examples/functions/auth").path
            let published = try await CLI.run([
                "function", "publish", "auth", "--code", code, "--runtime", "nodejs20.x", "--handler", "index.handler", "--state-dir", state,
            ])
            #expect(published.status == 0 && published.stdout.contains("published auth:2"), "\(published.stderr)")

            let latest = try await CLI.run([
                "associate", "E2MINIMAL0001", "--event", "viewer-request", "--function", "auth:$LATEST", "--state-dir", state,
            ])
            #expect(latest.status == 1 && latest.stderr.contains("$LATEST"))
            let unknown = try await CLI.run(["associate", "E2MINIMAL0001", "--event", "viewer-request", "--function", "auth:9", "--state-dir", state])
            #expect(unknown.status == 1 && unknown.stderr.contains("no version 9"))
            let associated = try await CLI.run([
                "associate", "E2MINIMAL0001", "--event", "viewer-request", "--function", "auth:2", "--behavior", "/api/*", "--state-dir", state,
            ])
            #expect(associated.status == 0 && associated.stdout.contains("config epoch"), "\(associated.stderr)")
        }
    }

    @Test func writesWithoutTheTokenAreRefused() async throws {
        try await withNetwork(Self.topology) { network in
            let registry = try network.node("registry")
            let reply = try await ViewerClient.get(
                method: .POST,
                port: registry.port,
                path: "/functions/evil/versions?runtime=nodejs&handler=index.handler",
                from: nil,
                body: .init(string: "not a zip"),
                tls: try ViewerTLSClient(
                    certificateAuthority: try #require(network.state.certificateAuthority),
                    serverName: TLSFiles.registryName
                )
            )
            #expect(reply.status == 401)
            let token = try String(contentsOfFile: network.stateDirectory.appendingPathComponent("registry/token").path, encoding: .utf8)
            #expect(!token.isEmpty)
            let attributes = try FileManager.default.attributesOfItem(atPath: network.stateDirectory.appendingPathComponent("registry/token").path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }

    @Test func aKilledRegistryRestartsWithNothingLost() async throws {
        try await withNetwork(Self.topology) { network in
            let state = network.stateDirectory.path
            let code = CLI.packageRoot.appendingPathComponent("examples/functions/auth").path
            for _ in 0..<3 {
                let published = try await CLI.run([
                    "function", "publish", "auth", "--code", code, "--runtime", "nodejs", "--handler", "index.handler", "--state-dir", state,
                ])
                #expect(published.status == 0, "\(published.stderr)")
            }
            kill(try network.node("registry").pid, SIGKILL)
            let deadline = ContinuousClock.now + .seconds(20)
            var listed = CLI.Result(status: 1, stdout: "", stderr: "")
            while ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(300))
                listed = try await CLI.run(["function", "list", "--state-dir", state])
                if listed.status == 0 { break }
            }
            #expect(listed.status == 0, "\(listed.stderr)")
            for number in 1...4 {
                #expect(listed.stdout.range(of: "(?m)^auth\\s+\(number)\\s", options: .regularExpression) != nil, "\(listed.stdout)")
            }
        }
    }
}
