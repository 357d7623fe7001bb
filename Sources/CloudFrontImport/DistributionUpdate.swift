import Foundation
import Topology
import Yams

/// UpdateDistribution on a running network: the `<DistributionConfig>` a caller sends, mapped
/// as the import maps CloudFront's JSON, in place of one distribution of the topology in force.
///
/// The network's origins, policies and functions stay what they are and are named by their ids
/// (`Origins.Items[].Id`, `CachePolicyId`, the ARNs); nothing new is made for them. The function
/// associations are not written into the topology: they become the registry's associations for
/// the distribution, checked against the versions it holds, in the same config epoch.
public struct DistributionUpdate: Sendable {
    /// One association the config names.
    public struct Association: Sendable, Equatable {
        public enum Kind: Sendable { case lambda, cloudFrontFunction }
        /// The behavior's path pattern (`*` for the default).
        public var behavior: String
        /// The event type as CloudFront spells it (checked by the registry).
        public var event: String
        /// `NAME:N` for Lambda@Edge; `NAME` (its LIVE stage) for a CloudFront Function.
        public var function: String
        public var includeBody: Bool
        public var kind: Kind
        /// Where it is in the document, for an error about it.
        public var path: String
    }

    /// The topology in force after the update: the one before, with the distribution's entry replaced.
    public var yaml: String
    /// Every association the config names.
    public var associations: [Association]
    /// What the config sets that is not modelled, by path.
    public var warnings: [ImportWarning]

    /// The keys of a distribution's entry that only its topology sets (the import writes none of
    /// them), kept as they are: the edges it is served from, its routing, its own certificate.
    static let keptKeys = ["edges", "routing", "certificate"]

    /// Maps an UpdateDistribution body onto the topology in force.
    /// - Parameters:
    ///   - id: The distribution updated.
    ///   - body: The request's XML, a `<DistributionConfig>`.
    ///   - topology: The topology in force.
    ///   - text: Its YAML.
    /// - Throws: ``ImportError`` naming the path of what is wrong; ``IllegalUpdate`` for a change
    ///   CloudFront does not allow.
    public static func make(distribution id: String, body: Data, topology: Topology, text: String) throws -> DistributionUpdate {
        let document = "UpdateDistribution"
        let config = try CloudFrontXMLReader.read(body, file: document)
        guard config.path == "$.DistributionConfig" else {
            throw ImportError(file: document, path: config.path, message: "must be a DistributionConfig element", reason: .malformed)
        }
        // CloudFront keys a distribution by its caller reference, which no update may change.
        if let reference = try config.string("CallerReference"), reference != id {
            throw IllegalUpdate(
                "$.DistributionConfig.CallerReference: is '\(reference)'; a distribution's caller reference cannot change (it is '\(id)')"
            )
        }
        guard let current = topology.distribution(id) else {
            throw ImportError(file: document, path: "$", message: "no distribution \(id) in the network")
        }
        guard let root = try? Yams.compose(yaml: text), case .mapping(var sections) = root,
            case .mapping(var entries)? = sections["distributions"], let old = entries[id]
        else {
            throw ImportError(file: topology.file ?? "topology", path: "$.distributions.\(id)", message: "is not in the topology in force")
        }
        let file = topology.file ?? "topology.yaml"
        var importer = CloudFrontImporter(running: topology, options: .init(onto: file, output: file))
        for section in ["cache_policies", "origin_request_policies", "response_headers_policies"] {
            for name in sections[section]?.mapping?.keys.compactMap(\.string) ?? [] { importer.declaredPolicyIDs[name] = name }
        }
        let made = try importer.distribution(config, domain: current.domainName)
        guard case .mapping(var replaced) = made else { throw ImportError(file: document, path: config.path, message: "is not a mapping") }
        for key in keptKeys {
            replaced[key] = old[key]
        }
        entries[id] = .mapping(replaced)
        sections["distributions"] = .mapping(entries)
        let yaml: String
        do { yaml = try Yams.serialize(node: .mapping(sections), width: -1, allowUnicode: true) } catch {
            throw ImportError(file: document, path: config.path, message: "cannot be written as a topology: \(error)")
        }
        return DistributionUpdate(yaml: yaml, associations: importer.runningAssociations, warnings: importer.warnings)
    }
}

/// A change to a distribution that CloudFront (or a running network) does not take in an
/// update: CloudFront's `IllegalUpdate`.
public struct IllegalUpdate: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
