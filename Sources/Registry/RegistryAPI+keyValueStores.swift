import CDNCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Replication
import Topology

/// The KeyValueStore routes of the registry's API, in the shape of AWS's
/// `cloudfront-keyvaluestore` data-plane API (JSON; field names as AWS spells them; every write
/// needs `If-Match`, the store's current ETag, and returns the new one). A store is named by
/// its name or its id; a key in a path is percent-encoded.
///
/// - `GET /key-value-stores` — every store
/// - `POST /key-value-stores?name=N[&comment=C]`, body an import file or empty — create (201)
/// - `GET /key-value-stores/S` — describe, with the `ETag` header
/// - `DELETE /key-value-stores/S` — delete (If-Match)
/// - `GET /key-value-stores/S/keys[?MaxResults=M&NextToken=T]` — list keys, in order
/// - `POST /key-value-stores/S/keys` `{"Puts": [{"Key", "Value"}], "Deletes": [{"Key"}]}` — UpdateKeys
/// - `GET|PUT|DELETE /key-value-stores/S/keys/KEY` — GetKey, PutKey (`{"Value"}`), DeleteKey
///
/// Writes answer with `Epoch` too when they made a config epoch (a function in force reads the
/// store): `GET /deployment` then says where each node stands with it.
extension RegistryAPI {
    /// A store as describe and list show it.
    public struct StoreDescription: ResponseCodable, Sendable {
        public var Name: String
        public var Id: String
        public var KvsARN: String
        public var Comment: String
        public var Status: String
        public var ItemCount: Int
        public var TotalSizeInBytes: Int
        public var Created: Date
        public var LastModified: Date
        public var ETag: String
        public var Revision: Int

        init(_ record: KeyValueStoreRecord) {
            let current = record.current
            (Name, Id, KvsARN, Comment, Status) = (record.name, record.id, record.arn, record.comment, record.status)
            (ItemCount, TotalSizeInBytes, Created, LastModified) = (
                current.itemCount, current.totalSizeInBytes, current.created, current.lastModified
            )
            (ETag, Revision) = (current.etag, current.revision)
        }
    }

    /// Every store.
    public struct StoreList: ResponseCodable, Sendable {
        public var Items: [StoreDescription]
    }

    /// What a write answers.
    public struct StoreWrite: ResponseCodable, Sendable {
        public var ETag: String
        public var ItemCount: Int
        public var TotalSizeInBytes: Int
        /// The config epoch the write made, when a function in force reads the store.
        public var Epoch: Int?
    }

    /// One key.
    public struct StoreKey: ResponseCodable, Sendable {
        public var Key: String
        public var Value: String
        public var ItemCount: Int
        public var TotalSizeInBytes: Int
    }

    /// A page of keys.
    public struct StoreKeys: ResponseCodable, Sendable {
        public struct Item: Codable, Sendable {
            public var Key: String
            public var Value: String
        }
        public var Items: [Item]
        public var NextToken: String?
    }

    /// `UpdateKeys`' body.
    public struct UpdateKeysRequest: Codable, Sendable {
        public struct Put: Codable, Sendable {
            public var Key: String
            public var Value: String
            public init(Key: String, Value: String) {
                self.Key = Key
                self.Value = Value
            }
        }
        public struct Delete: Codable, Sendable {
            public var Key: String
            public init(Key: String) { self.Key = Key }
        }
        public var Puts: [Put]?
        public var Deletes: [Delete]?
        public init(Puts: [Put]?, Deletes: [Delete]?) {
            self.Puts = Puts
            self.Deletes = Deletes
        }
    }

