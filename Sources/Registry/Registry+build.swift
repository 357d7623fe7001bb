import CDNCore
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import Replication
import ServiceLifecycle
import Topology

/// The central function registry as a node: its store under `STATE/registry`, its API on the
/// traffic port, and the usual admin port.
public enum Registry {
    /// How the registry process runs.
    public struct Settings: Sendable {
        /// The topology: its functions and associations are published at start.
        public var topology: Topology
        /// The state directory (the store is `STATE/registry`).
        public var stateDirectory: String
        /// The address to listen on.
        public var host: String
        /// The API port, 0 for an ephemeral one.
        public var port: Int
        /// The admin port, 0 for an ephemeral one.
        public var adminPort: Int

        /// Creates settings.
        public init(topology: Topology, stateDirectory: String, host: String, port: Int, adminPort: Int) {
            self.topology = topology
            self.stateDirectory = stateDirectory
            self.host = host
            self.port = port
            self.adminPort = adminPort
        }
    }

    /// Opens the store, publishes the topology's functions and associations the store does not
    /// have yet, and builds the listeners.
    /// - Returns: The services, in start order.
    /// - Throws: ``RegistryError`` when the store cannot be opened or a topology function published.
    public static func build(
        _ settings: Settings,
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger
    ) async throws -> [any Service] {
        let store = try RegistryStore(directory: (settings.stateDirectory as NSString).appendingPathComponent("registry"))
        let token = try RegistryToken.loadOrCreate(stateDirectory: settings.stateDirectory)
        try RegistryKey.write(store.publicKey, stateDirectory: settings.stateDirectory)
        try await publishTopology(settings.topology, into: store, logger: logger)
        let metrics = NodeMetrics(node: RegistrySpec.id, role: .registry)
        let board = DeploymentBoard(topology: settings.topology)
        let invalidations = InvalidationLog(stateDirectory: settings.stateDirectory, logger: logger)
        await invalidations.resume()
        // The API and the replication stream are HTTPS, under the network CA's certificate
        // for the registry (`up` makes it; a registry run on its own makes its own).
        let files = TLSFiles(stateDirectory: settings.stateDirectory)
        if !files.exist { try files.prepare(for: settings.topology) }
        return NodeListeners.make(
            responder: RegistryAPI.router(
                store: store,
                board: board,
                configs: DistributionConfigs(store: store, base: settings.topology),
                token: token,
                invalidations: invalidations,
                logger: logger
            ).buildResponder(),
            server: try .tls(.sizeGuardedHTTP1(), tlsConfiguration: try files.serverConfiguration("registry")),
            host: settings.host,
            port: settings.port,
            adminPort: settings.adminPort,
            serverName: "edgesim-registry",
            hooks: AdminHooks(node: RegistrySpec.id, role: .registry, metrics: metrics),
            onReady: onReady,
            logger: logger
        )
    }

    /// Creates each topology KeyValueStore, publishes each topology function as version 1 and
    /// makes each topology association, unless the store already has them (a restarted registry
    /// creates and publishes nothing twice, and keeps what was written to its stores since).
    static func publishTopology(_ topology: Topology, into store: RegistryStore, logger: Logger) async throws {
        let existingStores = Set(await store.keyValueStores.map(\.name))
        for spec in topology.keyValueStores where !existingStores.contains(spec.name) {
            let record = try await store.createKeyValueStore(name: spec.name, comment: spec.comment, data: spec.data)
            logger.info("created key value store \(spec.name) from the topology (\(record.current.itemCount) keys, id \(record.id))")
        }
        for function in topology.functions where await store.version(function.name, 1) == nil {
            let record = try await store.publish(
                name: function.name,
                code: function.code,
                runtime: function.runtime.rawValue,
                handler: function.handler,
                memoryMegabytes: function.memoryMegabytes,
                timeoutMilliseconds: Int(function.timeout.inMilliseconds),
                keyValueStore: function.keyValueStore
            )
            logger.info("published \(record.ref) from the topology (sha256 \(record.sha256.prefix(12))…)")
        }
        // A topology's CloudFront Function is LIVE as version 1 (then DEVELOPMENT moves on as
        // versions are published, and `promote` makes them LIVE).
        for function in topology.functions where function.runtime.isCloudFrontFunction {
            guard await store.stages(of: function.name).live == nil else { continue }
            _ = try await store.promote(function.name, version: 1)
        }
        // The file's associations are made once per file: a restart from the same file keeps
        // what was associated, removed or updated since.
        let text = topology.file.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        guard try await store.adopt(topologyFile: String(StableHash.fnv1a(text), radix: 36)) else { return }
        let existing = await store.config.associations
        var changes: [AssociationChange] = []
        for distribution in topology.distributions {
            for behavior in distribution.behaviors {
                for association in behavior.functions.values.sorted(by: { $0.event < $1.event }) {
                    let inForce = existing.contains {
                        $0.distribution == distribution.id && $0.behavior == behavior.pathPattern && $0.event == association.event
                    }
                    guard !inForce else { continue }  // a restarted registry keeps what was associated since
                    changes.append(
                        AssociationChange(
                            distribution: distribution.id,
                            behavior: behavior.pathPattern,
                            event: association.event,
                            function: association.description,
                            includeBody: association.includeBody
                        )
                    )
                }
            }
        }
        guard !changes.isEmpty else { return }
        let epoch = try await store.associate(changes)
        logger.info("the topology's \(changes.count) association(s) are config epoch \(epoch)")
    }
}
