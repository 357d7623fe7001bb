/// A whole simulated network, loaded from one topology file and checked: every reference
/// resolves, every id is unique, every node is reachable.
///
/// ```swift
/// let topology = try TopologyLoader.load(path: "topologies/minimal.yaml")
/// let route = try topology.route(viewer: "tokyo-home")
/// print(route.edge.id, route.total.inMilliseconds)
/// ```
public struct Topology: Sendable {
    /// The defaults of the topology-wide settings.
    public enum Default {
        /// Spare interpreters per kind of worker at each edge.
        public static let spareWorkers = 1
    }

    /// The topology's name (from the file, or the file's base name).
    public var name: String
    /// The file it was loaded from, if any.
    public var file: String?
    /// How distance turns into delay.
    public var latencyModel: LatencyModel
    /// The function registry.
    public var registry: RegistrySpec
    /// Regional hubs, in file order.
    public var hubs: [HubSpec]
    /// Edge locations, in file order.
    public var edges: [EdgeSpec]
    /// Origins, in file order.
    public var origins: [OriginSpec]
    /// Viewer locations, in file order.
    public var viewers: [ViewerSpec]
    /// KeyValueStores the topology declares, in file order.
    public var keyValueStores: [KeyValueStoreSpec]
    /// Key groups, whose public keys behaviors trust for signed URLs and cookies.
    public var keyGroups: [KeyGroup]
    /// Functions the topology declares, in file order.
    public var functions: [FunctionSpec]
    /// A modelled Lambda cold start per runtime: a new worker's first call waits until this
    /// much has passed since it asked for the worker, and reports it as its Init Duration. None by
    /// default: a cold start then costs what starting the worker costs here.
    public var modelledInitDurations: [Runtime: Duration]
    /// How many interpreters each edge keeps started ahead of need, per kind of worker its
    /// functions use (a runtime; for Node.js, a memory size). A new worker takes one and only
    /// loads its handler. Each costs an idle process (Node.js about 6 MB of its own, Python 4).
    public var spareWorkers: Int
    /// Distributions, in file order.
    public var distributions: [DistributionSpec]
    /// Per-link overrides of the latency model.
    public var links: [LinkOverride]
    /// Whether links carry their modelled delay and impairments. Off, every link is a plain
    /// local connection: for measuring edgesim itself, or propagation with no geography.
    public var emulatesLinks = true

    /// Creates a topology from its parts. ``TopologyLoader`` is the usual way: it also validates.
    public init(
        name: String,
        file: String? = nil,
        latencyModel: LatencyModel = .default,
        registry: RegistrySpec = .init(),
        hubs: [HubSpec],
        edges: [EdgeSpec],
        origins: [OriginSpec],
        viewers: [ViewerSpec],
        keyValueStores: [KeyValueStoreSpec] = [],
        keyGroups: [KeyGroup] = [],
        functions: [FunctionSpec] = [],
        modelledInitDurations: [Runtime: Duration] = [:],
        spareWorkers: Int = Default.spareWorkers,
        distributions: [DistributionSpec],
        links: [LinkOverride] = []
    ) {
        self.name = name
        self.file = file
        self.latencyModel = latencyModel
        self.registry = registry
        self.hubs = hubs
        self.edges = edges
        self.origins = origins
        self.viewers = viewers
        self.keyValueStores = keyValueStores
        self.keyGroups = keyGroups
        self.functions = functions
        self.modelledInitDurations = modelledInitDurations
        self.spareWorkers = spareWorkers
        self.distributions = distributions
        self.links = links
    }

    /// Every node, registry first, then hubs, edges and origins: the order processes start in.
    public var nodes: [any NodeSpec] { [registry] + hubs + edges + origins }

    /// The node with an id, of any role.
    public func node(_ id: String) -> (any NodeSpec)? { nodes.first { $0.id == id } }

    /// The edge with an id.
    public func edge(_ id: String) -> EdgeSpec? { edges.first { $0.id == id } }

    /// The hub with an id.
    public func hub(_ id: String) -> HubSpec? { hubs.first { $0.id == id } }

    /// The origin with an id.
    public func origin(_ id: String) -> OriginSpec? { origins.first { $0.id == id } }

    /// The viewer with an id.
    public func viewer(_ id: String) -> ViewerSpec? { viewers.first { $0.id == id } }

    /// The distribution with an id or a domain name.
    public func distribution(_ idOrDomain: String) -> DistributionSpec? {
        distributions.first { $0.id == idOrDomain || $0.names.contains(idOrDomain) }
    }

    /// The function with a name.
    public func function(_ name: String) -> FunctionSpec? { functions.first { $0.name == name } }

    /// Where an endpoint (a node or a viewer) is, and its access delay.
    func placement(of id: String) -> (location: Location, access: Duration)? {
        if let viewer = viewer(id) { return (viewer.location, viewer.access) }
        if let node = node(id) { return (node.location, latencyModel.nodeAccess) }
        return nil
    }

    /// The override for the link between two endpoints, if the topology has one.
    public func override(between a: String, and b: String) -> LinkOverride? {
        links.last { $0.joins(a, b) }
    }

    /// Everything about the link between two endpoints: the modelled round trip, or the
    /// override's, never below the fibre floor; and the override's impairments.
    /// - Parameters:
    ///   - a: A node or viewer id.
    ///   - b: Another node or viewer id.
    /// - Returns: The link's profile, or `nil` when either id is unknown.
    public func link(between a: String, and b: String) -> LinkProfile? {
        guard let from = placement(of: a), let to = placement(of: b) else { return nil }
        let kilometres = from.location.coordinate.distance(to: to.location.coordinate)
        let modelled = latencyModel.roundTrip(
            from: from.location.coordinate,
            to: to.location.coordinate,
            accessA: from.access,
            accessB: to.access
        )
        guard emulatesLinks else {
            return LinkProfile(kilometres: kilometres, rtt: .zero, jitter: .zero, loss: 0, bandwidth: nil, isOverridden: true)
        }
        let override = override(between: a, and: b)
        let floor = latencyModel.fibreFloor(kilometres: kilometres)
        return LinkProfile(
            kilometres: kilometres,
            rtt: max(floor, override?.rtt ?? modelled),
            jitter: override?.jitter ?? .zero,
            loss: override?.loss ?? 0,
            bandwidth: override?.bandwidth,
            isOverridden: override?.rtt != nil
        )
    }
}
