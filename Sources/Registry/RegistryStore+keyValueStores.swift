import CDNCore
import Foundation
import Replication
import Topology

/// A KeyValueStore as the registry keeps it: its identity and its current revision.
public struct KeyValueStoreRecord: Codable, Hashable, Sendable {
    /// The store's name.
    public var name: String
    /// Its id (a UUID, as in its ARN).
    public var id: String
    /// Its comment.
    public var comment: String
    /// `READY` (a store is created whole, its import checked first, so it is never seen
    /// `PROVISIONING` or `IMPORT_FAILED` here: a bad import is refused at create).
    public var status: String
    /// The current revision, signed.
    public var current: StoreRevision

    /// The store's ARN.
    public var arn: String { current.arn }
}

/// CloudFront KeyValueStore's control plane (cloudfront-functions-spec.md §5): stores are
/// created whole (empty or from an import file), every write needs the current ETag in
/// `If-Match` and makes a new signed revision, and a revision that a function in force reads
/// is a new config epoch, so it replicates to every edge without republishing the function.
///
/// Each revision's data is a file, `stores/NAME/N.json`, written (durably) before the catalog
/// that names it, as bundles are.
extension RegistryStore {
    /// Every store, in creation order.
    public var keyValueStores: [KeyValueStoreRecord] { catalog.stores }

    /// A store by name, ARN or id.
    /// - Throws: ``RegistryError/Code/notFound`` (`ResourceNotFoundException`).
    public func keyValueStore(_ reference: String) throws(RegistryError) -> KeyValueStoreRecord {
        guard let record = catalog.stores.first(where: { $0.name == reference || $0.arn == reference || $0.id == reference }) else {
            let known = catalog.stores.map(\.name)
            throw RegistryError(
                .notFound,
                "ResourceNotFoundException: no key value store '\(reference)'"
                    + (known.isEmpty ? " (none is created)" : " (stores: \(known.joined(separator: ", ")))")
            )
        }
        return record
    }

