import CDNCore
import Foundation
import Replication
import Topology
import ZIPFoundation

/// The registry's durable store of immutable, numbered function versions and of the
/// distribution configs that associate them.
///
/// Layout under its directory: `catalog.json` (every version record, the config epoch and the
/// associations), `bundles/NAME/N.zip`, and `signing-key` (owner-only). Every change is written
/// with ``Durable`` (temporary file, fsync, rename), bundle first, so a `kill -9` at any point
/// leaves the previous catalog or the new one, never a record without its bundle.
///
/// ```swift
/// let store = try RegistryStore(directory: ".edgesim/registry")
/// let v1 = try await store.publish(name: "auth", code: "examples/functions/auth", runtime: "nodejs", handler: "index.handler")
/// try await store.associate(distribution: "E2…", behavior: "*", event: .viewerRequest, function: "auth:1")
/// ```
public actor RegistryStore: ReplicationSource {
    /// The defaults, in one place.
    public enum Default {
        /// Lambda's default memory.
        public static let memoryMegabytes = 128
        /// Lambda's default timeout.
        public static let timeoutMilliseconds = 3_000
    }

    /// Where the store lives.
    public nonisolated let directory: String
    let signer: RegistrySigner
    var catalog: Catalog
    /// The current data of each store, read from its revision's file when first asked for.
    var storeData: [String: KeyValueStoreData] = [:]
    private nonisolated let changes_ = ChangeSignal()

    /// Opens (or creates) a store.
    /// - Throws: ``RegistryError`` when the directory or its catalog cannot be read.
    public init(directory: String) throws(RegistryError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RegistryError(.storage, "cannot create the registry's directory \(directory)", cause: error)
        }
        signer = try RegistrySigner(keyFile: (directory as NSString).appendingPathComponent("signing-key"))
        let path = (directory as NSString).appendingPathComponent("catalog.json")
        Durable.restrict(
            files: [path],
            folders: [(directory as NSString).appendingPathComponent("bundles"), (directory as NSString).appendingPathComponent("stores")]
        )
        if let data = FileManager.default.contents(atPath: path) {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            do {
                catalog = try decoder.decode(Catalog.self, from: data)
            } catch {
                throw RegistryError(.storage, "\(path) is not a registry catalog", cause: error)
            }
        } else {
            catalog = Catalog()
        }
    }

    /// The registry's public key, for nodes to verify signatures with.
    public nonisolated var publicKey: Data { signer.publicKey }

    /// Publishes a new version from a folder or a .zip.
    /// - Returns: The signed version record (numbered one past the function's last).
    /// - Throws: ``RegistryError`` when the code cannot be read or the store written.
    public func publish(
        name: String,
        code: String,
        runtime: String,
        handler: String,
        memoryMegabytes: Int = Default.memoryMegabytes,
        timeoutMilliseconds: Int = Default.timeoutMilliseconds,
        keyValueStore: String? = nil,
        comment: String? = nil
    ) throws(RegistryError) -> FunctionVersion {
        guard let parsed = Runtime(identifier: runtime) else {
            throw RegistryError(
                .refused,
                "unknown runtime '\(runtime)': use nodejs, python, a Lambda identifier such as nodejs20.x or python3.12, or cloudfront-js-1.0 or cloudfront-js-2.0"
            )
        }
        if parsed.isCloudFrontFunction {
            try Self.checkFunctionSource(code, handler: handler)
        } else {
            guard handler.contains("."), !handler.hasPrefix("."), !handler.hasSuffix(".") else {
                throw RegistryError(.refused, "the handler '\(handler)' must be FILE.FUNCTION, such as index.handler")
            }
        }
        if let keyValueStore {
            guard parsed == .cloudFrontJS2 else {
                throw RegistryError(.refused, "only a cloudfront-js-2.0 function reads a key value store (\(name) is \(runtime))")
            }
            guard catalog.stores.contains(where: { $0.name == keyValueStore }) else {
                throw RegistryError(.notFound, "EntityNotFound: no key value store '\(keyValueStore)' (edgesim kvs create \(keyValueStore))")
            }
        }
        let bundle = try Self.bundle(from: code)
        let number = (catalog.versions.filter { $0.name == name }.map(\.version).max() ?? 0) + 1
        let record = try signer.sign(
            FunctionVersion(
                name: name,
                version: number,
                runtime: runtime,
                handler: handler,
                memoryMegabytes: memoryMegabytes,
                timeoutMilliseconds: timeoutMilliseconds,
                sha256: FunctionVersion.sha256Hex(bundle),
                size: bundle.count,
                publishedAt: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded()),
                keyValueStore: keyValueStore,
                signature: ""
            )
        )
        do {
            try Durable.write(bundle, to: bundlePath(name: name, version: number), permissions: 0o600)
        } catch {
            throw RegistryError(.storage, "cannot store the bundle of \(record.ref)", cause: error)
        }
        var next = catalog
        next.versions.append(record)
        if let comment { next.comments[name] = comment }
        try persist(next)
        return record
    }

    // MARK: The feed's source

    public nonisolated var changes: ChangeSignal { changes_ }

    public func epochs(after epoch: Int) -> [ConfigEpoch] { catalog.epochs.filter { $0.epoch > epoch } }

    public func latestEpoch() -> Int { catalog.epoch }

    public func heldBundle(_ name: String, _ version: Int) -> Data? { try? bundle(name, version) }

    public func heldStoreData(_ name: String, _ revision: Int) -> Data? { FileManager.default.contents(atPath: storePath(name, revision)) }

    // MARK: Versions

    /// Every version of every function, in publish order.
    public var versions: [FunctionVersion] { catalog.versions }

    /// One version, if it exists.
    public func version(_ name: String, _ number: Int) -> FunctionVersion? {
        catalog.versions.first { $0.name == name && $0.version == number }
    }

    /// A version's bundle.
    /// - Throws: ``RegistryError`` when the version or its bundle is missing.
    public func bundle(_ name: String, _ number: Int) throws(RegistryError) -> Data {
        guard version(name, number) != nil, let data = FileManager.default.contents(atPath: bundlePath(name: name, version: number)) else {
            throw RegistryError(.notFound, "no bundle for \(FunctionRef(name: name, version: number))")
        }
        return data
    }

    // MARK: CloudFront Functions' stages

    /// Whether a name is a CloudFront Function's (its versions run a `cloudfront-js-…` runtime).
    func isCloudFrontFunction(_ name: String) -> Bool {
        catalog.versions.last { $0.name == name }.flatMap { Runtime(identifier: $0.runtime) }?.isCloudFrontFunction == true
    }

    /// A CloudFront Function's two stages: DEVELOPMENT is its newest version, LIVE the one
    /// promoted last (`nil` until one is).
    public func stages(of name: String) -> (development: Int?, live: Int?) {
        (catalog.versions.filter { $0.name == name }.map(\.version).max(), catalog.live[name])
    }

    /// CloudFront's PublishFunction: a CloudFront Function's DEVELOPMENT stage (or the version
    /// named) becomes LIVE, and every behavior that runs the function switches to it as one
    /// config epoch, with no new association.
    /// - Returns: The LIVE version, and the epoch made when the function is associated anywhere.
    /// - Throws: ``RegistryError`` when the name is not a CloudFront Function or has no such version.
    public func promote(_ name: String, version number: Int? = nil) throws(RegistryError) -> (version: Int, epoch: Int?) {
        guard isCloudFrontFunction(name) else {
            throw RegistryError(
                .refused,
                "\(name) is not a CloudFront Function: Lambda@Edge versions are associated by number (edgesim associate --function \(name):N)"
            )
        }
        let chosen = number ?? stages(of: name).development ?? 0
        guard version(name, chosen) != nil else { throw RegistryError(.notFound, "NoSuchFunctionExists: \(name) has no version \(chosen)") }
        var next = catalog
        next.live[name] = chosen
        let associations = catalog.associations.map { association in
            var moved = association
            if moved.function == name { moved.version = chosen }
            return moved
        }
        let moves = associations != catalog.associations
        if moves { next.append(nextEpoch(associations, in: next)) }
        try persist(next)
        if moves { changes_.signal() }
        return (chosen, moves ? next.epoch : nil)
    }

    /// The config epoch and the current associations.
    public var config: (epoch: Int, associations: [Association]) { (catalog.epoch, catalog.associations) }

    /// Every epoch, oldest first.
    public var history: [ConfigEpoch] { catalog.epochs }

    /// Associates a numbered version with one event of one behavior, replacing what was there,
    /// as a new config epoch. CloudFront refuses `$LATEST`, aliases and unknown versions (spec §6).
    /// - Returns: The new epoch.
    /// - Throws: ``RegistryError`` naming what is wrong.
    @discardableResult
    public func associate(
        distribution: String,
        behavior: String,
        event: EventType,
        function: String,
        includeBody: Bool = false
    ) throws(RegistryError) -> Int {
        try associate([
            AssociationChange(distribution: distribution, behavior: behavior, event: event, function: function, includeBody: includeBody)
        ])
    }

    /// Makes several associations as one new config epoch, as one CloudFront distribution
    /// update does: nodes switch to all of them at once or to none. Each replaces what its slot
    /// (distribution, behavior, event) had.
    /// - Returns: The new epoch.
    /// - Throws: ``RegistryError`` naming the first change that is wrong; nothing is changed.
    @discardableResult
    public func associate(_ changes: [AssociationChange]) throws(RegistryError) -> Int {
        guard !changes.isEmpty else { throw RegistryError(.refused, "nothing to associate") }
        var associations = catalog.associations
        for change in changes {
            let association = try checked(change)
            associations.removeAll { $0.sharesSlot(with: association) }
            associations.append(association)
        }
        var next = catalog
        next.append(nextEpoch(associations, in: catalog))
        try persist(next)
        changes_.signal()
        return next.epoch
    }

    /// The epoch after a catalog's newest: these associations, the records of the versions they
    /// name, and the current revision of every store those versions read.
    func nextEpoch(_ associations: [Association], in catalog: Catalog) -> ConfigEpoch {
        let named = Set(associations.map(\.ref))
        let versions = catalog.versions.filter { named.contains($0.ref) }
        let read = Set(versions.compactMap(\.keyValueStore))
        return ConfigEpoch(
            epoch: catalog.epoch + 1,
            associations: associations,
            versions: versions,
            stores: catalog.stores.filter { read.contains($0.name) }.map(\.current),
            madeAt: Date().timeIntervalSince1970,
            topology: catalog.epochs.last?.topology
        )
    }

    /// Notes the topology file a start uses, by hash. A file other than the last start's puts
    /// its own distributions back in force: when an UpdateDistribution had put another topology
    /// in force, a new epoch goes back to the file's.
    /// - Returns: Whether the file differs from the last start's (its associations are then made).
    public func adopt(topologyFile hash: String) throws(RegistryError) -> Bool {
        guard catalog.topologyFile != hash else { return false }
        var next = catalog
        next.topologyFile = hash
        if catalog.epochs.last?.topology != nil {
            var epoch = nextEpoch(catalog.associations, in: catalog)
            epoch.topology = nil
            next.append(epoch)
        }
        try persist(next)
        return true
    }

    /// The newest epoch, when there is one.
    public var latest: ConfigEpoch? { catalog.epochs.last }

    /// The epoch that last changed a distribution, and when.
    func lastChange(of distribution: String) -> DistributionChange? { catalog.modified[distribution] }

    /// Takes associations away, as one new config epoch: each named slot (distribution,
    /// behavior, event) is left with nothing to run.
    /// - Returns: The new epoch.
    /// - Throws: ``RegistryError`` when a slot has no association; nothing is changed.
    @discardableResult
    public func removeAssociations(_ slots: [AssociationSlot]) throws(RegistryError) -> Int {
        guard !slots.isEmpty else { throw RegistryError(.refused, "nothing to remove") }
        var associations = catalog.associations
        for slot in slots {
            guard let index = associations.firstIndex(where: { slot.holds($0) }) else {
                throw RegistryError(.notFound, "nothing runs at \(slot.event.rawValue) of \(slot.distribution) behavior '\(slot.behavior)'")
            }
            associations.remove(at: index)
        }
        var next = catalog
        next.append(nextEpoch(associations, in: catalog))
        try persist(next)
        changes_.signal()
        return next.epoch
    }

    /// UpdateDistribution: a distribution's new config and its associations, in place of all it
    /// had, as one config epoch that also carries the topology now in force.
    /// - Returns: The new epoch.
    /// - Throws: ``RegistryError`` naming the first association that is wrong; nothing is changed.
    /// - Parameter basedOn: The epoch the update was made against; another epoch since is a
    ///   conflict, and the caller makes the update again on the newer one.
    public func updateDistribution(
        _ distribution: String,
        topology: String,
        associations changes: [AssociationChange],
        basedOn: Int
    ) throws(RegistryError) -> Int {
        guard catalog.epoch == basedOn else {
            throw RegistryError(.conflict, "epoch \(catalog.epoch) was made while the update was made against \(basedOn)")
        }
        var associations = catalog.associations.filter { $0.distribution != distribution }
        for change in changes {
            let association = try checked(change)
            associations.removeAll { $0.sharesSlot(with: association) }
            associations.append(association)
        }
        var next = catalog
        var epoch = nextEpoch(associations, in: catalog)
        epoch.topology = topology
        next.append(epoch, updating: distribution)
        try persist(next)
        changes_.signal()
        return next.epoch
    }

    /// Signals the feed that a new epoch is held.
    func signalChange() { changes_.signal() }

    /// An association change as a checked association. A CloudFront Function is associated by
    /// its name, meaning its LIVE stage; `NAME:N` names it too when N is the LIVE version.
    private func checked(_ change: AssociationChange) throws(RegistryError) -> Association {
        let ref: FunctionRef
        if !change.function.contains(":"), isCloudFrontFunction(change.function) {
            guard let live = catalog.live[change.function] else {
                throw RegistryError(.refused, "\(change.function) has no LIVE stage yet: edgesim function promote \(change.function)")
            }
            ref = FunctionRef(name: change.function, version: live)
        } else {
            do {
                ref = try FunctionRef.parse(change.function)
            } catch {
                throw RegistryError(.refused, error.description)
            }
        }
        if isCloudFrontFunction(ref.name), catalog.live[ref.name] != ref.version, version(ref.name, ref.version) != nil {
            let live = catalog.live[ref.name].map { "its LIVE version is \($0)" } ?? "it has none yet"
            throw RegistryError(
                .refused,
                "only a CloudFront Function's LIVE stage can be associated: \(ref) is not LIVE (\(live)); edgesim function promote \(ref.name)"
            )
        }
        let (name, number) = (ref.name, ref.version)
        guard let record = version(name, number) else {
            let known = catalog.versions.filter { $0.name == name }.map { "\($0.version)" }
            throw RegistryError(
                .notFound,
                known.isEmpty
                    ? "no function '\(name)' is published" : "\(name) has no version \(number) (published: \(known.joined(separator: ", ")))"
            )
        }
        if record.size > change.event.maximumPackageBytes {
            throw RegistryError(
                .refused,
                "\(ref)'s package is \(record.size) bytes; CloudFront allows \(change.event.maximumPackageBytes) for \(change.event.rawValue)"
            )
        }
        if change.includeBody, !change.event.isRequestEvent {
            throw RegistryError(.refused, "include-body is only for viewer-request and origin-request")
        }
        return Association(
            distribution: change.distribution,
            behavior: change.behavior,
            event: change.event,
            function: name,
            version: number,
            includeBody: change.includeBody
        )
    }

    func persist(_ next: Catalog) throws(RegistryError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        do {
            try Durable.write(try encoder.encode(next), to: (directory as NSString).appendingPathComponent("catalog.json"), permissions: 0o600)
        } catch {
            throw RegistryError(.storage, "cannot write the catalog", cause: error)
        }
        catalog = next
    }

    func storePath(_ name: String, _ revision: Int) -> String {
        (directory as NSString).appendingPathComponent("stores/\(name)/\(revision).json")
    }

    private func bundlePath(name: String, version: Int) -> String {
        (directory as NSString).appendingPathComponent("bundles/\(name)/\(version).zip")
    }

    /// A deployment package's bytes: a .zip as it is, a folder zipped (its contents at the root).
    /// - Throws: ``RegistryError`` when there is no such code or it cannot be read.
    public static func bundle(from code: String) throws(RegistryError) -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: code, isDirectory: &isFolder) else { throw RegistryError(.refused, "no code at \(code)") }
        if !isFolder.boolValue, code.hasSuffix(".js") { return try zipped(folder: code) }
        if !isFolder.boolValue {
            guard code.hasSuffix(".zip"), let data = FileManager.default.contents(atPath: code) else {
                throw RegistryError(.refused, "\(code) is neither a folder nor a .zip")
            }
            return data
        }
        return try zipped(folder: code)
    }

    /// A CloudFront Function's code: one .js file of at most 10 KB (spec §4; AWS answers a
    /// larger one with `FunctionSizeLimitExceeded`), given as the file or as a .zip holding it
    /// alone (as the API receives it), named by the handler.
    static func checkFunctionSource(_ code: String, handler: String) throws(RegistryError) {
        let size: Int
        if code.hasSuffix(".zip") {
            guard let archive = try? Archive(url: URL(fileURLWithPath: code), accessMode: .read) else {
                throw RegistryError(.refused, "the CloudFront Function's package is not a .zip")
            }
            let files = Array(archive).filter { $0.type == .file }
            guard files.count == 1, let file = files.first, file.path.hasSuffix(".js"), file.path == handler else {
                throw RegistryError(
                    .refused,
                    "a CloudFront Function's package holds one .js file named by its handler ('\(handler)'); it holds: \(files.map(\.path).joined(separator: ", "))"
                )
            }
            size = Int(file.uncompressedSize)
        } else {
            guard code.hasSuffix(".js"), let bytes = (try? FileManager.default.attributesOfItem(atPath: code))?[.size] as? Int else {
                throw RegistryError(.refused, "a CloudFront Function's code is one .js file: \(code) is not one")
            }
            size = bytes
        }
        guard size <= FunctionSourceCheck.maximumBytes else {
            throw RegistryError(
                .refused,
                "FunctionSizeLimitExceeded: the code is \(size) bytes; a CloudFront Function may be at most \(FunctionSourceCheck.maximumBytes)"
            )
        }
    }

    /// A folder (or one file) as a .zip, its contents at the root (as Lambda expects).
    /// - Throws: ``RegistryError`` when it cannot be zipped.
    public static func zipped(folder: String) throws(RegistryError) -> Data {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-bundle-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            try FileManager.default.zipItem(at: URL(fileURLWithPath: folder), to: temporary, shouldKeepParent: false)
            return try Data(contentsOf: temporary)
        } catch {
            throw RegistryError(.storage, "cannot zip \(folder)", cause: error)
        }
    }
}
