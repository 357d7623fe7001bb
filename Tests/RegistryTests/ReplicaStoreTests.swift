import CDNCore
import Foundation
import Registry
import Replication
import Testing
import Topology

/// A node's replica: it stores only what the registry signed, commits an epoch only with its
/// bundles, survives a reopen, and collects versions no epoch names after the delay.
@Suite struct ReplicaStoreTests {
    @Test func onlySignedBundlesAreStoredAndEpochsNeedTheirBundles() async throws {
        let (registryFolder, code) = try RegistryStoreTests.scratch()
        let registry = try RegistryStore(directory: registryFolder)
        let v1 = try await registry.publish(name: "f", code: code, runtime: "nodejs", handler: "index.handler")
        let v2 = try await registry.publish(name: "f", code: code, runtime: "nodejs", handler: "index.handler")
        try await registry.associate(distribution: "E1", behavior: "*", event: .viewerRequest, function: "f:1")
        try await registry.associate(distribution: "E1", behavior: "*", event: .viewerRequest, function: "f:2")
        let epochs = await registry.epochs(after: 0)
        #expect(epochs.map(\.epoch) == [1, 2] && epochs[1].refs == [FunctionRef(name: "f", version: 2)])

        let folder = URL(fileURLWithPath: registryFolder).deletingLastPathComponent().appendingPathComponent("replica").path
        let replica = try ReplicaStore(directory: folder)
        var tampered = try await registry.bundle("f", 1)
        tampered.append(0)
        let refused = await #expect(throws: ReplicationError.self) {
            try await replica.store(bundle: tampered, of: v1, publicKey: registry.publicKey)
        }
        #expect(refused?.code == .refused && refused?.description.hasPrefix("f:1 refused") == true)
        let incomplete = await #expect(throws: ReplicationError.self) { try await replica.commit(epochs[0]) }  // its bundle is missing
        #expect(incomplete?.code == .incomplete)
        try await replica.store(bundle: try await registry.bundle("f", 1), of: v1, publicKey: registry.publicKey)
        try await replica.commit(epochs[0])
        try await replica.store(bundle: try await registry.bundle("f", 2), of: v2, publicKey: registry.publicKey)
        try await replica.commit(epochs[1])

        let reopened = try ReplicaStore(directory: folder)
        let newer = await reopened.epochs(after: 1)
        #expect(await reopened.latestEpoch() == 2 && newer.map(\.epoch) == [2])
        #expect(await reopened.unnamed.keys.sorted() == [FunctionRef(name: "f", version: 1)])
        #expect(await reopened.collectGarbage(unnamedFor: .seconds(3600)).isEmpty)
        #expect(await reopened.collectGarbage(unnamedFor: .seconds(3600), now: Date() + 7200) == [FunctionRef(name: "f", version: 1)])
        let (collected, kept) = (await reopened.heldBundle("f", 1), await reopened.heldBundle("f", 2))
        #expect(collected == nil && kept != nil)
    }
}
