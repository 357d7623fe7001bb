import CDNCore
import Foundation
import Topology

/// What a hub or an edge holds of the registry's state, on disk so that a restarted node serves
/// at once with what it had: every epoch it has received (a hub serves its edges from them), and
/// the bundle of every version and the data of every KeyValueStore revision those epochs name,
/// each checked before it was stored.
///
/// Layout under its directory: `epochs.json` (the epochs and when versions and store revisions
/// stopped being named), `bundles/NAME/N.zip`, `stores/NAME/N.json`. Writes are durable
/// (``Durable``), bundles and data before the epoch that names them, so the file never names
/// what the node does not have.
public actor ReplicaStore: ReplicationSource {
    private struct Held: Codable {
        var epochs: [ConfigEpoch] = []
        /// When each version (`NAME:N`) or store revision (`store/NAME/N`) stopped being named
        /// by the newest epoch (seconds since 1970).
        var unnamedSince: [String: Double] = [:]
    }

    /// Where the replica lives.
    public nonisolated let directory: String
    public nonisolated let changes = ChangeSignal()
    /// The newest epoch the replica held when it was opened (0 for a new one).
    public nonisolated let epochAtOpen: Int
    private var held: Held

    /// Opens (or creates) a replica.
    /// - Throws: ``ReplicationError`` when its file is unreadable.
    public init(directory: String) throws(ReplicationError) {
        self.directory = directory
        let path = (directory as NSString).appendingPathComponent("epochs.json")
        Durable.restrict(files: [path], folders: [(directory as NSString).appendingPathComponent("bundles")])
        if let data = FileManager.default.contents(atPath: path) {
            do {
                held = try JSONDecoder().decode(Held.self, from: data)
            } catch {
                throw ReplicationError(.unreadable, "\(path) is not a replica's epoch file", cause: error)
            }
        } else {
            held = Held()
        }
        epochAtOpen = held.epochs.last?.epoch ?? 0
    }

    /// A node's replica in a network's state directory: `STATE/replica/NODE`.
    /// - Throws: ``ReplicationError`` when its file is unreadable.
    public static func open(node: String, stateDirectory: String) throws(ReplicationError) -> ReplicaStore {
        try ReplicaStore(directory: (stateDirectory as NSString).appendingPathComponent("replica/\(node)"))
    }

    /// The newest epoch held, if any.
    public var latest: ConfigEpoch? { held.epochs.last }

    public func latestEpoch() -> Int { held.epochs.last?.epoch ?? 0 }

    public func epochs(after epoch: Int) -> [ConfigEpoch] { held.epochs.filter { $0.epoch > epoch } }

    public func heldBundle(_ name: String, _ version: Int) -> Data? {
        FileManager.default.contents(atPath: bundlePath(name, version))
    }

    /// Whether a version's bundle is on disk.
    public func holds(_ version: FunctionVersion) -> Bool {
        FileManager.default.fileExists(atPath: bundlePath(version.name, version.version))
    }

    /// Checks a bundle against its record and the registry's key, then stores it.
    /// - Throws: ``ReplicationError`` when the check fails (nothing is stored) or the disk does.
    public func store(bundle: Data, of version: FunctionVersion, publicKey: Data) throws(ReplicationError) {
        guard version.verifies(bundle: bundle, publicKey: publicKey) else {
            throw ReplicationError(
                .refused,
                "\(version.ref) refused: its bundle (\(bundle.count) bytes, sha256 \(FunctionVersion.sha256Hex(bundle).prefix(12))…) or its record does not match the registry's signature"
            )
        }
        do {
            try Durable.write(bundle, to: bundlePath(version.name, version.version), permissions: 0o600)
        } catch {
            throw ReplicationError(.writeFailed, "cannot store \(version.ref)", cause: error)
        }
    }

    public func heldStoreData(_ name: String, _ revision: Int) -> Data? {
        FileManager.default.contents(atPath: storePath(name, revision))
    }

    /// Whether a store revision's data is on disk.
    public func holds(_ revision: StoreRevision) -> Bool {
        FileManager.default.fileExists(atPath: storePath(revision.name, revision.revision))
    }

    /// Checks a store revision's data against its record and the registry's key, then stores it.
    /// - Throws: ``ReplicationError`` when the check fails (nothing is stored) or the disk does.
    public func store(data: Data, of revision: StoreRevision, publicKey: Data) throws(ReplicationError) {
        guard revision.verifies(data, publicKey: publicKey) else {
            throw ReplicationError(
                .refused,
                "key value store \(revision.qualified) refused: its data (\(data.count) bytes) or its record does not match the registry's signature"
            )
        }
        do {
            try Durable.write(data, to: storePath(revision.name, revision.revision))
        } catch {
            throw ReplicationError(.writeFailed, "cannot store key value store \(revision.qualified)", cause: error)
        }
    }

    /// Records a new epoch; every bundle and store revision it names must be stored already.
    /// - Throws: ``ReplicationError`` when a bundle is missing or the file cannot be written.
    public func commit(_ epoch: ConfigEpoch, now: Date = Date()) throws(ReplicationError) {
        guard epoch.epoch > latestEpoch() else { return }
        if let missing = epoch.versions.first(where: { !holds($0) }) {
            throw ReplicationError(.incomplete, "epoch \(epoch.epoch) names \(missing.ref), which is not stored")
        }
        if let missing = epoch.stores.first(where: { !holds($0) }) {
            throw ReplicationError(.incomplete, "epoch \(epoch.epoch) names key value store \(missing.qualified), which is not stored")
        }
        var next = held
        let before = Set(next.epochs.last.map(Self.named) ?? [])
        let named = Set(Self.named(by: epoch))
        for key in before.subtracting(named) { next.unnamedSince[key] = now.timeIntervalSince1970 }
        for key in named { next.unnamedSince[key] = nil }
        next.epochs.append(epoch)
        try write(next)
        changes.signal()
    }

    /// The keys of ``Held/unnamedSince`` an epoch names: its versions and store revisions.
    private static func named(by epoch: ConfigEpoch) -> [String] {
        epoch.refs.map(\.description) + epoch.stores.map { storeKey($0.name, $0.revision) }
    }

    private static func storeKey(_ name: String, _ revision: Int) -> String { "store/\(name)/\(revision)" }

    /// Removes the bundles of versions, and the data of store revisions, the newest epoch has
    /// not named for `delay` (Lambda deletes replicas hours after the last association goes).
    /// - Returns: Each version removed.
    public func collectGarbage(unnamedFor delay: Duration, now: Date = Date()) -> [FunctionRef] {
        let cutoff = now.timeIntervalSince1970 - delay.inSeconds
        let expired = held.unnamedSince.filter { $0.value <= cutoff }.map(\.key).sorted()
        guard !expired.isEmpty else { return [] }
        var next = held
        for qualified in expired {
            next.unnamedSince[qualified] = nil
            if let ref = FunctionRef(qualified) { try? FileManager.default.removeItem(atPath: bundlePath(ref.name, ref.version)) }
            let parts = qualified.split(separator: "/")
            if parts.count == 3, parts[0] == "store", let revision = Int(parts[2]) {
                try? FileManager.default.removeItem(atPath: storePath(String(parts[1]), revision))
            }
        }
        try? write(next)
        return expired.compactMap(FunctionRef.init)
    }

    /// Versions no longer named, with when they stopped being named.
    public var unnamed: [FunctionRef: Double] {
        Dictionary(held.unnamedSince.compactMap { key, since in FunctionRef(key).map { ($0, since) } }, uniquingKeysWith: min)
    }

    /// The bundle file of a version.
    public nonisolated func bundlePath(_ name: String, _ version: Int) -> String {
        (directory as NSString).appendingPathComponent("bundles/\(name)/\(version).zip")
    }

    /// The data file of a store revision.
    public nonisolated func storePath(_ name: String, _ revision: Int) -> String {
        (directory as NSString).appendingPathComponent("stores/\(name)/\(revision).json")
    }

    private func write(_ next: Held) throws(ReplicationError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try Durable.write(try encoder.encode(next), to: (directory as NSString).appendingPathComponent("epochs.json"), permissions: 0o600)
        } catch {
            throw ReplicationError(.writeFailed, "cannot write the replica's epochs under \(directory)", cause: error)
        }
        held = next
    }
}
