import CDNCore
import Foundation
import NIOCore
import NIOHTTP1
import Replication
import Topology

/// One propagation measurement on a running network, step by step: take or publish a version,
/// break things on purpose if asked (partition a hub, kill an edge or the registry), associate it
/// in every slot its function holds as one config epoch, and wait until every node reports it in
/// force, through a registry that may be restarting.
///
/// ```swift
/// let run = PropagationRun(network: state, client: client, settings: .init(function: "auth"), progress: { print($0) })
/// let result = try await run.measure()
/// ```
public struct PropagationRun: Sendable {
    /// What to measure and which faults to inject.
    public struct Settings: Sendable {
        /// The function (default: the first one associated).
        public var function: String?
        /// Publish the new version from this folder or .zip (default: the bundle in force again).
        public var code: String?
        /// Take this published version instead of publishing one.
        public var version: Int?
        /// For a function never published: its runtime.
        public var runtime: String?
        /// For a function never published: FILE.FUNCTION.
        public var handler: String?
        /// For a function associated nowhere yet: the distribution, event and behavior.
        public var distribution: String?
        public var event: EventType = .viewerRequest
        public var behavior: String = "*"
        /// Kill this edge (kill -9) right after associating.
        public var killEdge: String?
        /// Cut this hub from the registry before associating, for this long.
        public var partitionHub: String?
        public var partitionSeconds: Double = 5
        /// Kill the registry (kill -9) right after associating.
        public var killRegistry = false
        /// Give up after this long.
        public var timeout: Duration = .seconds(300)

        /// Settings that time the next version of a function.
        public init(function: String? = nil) { self.function = function }
    }

    /// The network.
    public let network: NetworkState
    /// Its registry.
    public let client: RegistryClient
    /// What to do.
    public let settings: Settings
    /// Where each step is told, as it happens.
    public let progress: @Sendable (String) -> Void

    /// Prepares a run.
    public init(network: NetworkState, client: RegistryClient, settings: Settings, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.network = network
        self.client = client
        self.settings = settings
        self.progress = progress
    }

    /// Runs it.
    /// - Returns: When each node switched, and whether all did in time.
    /// - Throws: ``PropagationError`` for what the settings ask that the network cannot do, or
    ///   ``RegistryClientError`` when the registry refuses.
    public func measure() async throws -> PropagationResult {
        let config = try await client.config()
        guard let name = settings.function ?? config.associations.first?.function else {
            throw PropagationError(.nothingToPropagate, "nothing is associated yet: name a function with --function and where with --distribution")
        }
        var slots = config.associations.filter { $0.function == name }.map {
            RegistryAPI.AssociateRequest(
                distribution: $0.distribution,
                behavior: $0.behavior,
                event: $0.event.rawValue,
                function: "",
                includeBody: $0.includeBody
            )
        }
        if slots.isEmpty {
            guard let distribution = settings.distribution else {
                throw PropagationError(.nothingToPropagate, "\(name) is associated nowhere: give --distribution (and --event, --behavior)")
            }
            slots = [.init(distribution: distribution, behavior: settings.behavior, event: settings.event.rawValue, function: "", includeBody: false)]
        }

        // 1. The version: taken, or published (and timed from here).
        let publishedAt = Date().timeIntervalSince1970
        let current = config.associations.first { $0.function == name }?.version
        let number = if let version = settings.version { version } else { try await publish(name, current: current) }
        let ref = FunctionRef(name: name, version: number)
        progress("\(ref) → \(slots.count) slot(s); \(network.nodes.filter { $0.role == .hub || $0.role == .edge }.count) nodes to reach")

        // 2. Faults before the switch, then the switch, then faults during it.
        if let hub = settings.partitionHub { try await partition(hub) }
        for index in slots.indices { slots[index].function = ref.description }
        let epoch = try await client.associate(slots).epoch
        progress("config epoch \(epoch) made; waiting for every node…")
        var notes: [String] = []
        if let edge = settings.killEdge {
            guard let node = network.node(edge), node.role == .edge else {
                throw PropagationError(.unknownNode, "there is no edge '\(edge)' running")
            }
            kill(node.pid, SIGKILL)
            notes.append("killed \(edge) (pid \(node.pid)) right after associating")
        }
        if settings.killRegistry, let registry = network.node(RegistrySpec.id) {
            kill(registry.pid, SIGKILL)
            notes.append("killed the registry (pid \(registry.pid)) right after associating")
            notes.append(await edgesServe(while: "the registry was down"))
        }

        // 3. Wait for every node, through a registry that may be restarting.
        var result = await Self.follow(
            epoch,
            of: ref.description,
            startedAt: publishedAt,
            client: client,
            network: network,
            timeout: settings.timeout
        )
        result.notes = notes
        return result
    }

