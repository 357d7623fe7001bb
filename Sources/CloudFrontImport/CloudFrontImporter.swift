import Foundation
import Topology
import Yams

/// `edgesim import cloudfront`: CloudFront's own JSON — what `aws cloudfront
/// get-distribution-config` and `get-distribution` print, the policies' `get-…-policy` outputs
/// and `describe-function` — turned into a topology that places the distributions on a network
/// of ours (spec §9). Every field the simulator models is carried over; every one it does not,
/// with a value that would change what CloudFront does, is named in a warning by its JSON path.
public struct CloudFrontImporter {
    /// What the user tells the import beside the JSON files.
    public struct Options: Sendable {
        /// The topology that supplies edges, hubs, viewers and the latency model.
        public var onto: String
        /// Local stand-ins for origins, by CloudFront origin id: a URL, or a folder served as S3 serves it.
        public var origins: [String: String] = [:]
        /// A folder with each function's code: `NAME/` or `NAME.zip` for Lambda@Edge, `NAME.js`
        /// (or `NAME/index.js`) for a CloudFront Function.
        public var functions: String?
        /// Where the topology will be written: relative paths in it are relative to its folder.
        public var output: String
        /// The name of the imported network.
        public var name: String?

        public init(onto: String, origins: [String: String] = [:], functions: String? = nil, output: String, name: String? = nil) {
            self.onto = onto
            self.origins = origins
            self.functions = functions
            self.output = output
            self.name = name
        }
    }

    /// The import's result: the topology's text, and what could not be carried over.
    public struct Result: Sendable {
        public var yaml: String
        public var warnings: [ImportWarning]
        /// Folders made for origins with no stand-in (S3 origins served empty).
        public var madeFolders: [String]
    }

    let options: Options
    var warnings: [ImportWarning] = []
    var madeFolders: [String] = []
    /// The network the distributions are placed on.
    let base: Topology
    /// CloudFront's origin ids to ours, for the whole import (distributions may share origins).
    var originIDs: [String: String] = [:]
    var origins: [(String, Node)] = []
    var functions: [(String, Node)] = []
    var cachePolicies: [(String, Node)] = []
    var originRequestPolicies: [(String, Node)] = []
    var responseHeadersPolicies: [(String, Node)] = []
    /// The policy documents given, by id.
    var cachePolicyDocuments: [String: JSONField] = [:]
    var originRequestPolicyDocuments: [String: JSONField] = [:]
    var responseHeadersPolicyDocuments: [String: JSONField] = [:]
    /// The declared policies made from the documents, by CloudFront id.
    var declaredPolicyIDs: [String: String] = [:]
    /// The runtimes `describe-function` outputs give CloudFront Functions, by name.
    var functionRuntimes: [String: String] = [:]
    /// Whether the distribution updates one of a running network (UpdateDistribution): its
    /// origins, policies and functions are the network's, named by their ids, and nothing new is
    /// made for them.
    var running = false
    /// A running network's update: the associations the config names, which the registry checks
    /// against the versions it holds.
    var runningAssociations: [DistributionUpdate.Association] = []

    /// Imports the files.
    /// - Throws: ``ImportError`` for a file that is not CloudFront's shape, names what is not
    ///   there, or an ARN whose code cannot be found; `TopologyError` for a base that does not load.
    public static func run(files: [String], options: Options) throws -> Result {
        var importer = try CloudFrontImporter(options: options)
        return try importer.run(files)
    }

    init(options: Options) throws {
        self.options = options
        base = try TopologyLoader.load(path: options.onto)
    }

    init(running base: Topology, options: Options) {
        self.options = options
        self.base = base
        running = true
    }

    private mutating func run(_ files: [String]) throws -> Result {
        var distributions: [(id: String?, domain: String?, config: JSONField)] = []
        for file in files {
            let root = try JSONField.read(file: file)
            _ = try root.object()
            if let distribution = root["Distribution"] {
                distributions.append(
                    (try distribution.string("Id"), try distribution.string("DomainName"), try distribution.required("DistributionConfig"))
                )
            } else if let config = root["DistributionConfig"] {
                distributions.append((nil, nil, config))
            } else if root["Origins"] != nil, root["DefaultCacheBehavior"] != nil {
                distributions.append((nil, nil, root))  // a bare DistributionConfig, as update-distribution takes it
            } else if let policy = root["CachePolicy"] {
                cachePolicyDocuments[try policy.required("Id").string()] = try policy.required("CachePolicyConfig")
            } else if let policy = root["OriginRequestPolicy"] {
                originRequestPolicyDocuments[try policy.required("Id").string()] = try policy.required("OriginRequestPolicyConfig")
            } else if let policy = root["ResponseHeadersPolicy"] {
                responseHeadersPolicyDocuments[try policy.required("Id").string()] = try policy.required("ResponseHeadersPolicyConfig")
            } else if let summary = root["FunctionSummary"] {
                let name = try summary.required("Name").string()
                functionRuntimes[name] = try summary.required("FunctionConfig").required("Runtime").string()
            } else {
                let keys = ((try? root.object().keys.sorted()) ?? []).joined(separator: ", ")
                throw root.error(
                    "is not an output of aws cloudfront get-distribution-config, get-distribution, get-cache-policy, get-origin-request-policy, get-response-headers-policy or describe-function (its keys: \(keys))"
                )
            }
        }
        guard !distributions.isEmpty else {
            throw ImportError(
                file: files.first ?? "-",
                path: "$",
                message: "no distribution config among the files: give the output of aws cloudfront get-distribution-config --id ID"
            )
        }
        var entries: [(String, Node)] = []
        for (id, domain, config) in distributions {
            let distributionID = try Self.distributionID(id, config: config, taken: entries.map(\.0))
            entries.append((distributionID, try distribution(config, domain: domain)))
        }
        return Result(yaml: try compose(distributions: entries), warnings: warnings, madeFolders: madeFolders)
    }

