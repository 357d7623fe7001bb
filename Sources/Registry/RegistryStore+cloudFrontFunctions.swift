import CDNCore
import Foundation
import Replication
import Topology
import ZIPFoundation

/// CloudFront Functions as CloudFront's API sees them (cloudfront-functions-spec.md §6): one
/// name with a DEVELOPMENT stage (its newest version) and, once published, a LIVE one.
/// CreateFunction and UpdateFunction publish a version from the source they carry;
/// PublishFunction is ``RegistryStore/promote(_:version:)``.
extension RegistryStore {
    /// One CloudFront Function and its stages.
    public struct CloudFrontFunction: Sendable {
        public var name: String
        /// Its newest version.
        public var development: FunctionVersion
        /// The version LIVE runs, once one is published.
        public var live: FunctionVersion?
        /// When its first version was made.
        public var created: Date
        public var comment: String
        /// Whether a behavior runs it in the associations in force.
        public var isAssociated: Bool
    }

    /// Every CloudFront Function, by name.
    public var cloudFrontFunctions: [CloudFrontFunction] {
        Set(catalog.versions.map(\.name)).sorted().compactMap { cloudFrontFunction($0) }
    }

    /// A CloudFront Function, or `nil` when no CloudFront Function has the name.
    public func cloudFrontFunction(_ name: String) -> CloudFrontFunction? {
        let versions = catalog.versions.filter { $0.name == name }
        guard isCloudFrontFunction(name), let newest = versions.max(by: { $0.version < $1.version }), let first = versions.first else {
            return nil
        }
        return CloudFrontFunction(
            name: name,
            development: newest,
            live: catalog.live[name].flatMap { number in versions.first { $0.version == number } },
            created: first.publishedAt,
            comment: catalog.comments[name] ?? "",
            isAssociated: catalog.associations.contains { $0.function == name }
        )
    }

    /// CreateFunction (`replacing` nil: the name must be free) or UpdateFunction (`replacing`
    /// the DEVELOPMENT version the caller's ETag names): the source as the function's next
    /// version, which becomes its DEVELOPMENT stage; LIVE does not move.
    /// - Throws: ``RegistryError/Code/conflict`` when the name is taken (create) or DEVELOPMENT
    ///   has moved on (update); ``RegistryError/Code/refused`` for code CloudFront refuses.
    public func putCloudFrontFunction(
        name: String,
        source: Data,
        runtime: Runtime,
        comment: String,
        keyValueStore: String?,
        replacing expected: Int?
    ) throws(RegistryError) -> FunctionVersion {
        if let expected {
            guard let current = cloudFrontFunction(name) else {
                throw RegistryError(.notFound, "NoSuchFunctionExists: no CloudFront Function '\(name)'")
            }
            guard current.development.version == expected else {
                throw RegistryError(.conflict, "\(name)'s DEVELOPMENT stage is version \(current.development.version) now, not \(expected)")
            }
        } else if catalog.versions.contains(where: { $0.name == name }) {
            let kind = isCloudFrontFunction(name) ? "CloudFront Function" : "Lambda@Edge function"
            throw RegistryError(.conflict, "a \(kind) named '\(name)' already exists")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-function-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("\(name).js")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try source.write(to: file)
        } catch {
            throw RegistryError(.storage, "cannot stage the source of \(name)", cause: error)
        }
        return try publish(
            name: name,
            code: file.path,
            runtime: runtime.rawValue,
            handler: file.lastPathComponent,
            keyValueStore: keyValueStore,
            comment: comment
        )
    }

    /// The source of a CloudFront Function's version: the one .js file of its bundle.
    public func cloudFrontFunctionSource(_ name: String, _ version: Int) throws(RegistryError) -> Data {
        let bundle = try bundle(name, version)
        var source = Data()
        guard let archive = try? Archive(data: bundle, accessMode: .read),
            let entry = Array(archive).first(where: { $0.type == .file }),
            (try? archive.extract(entry, skipCRC32: false) { source.append($0) }) != nil
        else {
            throw RegistryError(.storage, "the bundle of \(name):\(version) does not hold its source")
        }
        return source
    }

    /// The store a function version reads, as a worker reads it: its current revision's file.
    public func keyValueStoreFile(for version: FunctionVersion) throws(RegistryError) -> (path: String, record: KeyValueStoreRecord)? {
        guard let name = version.keyValueStore else { return nil }
        let record = try keyValueStore(name)
        return (storePath(record.name, record.current.revision), record)
    }
}