    /// Waits until every hub and edge holds a config epoch (or the timeout passes), through a
    /// registry that may be restarting, and says when each switched.
    /// - Parameters:
    ///   - change: What the epoch brought, for the report (`auth:3`, `kvs redirects@4`).
    ///   - startedAt: When the change was asked for (seconds since 1970): times count from it.
    public static func follow(
        _ epoch: Int,
        of change: String,
        startedAt: Double,
        client: RegistryClient,
        network: NetworkState,
        timeout: Duration
    ) async -> PropagationResult {
        let deadline = ContinuousClock.now + timeout
        var status: DeploymentStatus?
        while ContinuousClock.now < deadline {
            if let current = try? await client.deployment(), current.epoch >= epoch {
                status = current
                if current.status == .deployed { break }
            }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return PropagationResult(
            function: change,
            epoch: epoch,
            publishedAt: startedAt,
            associatedAt: status?.madeAt ?? startedAt,
            nodes: (status?.nodes ?? []).map { node in
                PropagationResult.Node(
                    node: node.node,
                    role: node.role,
                    location: network.node(node.node)?.location ?? "",
                    hub: network.node(node.node)?.hub,
                    switchedAt: node.epoch >= epoch ? node.switchedAt : nil,
                    refused: node.refused
                )
            },
            converged: status?.status == .deployed,
            notes: []
        )
    }

    /// Publishes a new version: from the settings' code, or the current version's bundle again.
    private func publish(_ name: String, current: Int?) async throws -> Int {
        let versions = try await client.versions()
        let base = versions.last { $0.name == name && (current == nil || $0.version == current) }
        guard let runtime = settings.runtime ?? base?.runtime, let handler = settings.handler ?? base?.handler, base != nil || settings.code != nil
        else {
            throw PropagationError(.nothingToPropagate, "no function '\(name)' is published: give --code, --runtime and --handler")
        }
        let bundle: Data =
            if let code = settings.code { try RegistryStore.bundle(from: code) } else {
                try await client.bundle(of: FunctionRef(name: name, version: base?.version ?? 1))
            }
        let published = try await client.publish(
            name,
            bundle: bundle,
            runtime: runtime,
            handler: handler,
            memoryMegabytes: base?.memoryMegabytes ?? RegistryStore.Default.memoryMegabytes,
            timeoutMilliseconds: base?.timeoutMilliseconds ?? RegistryStore.Default.timeoutMilliseconds
        )
        return published.version
    }

    /// Cuts a hub from the registry through its admin port.
    private func partition(_ hub: String) async throws {
        guard let node = network.node(hub), node.role == .hub else { throw PropagationError(.unknownNode, "there is no hub '\(hub)' running") }
        let reply = try await ViewerClient.get(
            method: .POST,
            host: node.host,
            port: node.adminPort,
            path: "/faults/partition?peer=\(RegistrySpec.id)&seconds=\(settings.partitionSeconds)",
            from: nil,
            headers: client.token.map { [("Authorization", "Bearer \($0)")] } ?? []
        )
        guard reply.status == 200 else {
            throw PropagationError(.faultRefused, "\(hub) refused the partition: \(String(buffer: reply.body))")
        }
        progress("partitioned \(hub) from the registry for \(settings.partitionSeconds) s")
    }

    /// Asks every edge for its distribution's root once; says how many answered below 500.
    private func edgesServe(while what: String) async -> String {
        let edges = network.nodes.filter { $0.role == .edge }
        var served = 0
        for edge in edges {
            let reply = try? await ViewerClient.get(
                host: edge.host,
                port: edge.port,
                path: "/",
                from: nil,
                hostHeader: network.distributions.first?.domain
            )
            if let reply, reply.status < 500 { served += 1 }
        }
        return "\(served) of \(edges.count) edges served while \(what)"
    }
}

/// What a propagation run was asked that the network cannot do.
public typealias PropagationError = CodedError<PropagationErrorCode>

/// The codes of a ``PropagationError``.
public struct PropagationErrorCode: ErrorCode {
    private enum Kind: String, Sendable {
        case nothingToPropagate = "nothing to propagate"
        case unknownNode = "unknown node"
        case faultRefused = "fault refused"
    }
    private let kind: Kind

    /// No function is named or associated, or it has no code and no version to take.
    public static let nothingToPropagate = Self(kind: .nothingToPropagate)
    /// A fault names a node the running network does not have in that role.
    public static let unknownNode = Self(kind: .unknownNode)
    /// A node refused the fault asked of it.
    public static let faultRefused = Self(kind: .faultRefused)

    public var description: String { kind.rawValue }
}
