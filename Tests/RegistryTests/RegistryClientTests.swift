import CDNCore
import EdgesimTestSupport
import Foundation
import Logging
import Registry
import Replication
import ServiceLifecycle
import Testing
import Topology

/// The registry client against a real registry, in this process, on ephemeral ports.
@Suite struct RegistryClientTests {
    static let minimal = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("topologies/minimal.yaml").path

    /// Runs a registry for the length of a body, then shuts it down.
    static func withRegistry(_ body: @escaping @Sendable (RegistryClient, String) async throws -> Void) async throws {
        let topology = try #require(TopologyLoader.check(path: minimal).topology)
        let (folder, code) = try RegistryStoreTests.scratch()
        let state = URL(fileURLWithPath: folder).deletingLastPathComponent().appendingPathComponent("state").path
        let ports = AsyncStream.makeStream(of: Int.self)
        let services = try await Registry.build(
            .init(topology: topology, stateDirectory: state, host: "127.0.0.1", port: 0, adminPort: 0),
            onReady: { port, _ in ports.continuation.yield(port) },
            logger: Logger(label: "registry-test")
        )
        try await withServicesRunning(services, logger: Logger(label: "registry-test")) {
            var iterator = ports.stream.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body(try RegistryClient(host: "127.0.0.1", port: port, stateDirectory: state), code)
        }
    }

    @Test func publishesAssociatesAndReadsBackTypedValues() async throws {
        try await Self.withRegistry { client, code in
            let bundle = try RegistryStore.bundle(from: code)
            let v1 = try await client.publish("auth", bundle: bundle, runtime: "nodejs20.x", handler: "index.handler")
            let v2 = try await client.publish("auth", bundle: bundle, runtime: "nodejs20.x", handler: "index.handler")
            #expect(v1.ref == FunctionRef(name: "auth", version: 1) && v2.ref == FunctionRef(name: "auth", version: 2))
            #expect(try await client.versions().map(\.ref) == [v1.ref, v2.ref])
            #expect(try await client.bundle(of: v2.ref) == bundle)

            let config = try await client.associate([
                .init(distribution: "E2MINIMAL0001", behavior: "*", event: "viewer-request", function: "auth:2", includeBody: nil)
            ])
            #expect(config.associations.map(\.ref) == [v2.ref] && config.associations.first?.event == .viewerRequest)
            #expect(try await client.config().epoch == config.epoch)
            let deployment = try await client.deployment()
            #expect(deployment.epoch == config.epoch && deployment.status == .inProgress)  // no node has reported
            #expect(Set(deployment.nodes.map(\.role)) == [.hub, .edge])
        }
    }

    @Test func aRefusalCarriesTheRegistrysOwnMessage() async throws {
        try await Self.withRegistry { client, _ in
            let refusal = await #expect(throws: RegistryClientError.self) {
                _ = try await client.associate([
                    .init(distribution: "E2MINIMAL0001", behavior: "*", event: "viewer-request", function: "auth:$LATEST", includeBody: nil)
                ])
            }
            #expect(refusal?.code == .refused && refusal?.status == 400, "\(String(describing: refusal))")
            #expect(refusal?.message.contains("refuses $LATEST") == true, "\(String(describing: refusal))")

            let unauthorized = RegistryClient(host: client.host, port: client.port, token: "wrong", tls: client.tls)
            let denied = await #expect(throws: RegistryClientError.self) {
                _ = try await unauthorized.publish("auth", bundle: Data(), runtime: "nodejs", handler: "index.handler")
            }
            #expect(denied?.code == .refused && denied?.status == 401, "\(String(describing: denied))")
        }
    }

    @Test func theAPIIsHTTPSUnderTheNetworkCAsCertificateForTheRegistry() async throws {
        try await Self.withRegistry { client, _ in
            // Plain HTTP gets no API; TLS without the network's CA cannot verify it.
            let plain = RegistryClient(host: client.host, port: client.port, token: nil, tls: nil)
            let refused = await #expect(throws: RegistryClientError.self) { _ = try await plain.config() }
            #expect(refused?.code == .unreachable, "\(String(describing: refused))")
            let stranger = try CertificateAuthority(name: "stranger")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-stranger-\(UUID().uuidString)")
            let (certificate, key) = (folder.appendingPathComponent("ca.pem").path, folder.appendingPathComponent("ca-key.pem").path)
            try stranger.write(certificateFile: certificate, keyFile: key)
            defer { try? FileManager.default.removeItem(at: folder) }
            let untrusting = RegistryClient(
                host: client.host,
                port: client.port,
                token: nil,
                tls: try ViewerTLSClient(certificateAuthority: certificate, serverName: TLSFiles.registryName)
            )
            let unverified = await #expect(throws: RegistryClientError.self) { _ = try await untrusting.config() }
            #expect(unverified?.code == .unreachable, "\(String(describing: unverified))")
            #expect(try await client.config().epoch >= 0)
        }
    }

    @Test func aRegistryThatIsNotThereIsUnreachableAfterTheRetries() async throws {
        let client = RegistryClient(host: "127.0.0.1", port: 1, token: nil, tls: nil)
        let error = await #expect(throws: RegistryClientError.self) { _ = try await client.config() }
        #expect(error?.code == .unreachable && error?.cause != nil, "\(String(describing: error))")
    }
}
