import Foundation
import Yams

/// Turns a composed YAML tree into a ``Topology``, checking meaning as it goes: references are
/// resolved where they are written, so each problem points at the exact value that is wrong.
///
/// Sections are read in dependency order (latency and locations, then nodes, functions,
/// distributions and links); the ids of every section are gathered first, so a reference to an
/// id declared further down resolves, and a broken entry does not cascade into "unknown" errors.
final class TopologyParser {
    static let sections = [
        "name", "description", "latency", "locations", "registry", "hubs", "edges", "origins", "viewers",
        "key_value_stores", "key_groups", "cache_policies", "origin_request_policies", "response_headers_policies", "realtime_log_configs",
        "functions", "init_durations", "spare_workers", "distributions", "links",
    ]

    let reader: YAMLReader
    /// The folder relative paths (static origins, function code) are resolved against.
    let baseDirectory: String

    var latency = LatencyModel.default
    var locations: [String: Location] = [:]
    /// Every location name, including those whose entry has errors (so they are not reported twice).
    var declaredLocations: Set<String> = []
    /// Every node and viewer id, with its role and the node it is declared at.
    var declared: [String: (role: String, node: Node)] = [:]
    var declaredFunctions: [String: Node] = [:]
    var registry = RegistrySpec()
    var hubs: [HubSpec] = []
    var edges: [EdgeSpec] = []
    var origins: [OriginSpec] = []
    var viewers: [ViewerSpec] = []
    var keyValueStores: [KeyValueStoreSpec] = []
    var keyGroups: [KeyGroup] = []
    var cachePolicies: [NamedCachePolicy] = []
    var originRequestPolicies: [OriginRequestPolicy] = []
    var responseHeadersPolicies: [ResponseHeadersPolicy] = []
    var realtimeLogConfigs: [RealtimeLogConfig] = []
    var functions: [FunctionSpec] = []
    var initDurations: [Runtime: Duration] = [:]
    var spareWorkers = Topology.Default.spareWorkers
    var distributions: [DistributionSpec] = []
    var links: [LinkOverride] = []

    init(reader: YAMLReader, baseDirectory: String) {
        self.reader = reader
        self.baseDirectory = baseDirectory
    }

    /// Reads the whole document.
    /// - Returns: The topology, or `nil` when a problem made it impossible to build.
    func parse(root: Node, defaultName: String) throws -> Topology? {
        guard let top = try reader.fields(root, what: "the topology", allowed: Self.sections) else { return nil }
        let name = try top.string("name") ?? defaultName
        _ = try top.string("description")
        if let node = top["latency"] { try parseLatency(node) }
        if let node = top["locations"] { try parseLocations(node) }
        try declareIDs(top)
        if let node = top["registry"] { try parseRegistry(node) }
        hubs = try section(top, "hubs", required: true, parse: parseHub)
        edges = try section(top, "edges", required: true, parse: parseEdge)
        origins = try section(top, "origins", required: true, parse: parseOrigin)
        viewers = try section(top, "viewers", required: false, parse: parseViewer)
        keyValueStores = try section(top, "key_value_stores", required: false, parse: parseKeyValueStore)
        keyGroups = try section(top, "key_groups", required: false, parse: parseKeyGroup)
        cachePolicies = try section(top, "cache_policies", required: false, parse: parseCachePolicy)
        originRequestPolicies = try section(top, "origin_request_policies", required: false, parse: parseOriginRequestPolicy)
        responseHeadersPolicies = try section(top, "response_headers_policies", required: false, parse: parseResponseHeadersPolicy)
        realtimeLogConfigs = try section(top, "realtime_log_configs", required: false, parse: parseRealtimeLogConfig)
        functions = try section(top, "functions", required: false, parse: parseFunction)
        if let node = top["init_durations"] { try parseInitDurations(node) }
        spareWorkers = try top.integer("spare_workers", in: 0...4) ?? spareWorkers
        // Each distribution is kept as soon as it is read: a later one's domain and aliases are
        // checked against the names of those before it.
        _ = try section(top, "distributions", required: true) { id, key, value in
            let distribution = try parseDistribution(id: id, keyNode: key, value: value)
            if let distribution { distributions.append(distribution) }
            return distribution
        }
        if let node = top["links"] { try parseLinks(node) }
        try checkListenAddresses()
        try checkViewerAddresses()
        if viewers.isEmpty, top["viewers"] == nil {
            try reader.report(
                .missingField,
                "the topology declares no viewers: routing and measurement need at least one",
                at: root,
                severity: .warning
            )
        }
        guard !reader.hasErrors else { return nil }
        return Topology(
            name: name,
            latencyModel: latency,
            registry: registry,
            hubs: hubs,
            edges: edges,
            origins: origins,
            viewers: viewers,
            keyValueStores: keyValueStores,
            keyGroups: keyGroups,
            functions: functions,
            modelledInitDurations: initDurations,
            spareWorkers: spareWorkers,
            distributions: distributions,
            links: links
        )
    }