    /// The distribution's id: get-distribution's, else one derived from its CallerReference, as
    /// get-distribution-config does not print it.
    static func distributionID(_ id: String?, config: JSONField, taken: [String]) throws -> String {
        if let id { return id }
        let reference = try config.string("CallerReference") ?? config.file
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var hash = StableHash.fnv1a(reference)
        var id = "E"
        for _ in 0..<13 {
            id.append(alphabet[Int(hash % 36)])
            hash /= 36
        }
        return taken.contains(id) ? id.dropLast() + "X" : id
    }

    /// The base topology with the imported origins, policies, functions and distributions in
    /// place of its own. The sections kept are copied as the base writes them, comments and
    /// all; the imported ones are written by Yams.
    private func compose(distributions: [(String, Node)]) throws -> String {
        let text = try String(contentsOfFile: options.onto, encoding: .utf8)
        guard let root = try Yams.compose(yaml: text), case .mapping(let mapping) = root else {
            throw ImportError(file: options.onto, path: "$", message: "is not a topology mapping")
        }
        let replaced: Set<String> = [
            "name", "description", "origins", "distributions", "functions", "key_value_stores", "key_groups", "cache_policies",
            "origin_request_policies", "response_headers_policies", "realtime_log_configs",
        ]
        let baseName = mapping["name"]?.string ?? "network"
        let blocks = Self.topLevelBlocks(of: text)
        let imported: [String: [(String, Node)]] = [
            "origins": origins, "cache_policies": cachePolicies, "origin_request_policies": originRequestPolicies,
            "response_headers_policies": responseHeadersPolicies, "functions": functions, "distributions": distributions,
        ]
        var document = "# yaml-language-server: $schema=edgesim-topology.schema.json\n"
        document += try Self.serialize([
            ("name", YAMLBuilder.text(options.name ?? "imported-onto-\(baseName)")),
            ("description", YAMLBuilder.text("Imported from CloudFront's JSON by edgesim import cloudfront, placed on \(baseName).")),
        ])
        for key in TopologySections.order {
            if let entries = imported[key], !entries.isEmpty {
                document += "\n" + (try Self.serialize([(key, YAMLBuilder.map(entries))]))
            } else if !replaced.contains(key), let block = blocks[key] {
                // A block starts with the blank and comment lines above its key.
                switch key == "links" ? try links(mapping["links"]) : .kept {
                case .kept: document += block.hasPrefix("\n") ? block : "\n" + block
                case .filtered(let node): document += "\n" + (try Self.serialize([(key, node)]))
                case .none: break
                }
            }
        }
        return document
    }

    static func serialize(_ pairs: [(String, Node?)]) throws -> String {
        try Yams.serialize(node: YAMLBuilder.map(pairs), width: -1, allowUnicode: true)
    }

    /// Each top-level section's text, with the comment lines just above its key.
    static func topLevelBlocks(of text: String) -> [String: String] {
        var blocks: [String: String] = [:]
        var current: String?
        var pending = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let isKey = line.first.map { $0.isLetter || $0 == "_" } == true && line.contains(":")
            if isKey {
                current = String(line.prefix { $0 != ":" })
                blocks[current!] = pending + line + "\n"
                pending = ""
            } else if line.hasPrefix("#") || line.isEmpty {
                pending += line + "\n"
            } else if let current {
                blocks[current]! += pending + line + "\n"
                pending = ""
            }
        }
        return blocks.mapValues { $0.hasSuffix("\n\n") ? String($0.dropLast()) : $0 }
    }

    private enum KeptLinks {
        /// As the base writes them.
        case kept
        /// Without those that name the base's origins, which go.
        case filtered(Node)
        /// None is left.
        case none
    }

    /// The base's link overrides, without those naming its origins.
    private func links(_ node: Node?) throws -> KeptLinks {
        guard let node, case .sequence(let items) = node else { return .none }
        let baseOrigins = Set(base.origins.map(\.id))
        let kept = items.filter { item in
            guard let between = item.mapping?["between"]?.sequence else { return true }
            return !between.contains { $0.string.map(baseOrigins.contains) ?? false }
        }
        if kept.count == items.count { return .kept }
        return kept.isEmpty ? .none : .filtered(.sequence(Node.Sequence(Array(kept), .implicit, .block)))
    }

    /// A warning at a field.
    mutating func warn(_ field: JSONField, _ message: String) {
        warnings.append(ImportWarning(file: field.file, path: field.path, message: message))
    }
}

/// The topology's sections in the order files are written in.
enum TopologySections {
    static let order = [
        "name", "description", "latency", "locations", "registry", "hubs", "edges", "origins", "viewers", "key_value_stores",
        "key_groups", "cache_policies", "origin_request_policies", "response_headers_policies", "realtime_log_configs", "functions",
        "init_durations", "spare_workers", "distributions", "links",
    ]
}
