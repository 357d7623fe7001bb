import CDNCore
import Foundation
import Registry
import Replication
import Synchronization
import Testing
import Topology

/// A propagation run's steps against a real registry, in this process; no node runs, so no node
/// ever reports and the run ends at its timeout without converging.
@Suite struct PropagationRunTests {
    /// A network of the registry alone.
    static func network(_ client: RegistryClient) -> NetworkState {
        let registry = NetworkState.Node(
            id: RegistrySpec.id,
            role: .registry,
            location: "Ashburn, US",
            host: client.host,
            port: client.port,
            adminPort: 0,
            pid: 0,
            hub: nil,
            log: ""
        )
        return NetworkState(topology: "", name: "test", launcherPID: 0, startedAt: Date(), nodes: [registry], viewers: [], distributions: [])
    }

    @Test func withNothingAssociatedItAsksWhereToAssociate() async throws {
        try await RegistryClientTests.withRegistry { client, _ in
            let nothing = PropagationRun(network: Self.network(client), client: client, settings: .init())
            let error = await #expect(throws: PropagationError.self) { _ = try await nothing.measure() }
            #expect(error?.code == .nothingToPropagate && error?.description.contains("nothing is associated yet") == true)

            let nowhere = PropagationRun(network: Self.network(client), client: client, settings: .init(function: "auth"))
            let unplaced = await #expect(throws: PropagationError.self) { _ = try await nowhere.measure() }
            #expect(unplaced?.description.contains("associated nowhere") == true)
        }
    }

    @Test func publishesTheCodeInForceAgainAndAssociatesItInEverySlotAsOneEpoch() async throws {
        try await RegistryClientTests.withRegistry { client, code in
            let bundle = try RegistryStore.bundle(from: code)
            _ = try await client.publish("auth", bundle: bundle, runtime: "nodejs20.x", handler: "index.handler")
            let before = try await client.associate([
                .init(distribution: "E2MINIMAL0001", behavior: "*", event: "viewer-request", function: "auth:1", includeBody: nil),
                .init(distribution: "E2MINIMAL0001", behavior: "*", event: "origin-response", function: "auth:1", includeBody: nil),
            ])
            var settings = PropagationRun.Settings(function: "auth")
            settings.timeout = .milliseconds(300)
            let said = Lines()
            let run = PropagationRun(network: Self.network(client), client: client, settings: settings, progress: { said.add($0) })
            let result = try await run.measure()

            #expect(result.function == "auth:2" && result.epoch == before.epoch + 1)
            #expect(!result.converged)
            #expect(result.nodes.count == 3 && result.nodes.allSatisfy { $0.switchedAt == nil })
            let config = try await client.config()
            #expect(config.epoch == result.epoch)
            #expect(config.associations.map(\.ref) == [FunctionRef(name: "auth", version: 2), FunctionRef(name: "auth", version: 2)])
            #expect(try await client.bundle(of: FunctionRef(name: "auth", version: 2)) == bundle)
            #expect(said.lines.first == "auth:2 → 2 slot(s); 0 nodes to reach", "\(said.lines)")
        }
    }
}

/// Lines a progress callback was told, in order.
final class Lines: Sendable {
    private let stored = Mutex<[String]>([])
    func add(_ line: String) { stored.withLock { $0.append(line) } }
    var lines: [String] { stored.withLock { $0 } }
}
