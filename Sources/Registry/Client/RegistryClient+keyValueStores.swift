import Foundation
import NIOHTTP1
import Topology

/// The KeyValueStore half of the registry's API (``RegistryAPI/addKeyValueStoreRoutes(to:store:token:)``),
/// as typed calls. Every write takes the `If-Match` ETag the AWS API needs; the CLI reads it
/// first with ``describeStore(_:)`` when the user gives none.
extension RegistryClient {
    /// Every store.
    public func stores() async throws(RegistryClientError) -> [RegistryAPI.StoreDescription] {
        try decode(RegistryAPI.StoreList.self, try await send(.GET, "/key-value-stores")).Items
    }

    /// Creates a store, empty or from an import file's bytes.
    public func createStore(
        _ name: String,
        comment: String = "",
        importFile: Data? = nil
    ) async throws(RegistryClientError) -> RegistryAPI.StoreDescription {
        var path = "/key-value-stores?name=\(Self.encoded(name))"
        if !comment.isEmpty { path += "&comment=\(Self.encoded(comment))" }
        return try decode(RegistryAPI.StoreDescription.self, try await send(.POST, path, body: importFile ?? Data(), authorized: true))
    }

    /// One store, with its current ETag.
    public func describeStore(_ name: String) async throws(RegistryClientError) -> RegistryAPI.StoreDescription {
        try decode(RegistryAPI.StoreDescription.self, try await send(.GET, "/key-value-stores/\(Self.encoded(name))"))
    }

    /// Deletes a store.
    public func deleteStore(_ name: String, ifMatch: String) async throws(RegistryClientError) {
        _ = try await send(.DELETE, "/key-value-stores/\(Self.encoded(name))", authorized: true, headers: [("If-Match", ifMatch)])
    }

    /// One key's value.
    public func key(_ key: String, in store: String) async throws(RegistryClientError) -> RegistryAPI.StoreKey {
        try decode(RegistryAPI.StoreKey.self, try await send(.GET, "/key-value-stores/\(Self.encoded(store))/keys/\(Self.encoded(key))"))
    }

    /// Every key and value, in key order, page by page.
    public func keys(in store: String) async throws(RegistryClientError) -> [RegistryAPI.StoreKeys.Item] {
        var items: [RegistryAPI.StoreKeys.Item] = []
        var token: String?
        repeat {
            var path = "/key-value-stores/\(Self.encoded(store))/keys?MaxResults=50"
            if let token { path += "&NextToken=\(Self.encoded(token))" }
            let page = try decode(RegistryAPI.StoreKeys.self, try await send(.GET, path))
            items += page.Items
            token = page.NextToken
        } while token != nil
        return items
    }

    /// Puts and deletes keys in one all-or-nothing write.
    public func updateKeys(
        in store: String,
        ifMatch: String,
        puts: [RegistryAPI.UpdateKeysRequest.Put] = [],
        deletes: [String] = []
    ) async throws(RegistryClientError) -> RegistryAPI.StoreWrite {
        let request = RegistryAPI.UpdateKeysRequest(Puts: puts, Deletes: deletes.map(RegistryAPI.UpdateKeysRequest.Delete.init))
        let body: Data
        do { body = try JSONEncoder().encode(request) } catch { throw RegistryClientError(.badReply, "cannot encode the write", cause: error) }
        return try decode(
            RegistryAPI.StoreWrite.self,
            try await send(.POST, "/key-value-stores/\(Self.encoded(store))/keys", body: body, authorized: true, headers: [("If-Match", ifMatch)])
        )
    }

    /// A path segment or query value, percent-encoded.
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}
