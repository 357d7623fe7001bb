import CDNCore
import Foundation
import Registry
import Replication
import Testing
import Topology

@Suite struct RegistryStoreTests {
    /// A scratch registry directory and a function folder.
    static func scratch() throws -> (registry: String, code: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("fn"), withIntermediateDirectories: true)
        try Data("exports.handler = async (e) => e.Records[0].cf.request;\n".utf8).write(to: folder.appendingPathComponent("fn/index.js"))
        return (folder.appendingPathComponent("registry").path, folder.appendingPathComponent("fn").path)
    }

    @Test func versionsAreNumberedSignedAndHashed() async throws {
        let (directory, code) = try Self.scratch()
        let store = try RegistryStore(directory: directory)
        let first = try await store.publish(name: "auth", code: code, runtime: "nodejs20.x", handler: "index.handler")
        let second = try await store.publish(name: "auth", code: code, runtime: "nodejs20.x", handler: "index.handler")
        #expect(first.version == 1 && second.version == 2)
        let bundle = try await store.bundle("auth", 2)
        #expect(second.verifies(bundle: bundle, publicKey: store.publicKey))
    }

    @Test func aTamperedBundleOrManifestFailsVerification() async throws {
        let (directory, code) = try Self.scratch()
        let store = try RegistryStore(directory: directory)
        let record = try await store.publish(name: "f", code: code, runtime: "python", handler: "handler.handler")
        var bundle = try await store.bundle("f", 1)
        bundle[bundle.startIndex] ^= 0xFF
        #expect(!record.verifies(bundle: bundle, publicKey: store.publicKey))
        var forged = record
        forged.timeoutMilliseconds = 30_000
        #expect(!forged.verifies(bundle: try await store.bundle("f", 1), publicKey: store.publicKey))
        let stranger = try RegistryStore(directory: directory + "-other")
        #expect(!record.verifies(bundle: try await store.bundle("f", 1), publicKey: stranger.publicKey))
    }

    @Test func everythingSurvivesAReopen() async throws {
        let (directory, code) = try Self.scratch()
        do {
            let store = try RegistryStore(directory: directory)
            _ = try await store.publish(name: "auth", code: code, runtime: "nodejs", handler: "index.handler")
            try await store.associate(distribution: "E1", behavior: "*", event: .viewerRequest, function: "auth:1")
        }
        let reopened = try RegistryStore(directory: directory)
        #expect(await reopened.versions.map(\.ref.description) == ["auth:1"])
        #expect(await reopened.config.epoch == 1)
        let record = try #require(await reopened.version("auth", 1))
        #expect(record.verifies(bundle: try await reopened.bundle("auth", 1), publicKey: reopened.publicKey))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/signing-key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func associationsNameNumberedVersionsOnly() async throws {
        let (directory, code) = try Self.scratch()
        let store = try RegistryStore(directory: directory)
        _ = try await store.publish(name: "auth", code: code, runtime: "nodejs", handler: "index.handler")
        for (function, message) in [
            ("auth:$LATEST", "refuses $LATEST"), ("auth:live", "aliases"), ("auth", "numbered version"), ("auth:7", "no version 7"),
            ("nope:1", "no function 'nope'"),
        ] {
            await #expect {
                try await store.associate(distribution: "E1", behavior: "*", event: .viewerRequest, function: function)
            } throws: { error in
                "\(error)".contains(message)
            }
        }
        await #expect(throws: RegistryError.self) {
            try await store.associate(distribution: "E1", behavior: "*", event: .viewerResponse, function: "auth:1", includeBody: true)
        }
        #expect(await store.config.epoch == 0)
    }

    @Test func aPackageTooLargeForItsEventIsRefusedAtAssociation() async throws {
        let (directory, code) = try Self.scratch()
        var generator = SystemRandomNumberGenerator()
        let noise = Data((0..<(1 << 20) + 4096).map { _ in UInt8.random(in: 0...255, using: &generator) })  // does not compress
        try noise.write(to: URL(fileURLWithPath: code).appendingPathComponent("model.bin"))
        let store = try RegistryStore(directory: directory)
        _ = try await store.publish(name: "big", code: code, runtime: "nodejs", handler: "index.handler")
        await #expect {
            try await store.associate(distribution: "E1", behavior: "*", event: .viewerRequest, function: "big:1")
        } throws: { error in
            "\(error)".contains("CloudFront allows 1048576 for viewer-request")
        }
        try await store.associate(distribution: "E1", behavior: "*", event: .originRequest, function: "big:1")
        #expect(await store.config.epoch == 1)
    }

    @Test func aNewAssociationReplacesTheSlotAndBumpsTheEpoch() async throws {
        let (directory, code) = try Self.scratch()
        let store = try RegistryStore(directory: directory)
        _ = try await store.publish(name: "auth", code: code, runtime: "nodejs", handler: "index.handler")
        _ = try await store.publish(name: "auth", code: code, runtime: "nodejs", handler: "index.handler")
        #expect(try await store.associate(distribution: "E1", behavior: "/api/*", event: .viewerRequest, function: "auth:1") == 1)
        #expect(try await store.associate(distribution: "E1", behavior: "/api/*", event: .viewerRequest, function: "auth:2") == 2)
        let config = await store.config
        #expect(config.associations.count == 1 && config.associations[0].version == 2)
    }

    @Test func badInputIsRefusedWithTheReason() async throws {
        let (directory, code) = try Self.scratch()
        let store = try RegistryStore(directory: directory)
        let ruby = await #expect(throws: RegistryError.self) {
            try await store.publish(name: "f", code: code, runtime: "ruby3.2", handler: "index.handler")
        }
        #expect(ruby?.code == .refused)
        await #expect(throws: RegistryError.self) { try await store.publish(name: "f", code: code, runtime: "nodejs", handler: "index") }
        await #expect(throws: RegistryError.self) {
            try await store.publish(name: "f", code: "/nonexistent", runtime: "nodejs", handler: "index.handler")
        }
        #expect(await store.versions.isEmpty)
    }
}
