import Foundation

/// The KeyValueStore revision a CloudFront Function reads at one edge: the data file in the
/// edge's replica (already checked against the registry's signature) and what `meta()` shows.
///
/// A worker loads a revision once, between invocations, and keeps it until the edge names
/// another: so every read of one invocation sees one revision, and loading a store never
/// counts towards a call's compute utilization.
public struct KeyValueStoreFile: Hashable, Sendable {
    /// The data file, in the import format (`{"data": [{"key", "value"}, …]}`).
    public var path: String
    /// The store's name.
    public var name: String
    /// The store's id, which `cf.kvs(id)` may name.
    public var id: String
    /// When the store was created.
    public var created: Date
    /// When this revision was committed at the registry.
    public var lastModified: Date
    /// How many keys it holds.
    public var keyCount: Int

    /// Creates a description.
    public init(path: String, name: String, id: String, created: Date, lastModified: Date, keyCount: Int) {
        self.path = path
        self.name = name
        self.id = id
        self.created = created
        self.lastModified = lastModified
        self.keyCount = keyCount
    }

    /// The frame that has a worker load it.
    var loadFrame: [UInt8] {
        var writer = JSONWriter(capacity: path.utf8.count + 200)
        writer.object { frame in
            frame.member("store") { store in
                store.object { store in
                    store.member("path", string: path)
                    store.member("id", string: id)
                    store.member("creationDateTime", string: created.formatted(.iso8601))
                    store.member("lastUpdatedDateTime", string: lastModified.formatted(.iso8601))
                    store.member("keyCount", raw: String(keyCount))
                }
            }
        }
        return writer.bytes
    }
}