    /// Reads one id-keyed section, entry by entry, in file order.
    func section<Spec>(
        _ top: Fields,
        _ key: String,
        required: Bool,
        parse: (String, Node, Node) throws -> Spec?
    ) throws -> [Spec] {
        guard let node = required ? try top.require(key) : top[key] else { return [] }
        guard let entries = try reader.entries(node, what: "'\(key)'") else { return [] }
        if required, entries.isEmpty {
            try reader.report(.missingField, "'\(key)' is empty: a topology needs at least one", at: node)
        }
        return try entries.compactMap { try parse($0.key, $0.keyNode, $0.value) }
    }

    /// Gathers the ids of hubs, edges, origins and viewers (one namespace, since links name any of
    /// them) and function names, reporting ids used twice.
    func declareIDs(_ top: Fields) throws {
        declared[RegistrySpec.id] = ("the registry", top["registry"] ?? top.node)
        for (section, role) in [("hubs", "hub"), ("edges", "edge"), ("origins", "origin"), ("viewers", "viewer")] {
            guard let node = top[section], case .mapping(let mapping) = node else { continue }
            for (key, _) in mapping {
                guard case .scalar(let scalar) = key else { continue }
                if let earlier = declared[scalar.string] {
                    let place = reader.location(earlier.node)
                    try reader.report(
                        .duplicateID,
                        "duplicate id '\(scalar.string)': already used by the \(earlier.role) at \(place.line):\(place.column)",
                        at: key
                    )
                } else {
                    declared[scalar.string] = (role, key)
                }
            }
        }
        if let node = top["functions"], case .mapping(let mapping) = node {
            for (key, _) in mapping { if case .scalar(let scalar) = key { declaredFunctions[scalar.string] = key } }
        }
    }

    /// The ids declared with a role, for suggestions.
    func ids(ofRole role: String) -> [String] { declared.filter { $0.value.role == role }.map(\.key).sorted() }

    /// Checks that a reference names a declared id of the right role; reports it where written.
    func resolve(_ reference: String, role: String, at node: Node, in what: String) throws -> Bool {
        if declared[reference]?.role == role { return true }
        let actual = declared[reference].map { " ('\(reference)' is the \($0.role))" } ?? ""
        try reader.report(
            .unknownReference,
            "\(what) names unknown \(role) '\(reference)'\(actual)\(Suggestion.phrase(for: reference, among: ids(ofRole: role)))",
            at: node
        )
        return false
    }

    /// An absolute path for a path written relative to the topology file.
    func absolutePath(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? expanded : URL(fileURLWithPath: baseDirectory).appendingPathComponent(expanded).standardizedFileURL.path
    }

    /// Reports a problem at a value, or at the mapping when the field is absent.
    func report(_ code: TopologyError.Code, _ message: String, field: String, of fields: Fields) throws {
        try reader.report(code, message, at: fields[field] ?? fields.node)
    }
}