    /// A store's current keys and values.
    /// - Throws: ``RegistryError`` when there is no such store or its file is unreadable.
    public func keyValueData(_ reference: String) throws(RegistryError) -> KeyValueStoreData {
        let record = try keyValueStore(reference)
        if let cached = storeData[record.name] { return cached }
        let path = storePath(record.name, record.current.revision)
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw RegistryError(.storage, "the data of key value store \(record.current.qualified) is missing at \(path)")
        }
        do {
            let data = try KeyValueStoreData.parse(importFile: bytes)
            storeData[record.name] = data
            return data
        } catch {
            throw RegistryError(.storage, "\(path) is not a key value store's data: \(error)")
        }
    }

    /// Creates a store (`CreateKeyValueStore`), empty or with the data of an import file.
    /// - Throws: ``RegistryError``: `EntityAlreadyExists` for a name taken, `InvalidArgument`
    ///   for a bad name or comment.
    @discardableResult
    public func createKeyValueStore(
        name: String,
        comment: String = "",
        data: KeyValueStoreData = .init()
    ) throws(RegistryError) -> KeyValueStoreRecord {
        guard name.wholeMatch(of: KeyValueStoreSpec.Rules.name) != nil else {
            throw RegistryError(.refused, "InvalidArgument: the store name '\(name)' is not \(KeyValueStoreSpec.Rules.nameExpected)")
        }
        guard comment.count <= KeyValueStoreSpec.Rules.commentCharacters else {
            throw RegistryError(
                .refused,
                "InvalidArgument: the comment is \(comment.count) characters; AWS allows \(KeyValueStoreSpec.Rules.commentCharacters)"
            )
        }
        guard !catalog.stores.contains(where: { $0.name == name }) else {
            throw RegistryError(.conflict, "EntityAlreadyExists: a key value store named '\(name)' exists")
        }
        let now = Self.now()
        let revision = try commitRevision(name: name, id: UUID().uuidString.lowercased(), number: 1, created: now, data: data)
        let record = KeyValueStoreRecord(name: name, id: revision.id, comment: comment, status: "READY", current: revision)
        var next = catalog
        next.stores.append(record)
        try persist(next)
        storeData[name] = data
        return record
    }

    /// Changes keys all or nothing (`UpdateKeys`; `PutKey` and `DeleteKey` are one-key forms).
    /// - Parameter ifMatch: The store's current ETag; a stale one changes nothing.
    /// - Returns: The store's new state, and the config epoch the change made when a function
    ///   in force reads the store (`nil` when none does: nothing needs replicating yet).
    /// - Throws: ``RegistryError``: `ConflictException` for a stale ETag, `ValidationException`
    ///   for a missing one or a broken limit, `ResourceNotFoundException`.
    public func updateKeys(
        _ reference: String,
        ifMatch: String?,
        puts: [(key: String, value: String)],
        deletes: [String]
    ) throws(RegistryError) -> (store: KeyValueStoreRecord, epoch: Int?) {
        var record = try keyValueStore(reference)
        guard let ifMatch, !ifMatch.isEmpty else {
            throw RegistryError(.refused, "ValidationException: a write needs If-Match, the store's current ETag (\(record.current.etag))")
        }
        guard ifMatch == record.current.etag else {
            throw RegistryError(
                .conflict,
                "ConflictException: If-Match \(ifMatch) is not the current ETag of '\(record.name)' (\(record.current.etag)): it changed since you read it"
            )
        }
        let current = try keyValueData(record.name)
        let data: KeyValueStoreData
        do {
            data = try current.applying(puts: puts, deletes: deletes)
        } catch {
            throw RegistryError(.refused, "ValidationException: \(error)")
        }
        record.current = try commitRevision(
            name: record.name,
            id: record.id,
            number: record.current.revision + 1,
            created: record.current.created,
            data: data
        )
        var next = catalog
        next.stores = next.stores.map { $0.name == record.name ? record : $0 }
        let inForce = catalog.epochs.last?.stores.contains { $0.name == record.name } == true
        if inForce { next.append(nextEpoch(catalog.associations, in: next)) }
        try persist(next)
        storeData[record.name] = data
        if inForce { signalChange() }
        return (record, inForce ? next.epoch : nil)
    }

    /// Deletes a store (`DeleteKeyValueStore`) that no function in force reads.
    /// - Throws: ``RegistryError``: `CannotDeleteEntityWhileInUse` while one does, or the
    ///   ETag errors of ``updateKeys(_:ifMatch:puts:deletes:)``.
    public func deleteKeyValueStore(_ reference: String, ifMatch: String?) throws(RegistryError) {
        let record = try keyValueStore(reference)
        guard ifMatch == record.current.etag else {
            throw RegistryError(
                ifMatch == nil ? .refused : .conflict,
                "\(ifMatch == nil ? "ValidationException" : "ConflictException"): deleting '\(record.name)' needs If-Match \(record.current.etag)"
            )
        }
        let readers = catalog.epochs.last?.versions.filter { $0.keyValueStore == record.name }.map(\.ref.description) ?? []
        guard readers.isEmpty else {
            throw RegistryError(
                .conflict,
                "CannotDeleteEntityWhileInUse: '\(record.name)' is read by \(readers.joined(separator: ", ")), associated now"
            )
        }
        var next = catalog
        next.stores.removeAll { $0.name == record.name }
        try persist(next)
        storeData[record.name] = nil
    }

    /// Writes a revision's data file and returns its signed record (the catalog comes after).
    private func commitRevision(name: String, id: String, number: Int, created: Date, data: KeyValueStoreData) throws(RegistryError) -> StoreRevision
    {
        let bytes = data.importFile
        let revision = try signer.sign(
            StoreRevision(
                name: name,
                id: id,
                revision: number,
                itemCount: data.itemCount,
                totalSizeInBytes: data.totalSizeInBytes,
                created: created,
                lastModified: Self.now(),
                sha256: FunctionVersion.sha256Hex(bytes),
                size: bytes.count
            )
        )
        do {
            try Durable.write(bytes, to: storePath(name, number), permissions: 0o600)
        } catch {
            throw RegistryError(.storage, "cannot store key value store \(revision.qualified)", cause: error)
        }
        return revision
    }

    /// Now, to the millisecond (ISO 8601 in the API keeps milliseconds).
    private static func now() -> Date { Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1_000).rounded() / 1_000) }
}