    static func addKeyValueStoreRoutes(to router: Router<BasicRequestContext>, store: RegistryStore, token: String) {
        let stores: RouterPath = "/key-value-stores"
        router.get(stores) { _, _ -> StoreList in StoreList(Items: await store.keyValueStores.map(StoreDescription.init)) }
        router.post(stores) { request, _ -> Response in
            try authorize(request, token: token)
            let query = request.uri.queryParameters
            guard let name = query["name"].map(String.init) else {
                throw HTTPError(.badRequest, message: "ValidationException: the name query parameter is required")
            }
            let body = try await request.body.collect(upTo: KeyValueStoreData.Limit.importFileBytes + 1)
            var data = KeyValueStoreData()
            if body.readableBytes > 0 {
                do {
                    data = try KeyValueStoreData.parse(importFile: Data(body.readableBytesView))
                } catch {
                    throw HTTPError(.badRequest, message: "InvalidArgument: the import file: \(error)")
                }
            }
            let record = try await answer { () throws(RegistryError) in
                try await store.createKeyValueStore(name: name, comment: query["comment"].map(String.init) ?? "", data: data)
            }
            return try json(StoreDescription(record), status: .created, etag: record.current.etag)
        }
        router.get("/key-value-stores/:store") { _, context -> Response in
            let name = try context.parameters.require("store")
            let record = try await answer { () throws(RegistryError) in try await store.keyValueStore(name) }
            return try json(StoreDescription(record), etag: record.current.etag)
        }
        router.delete("/key-value-stores/:store") { request, context -> HTTPResponse.Status in
            try authorize(request, token: token)
            let name = try context.parameters.require("store")
            try await answer { () throws(RegistryError) in try await store.deleteKeyValueStore(name, ifMatch: request.headers[.ifMatch]) }
            return .ok
        }
        router.get("/key-value-stores/:store/keys") { request, context -> StoreKeys in
            let name = try context.parameters.require("store")
            let data = try await answer { () throws(RegistryError) in try await store.keyValueData(name) }
            let query = request.uri.queryParameters
            let limit = min(max(query["MaxResults"].flatMap { Int($0) } ?? 10, 1), 50)
            let keys = data.sortedKeys
            let start = query["NextToken"].map { token in keys.firstIndex { $0 > String(token) } ?? keys.count } ?? 0
            let page = keys[start..<min(start + limit, keys.count)]
            return StoreKeys(
                Items: page.map { StoreKeys.Item(Key: $0, Value: data.items[$0] ?? "") },
                NextToken: start + limit < keys.count ? page.last : nil
            )
        }
        router.post("/key-value-stores/:store/keys") { request, context -> StoreWrite in
            try authorize(request, token: token)
            let name = try context.parameters.require("store")
            let body = Data(try await request.body.collect(upTo: KeyValueStoreData.Limit.bytesPerWrite + 65_536).readableBytesView)
            let asked: UpdateKeysRequest
            do {
                asked = try JSONDecoder().decode(UpdateKeysRequest.self, from: body)
            } catch {
                throw HTTPError(
                    .badRequest,
                    message: "ValidationException: the body is not {\"Puts\": [{\"Key\", \"Value\"}], \"Deletes\": [{\"Key\"}]}: \(error)"
                )
            }
            return try await write(
                store,
                name,
                ifMatch: request.headers[.ifMatch],
                puts: (asked.Puts ?? []).map { ($0.Key, $0.Value) },
                deletes: (asked.Deletes ?? []).map(\.Key)
            )
        }
        router.get("/key-value-stores/:store/keys/:key") { _, context -> StoreKey in
            let (name, key) = try (context.parameters.require("store"), Self.key(context))
            let data = try await answer { () throws(RegistryError) in try await store.keyValueData(name) }
            guard let value = data.items[key] else { throw HTTPError(.notFound, message: "ResourceNotFoundException: no key '\(key)' in '\(name)'") }
            return StoreKey(Key: key, Value: value, ItemCount: data.itemCount, TotalSizeInBytes: data.totalSizeInBytes)
        }
        router.put("/key-value-stores/:store/keys/:key") { request, context -> StoreWrite in
            try authorize(request, token: token)
            let (name, key) = try (context.parameters.require("store"), Self.key(context))
            let body = Data(try await request.body.collect(upTo: 65_536).readableBytesView)
            guard let value = (try? JSONDecoder().decode([String: String].self, from: body))?["Value"] else {
                throw HTTPError(.badRequest, message: "ValidationException: the body is not {\"Value\": \"…\"}")
            }
            return try await write(store, name, ifMatch: request.headers[.ifMatch], puts: [(key, value)], deletes: [])
        }
        router.delete("/key-value-stores/:store/keys/:key") { request, context -> StoreWrite in
            try authorize(request, token: token)
            let (name, key) = try (context.parameters.require("store"), Self.key(context))
            return try await write(store, name, ifMatch: request.headers[.ifMatch], puts: [], deletes: [key])
        }
    }

    private static func write(
        _ store: RegistryStore,
        _ name: String,
        ifMatch: String?,
        puts: [(key: String, value: String)],
        deletes: [String]
    ) async throws -> StoreWrite {
        let (record, epoch) = try await answer { () throws(RegistryError) in
            try await store.updateKeys(name, ifMatch: ifMatch, puts: puts, deletes: deletes)
        }
        let current = record.current
        return StoreWrite(ETag: current.etag, ItemCount: current.itemCount, TotalSizeInBytes: current.totalSizeInBytes, Epoch: epoch)
    }

    /// The key of a path, percent-decoded.
    private static func key(_ context: BasicRequestContext) throws -> String {
        let raw = try context.parameters.require("key")
        return raw.removingPercentEncoding ?? raw
    }

    /// Runs a store operation; its ``RegistryError`` becomes the HTTP status AWS answers with.
    static func answer<T: Sendable>(_ operation: () async throws(RegistryError) -> T) async throws(HTTPError) -> T {
        do {
            return try await operation()
        } catch {
            let status: HTTPResponse.Status =
                switch error.code {
                case .notFound: .notFound
                case .conflict: .conflict
                case .refused: .badRequest
                default: .internalServerError
                }
            throw HTTPError(status, message: error.message)
        }
    }
}
