import CDNCore
import Foundation
import Registry
import Replication
import Testing
import Topology

/// KeyValueStores in the registry: AWS's ETag rules, all-or-nothing writes, signed revisions
/// that are a config epoch only while a function in force reads the store, durability, and the
/// same rules through the HTTP API.
@Suite struct KeyValueStoreRegistryTests {
    /// A store holding one 2.0 function that reads `settings`, associated.
    static func readerAssociated() async throws -> (RegistryStore, String) {
        let (directory, _) = try RegistryStoreTests.scratch()
        let code = URL(fileURLWithPath: directory).deletingLastPathComponent().appendingPathComponent("reader.js").path
        try Data("function handler(event) { return event.request; }\n".utf8).write(to: URL(fileURLWithPath: code))
        let store = try RegistryStore(directory: directory)
        let data = try KeyValueStoreData.parse(importFile: Data(#"{"data":[{"key":"a","value":"1"}]}"#.utf8))
        try await store.createKeyValueStore(name: "settings", data: data)
        _ = try await store.publish(name: "reader", code: code, runtime: "cloudfront-js-2.0", handler: "reader.js", keyValueStore: "settings")
        return (store, directory)
    }

    @Test func everyWriteNeedsTheCurrentETagAndMakesASignedRevision() async throws {
        let (directory, _) = try RegistryStoreTests.scratch()
        let store = try RegistryStore(directory: directory)
        let created = try await store.createKeyValueStore(name: "flags", comment: "feature flags")
        #expect(created.current.revision == 1 && created.current.itemCount == 0 && created.status == "READY")
        #expect(created.arn.hasPrefix("arn:aws:cloudfront::") && created.arn.hasSuffix("key-value-store/\(created.id)"))

        let missing = await #expect(throws: RegistryError.self) {
            _ = try await store.updateKeys("flags", ifMatch: nil, puts: [("k", "v")], deletes: [])
        }
        #expect(missing?.message.contains("ValidationException") == true)
        let stale = await #expect(throws: RegistryError.self) {
            _ = try await store.updateKeys("flags", ifMatch: "E1OLD", puts: [("k", "v")], deletes: [])
        }
        #expect(stale?.code == .conflict && stale?.message.contains("ConflictException") == true)

        let (written, epoch) = try await store.updateKeys("flags", ifMatch: created.current.etag, puts: [("k", "v"), ("x", "y")], deletes: [])
        #expect(written.current.revision == 2 && written.current.itemCount == 2 && written.current.etag != created.current.etag)
        #expect(epoch == nil, "no function reads the store: nothing to replicate")
        let bytes = try #require(await store.heldStoreData("flags", 2))
        #expect(written.current.verifies(bytes, publicKey: store.publicKey))
        #expect(try KeyValueStoreData.parse(importFile: bytes).items == ["k": "v", "x": "y"])

        // The old ETag is stale now; a write that breaks a limit changes nothing.
        await #expect(throws: RegistryError.self) {
            _ = try await store.updateKeys("flags", ifMatch: created.current.etag, puts: [("k", "w")], deletes: [])
        }
        let tooLong = String(repeating: "v", count: KeyValueStoreData.Limit.valueBytes + 1)
        let refused = await #expect(throws: RegistryError.self) {
            _ = try await store.updateKeys("flags", ifMatch: written.current.etag, puts: [("z", "ok"), ("k", tooLong)], deletes: [])
        }
        #expect(refused?.message.contains("Puts[1].Value") == true)
        #expect(try await store.keyValueData("flags").items == ["k": "v", "x": "y"])

        let duplicate = await #expect(throws: RegistryError.self) { try await store.createKeyValueStore(name: "flags") }
        #expect(duplicate?.message.contains("EntityAlreadyExists") == true)
    }

    @Test func aStoreAFunctionInForceReadsReplicatesAsAnEpoch() async throws {
        let (store, directory) = try await Self.readerAssociated()
        _ = try await store.promote("reader")
        try await store.associate(distribution: "E1", behavior: "*", event: .viewerRequest, function: "reader:1")
        let first = try #require(await store.history.last)
        #expect(first.stores.map(\.qualified) == ["settings@1"])

        let etag = try await store.keyValueStore("settings").current.etag
        let (_, epoch) = try await store.updateKeys("settings", ifMatch: etag, puts: [("b", "2")], deletes: ["a"])
        #expect(epoch == first.epoch + 1)
        let second = try #require(await store.history.last)
        #expect(second.associations == first.associations && second.versions == first.versions)
        #expect(second.stores.map(\.qualified) == ["settings@2"])

        let inUse = await #expect(throws: RegistryError.self) {
            try await store.deleteKeyValueStore("settings", ifMatch: try await store.keyValueStore("settings").current.etag)
        }
        #expect(inUse?.message.contains("CannotDeleteEntityWhileInUse") == true)

        let reopened = try RegistryStore(directory: directory)
        #expect(try await reopened.keyValueData("settings").items == ["b": "2"])
        #expect(await reopened.history.last?.stores.map(\.qualified) == ["settings@2"])
    }

    @Test func aCloudFrontFunctionServesItsLiveStageAndPromotingSwitchesItsBehaviors() async throws {
        let (store, directory) = try await Self.readerAssociated()
        let code = URL(fileURLWithPath: directory).deletingLastPathComponent().appendingPathComponent("reader.js").path
        let none = await #expect(throws: RegistryError.self) {
            try await store.associate(distribution: "E1", behavior: "*", event: .viewerRequest, function: "reader")
        }
        #expect(none?.message.contains("no LIVE stage") == true)
        #expect(try await store.promote("reader").version == 1)
        try await store.associate(distribution: "E1", behavior: "*", event: .viewerRequest, function: "reader")
        _ = try await store.publish(name: "reader", code: code, runtime: "cloudfront-js-2.0", handler: "reader.js", keyValueStore: "settings")
        #expect(await store.stages(of: "reader") == (2, 1))
        let notLive = await #expect(throws: RegistryError.self) {
            try await store.associate(distribution: "E1", behavior: "/x*", event: .viewerRequest, function: "reader:2")
        }
        #expect(notLive?.message.contains("only a CloudFront Function's LIVE stage") == true)
        let before = await store.config.epoch
        let (live, epoch) = try await store.promote("reader")
        #expect(live == 2 && epoch == before + 1)
        #expect(await store.config.associations.map(\.ref.description) == ["reader:2"])
        #expect(await store.history.last?.stores.map(\.qualified) == ["settings@1"])
    }

    @Test func aPublishedCloudFrontFunctionIsOneJSFileOfAtMost10KB() async throws {
        try await RegistryClientTests.withRegistry { client, _ in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-cff-publish-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let small = folder.appendingPathComponent("small.js")
            try Data("function handler(event) { return event.request; }\n".utf8).write(to: small)
            let large = folder.appendingPathComponent("large.js")
            try Data(("// " + String(repeating: "x", count: FunctionSourceCheck.maximumBytes) + "\n").utf8).write(to: large)
            let record = try await client.publish(
                "small",
                bundle: try RegistryStore.bundle(from: small.path),
                runtime: "cloudfront-js-1.0",
                handler: "small.js"
            )
            #expect(record.version == 1)
            let refused = await #expect(throws: RegistryClientError.self) {
                _ = try await client.publish(
                    "large",
                    bundle: try RegistryStore.bundle(from: large.path),
                    runtime: "cloudfront-js-1.0",
                    handler: "large.js"
                )
            }
            #expect(refused?.description.contains("FunctionSizeLimitExceeded") == true, "\(String(describing: refused))")
            let misnamed = await #expect(throws: RegistryClientError.self) {
                _ = try await client.publish(
                    "small",
                    bundle: try RegistryStore.bundle(from: small.path),
                    runtime: "cloudfront-js-1.0",
                    handler: "other.js"
                )
            }
            #expect(misnamed?.description.contains("named by its handler") == true)
        }
    }

    @Test func onlyA20FunctionReadsAStoreThatExists() async throws {
        let (store, directory) = try await Self.readerAssociated()
        let code = URL(fileURLWithPath: directory).deletingLastPathComponent().appendingPathComponent("reader.js").path
        let old = await #expect(throws: RegistryError.self) {
            _ = try await store.publish(name: "r1", code: code, runtime: "cloudfront-js-1.0", handler: "reader.js", keyValueStore: "settings")
        }
        #expect(old?.message.contains("cloudfront-js-2.0") == true)
        let unknown = await #expect(throws: RegistryError.self) {
            _ = try await store.publish(name: "r2", code: code, runtime: "cloudfront-js-2.0", handler: "reader.js", keyValueStore: "nope")
        }
        #expect(unknown?.code == .notFound)
    }

    @Test func theAPIAnswersWithAWSsStatusesAndPagesKeys() async throws {
        try await RegistryClientTests.withRegistry { client, _ in
            let file = Data(#"{"data":[{"key":"b","value":"2"},{"key":"a","value":"1"},{"key":"c/d e","value":"3"}]}"#.utf8)
            let created = try await client.createStore("pages", comment: "c", importFile: file)
            #expect(created.ItemCount == 3 && created.Revision == 1)
            #expect(try await client.stores().map(\.Name) == ["pages"])
            #expect(try await client.keys(in: "pages").map(\.Key) == ["a", "b", "c/d e"])
            #expect(try await client.key("c/d e", in: "pages").Value == "3")

            let stale = await #expect(throws: RegistryClientError.self) {
                _ = try await client.updateKeys(in: "pages", ifMatch: "E1OLD", deletes: ["a"])
            }
            #expect(stale?.status == 409)
            let written = try await client.updateKeys(in: "pages", ifMatch: created.ETag, puts: [.init(Key: "e", Value: "5")], deletes: ["a"])
            let described = try await client.describeStore("pages")
            #expect(written.ItemCount == 3 && written.ETag == described.ETag)

            let absent = await #expect(throws: RegistryClientError.self) { _ = try await client.key("a", in: "pages") }
            #expect(absent?.status == 404)
            let badImport = await #expect(throws: RegistryClientError.self) {
                _ = try await client.createStore("broken", importFile: Data(#"{"data":[{"key":"k","value":"1"},{"key":"k","value":"2"}]}"#.utf8))
            }
            #expect(badImport?.status == 400 && badImport?.description.contains("data[1].key") == true)

            try await client.deleteStore("pages", ifMatch: written.ETag)
            #expect(try await client.stores().isEmpty)
        }
    }
}
