import CDNCore
import CachingNode
import Foundation
import LambdaRuntime
import Logging
import NIOCore
import Replication
import ServiceLifecycle
import Topology

/// The edge location (a CloudFront POP): serves viewers over their emulated links, runs the
/// trigger stages, keeps the first cache tier and fetches through its regional hub.
public enum EdgeNode {
    /// Builds the edge's services: the caching node's (links to the hub and to each origin,
    /// the follower of the hub's replication feed, the listeners) with the edge's responder,
    /// its function host and its load shedder.
    /// - Parameters:
    ///   - settings: The edge's settings.
    ///   - triggers: The trigger stages; by default the topology's functions run as Lambda@Edge
    ///     handlers (``NoTriggers`` when none is associated).
    ///   - httpsPort: Where the HTTPS listener's port goes once bound, before `onReady` is called.
    ///   - onReady: Called once both listeners are bound, with their ports.
    ///   - logger: The process's logger.
    /// - Returns: The services, in start order.
    /// - Throws: When a link cannot be opened, or the edge is not in the topology.
    public static func build(
        _ settings: EdgeSettings,
        triggers: (any TriggerStages)? = nil,
        httpsPort: BoundPort = BoundPort(),
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger
    ) async throws -> [any Service] {
        let topology = settings.topology
        guard let spec = topology.edge(settings.id) else { throw NodeSetupError(.unknownNode, "there is no edge '\(settings.id)' in the topology") }
        var node = try await CachingNode.open(
            settings.node,
            upstream: .init(id: spec.hub, address: settings.hubAddress),
            prepare: EdgeResponder.prepareForViewers,
            logger: logger
        )
        let inForce = DistributionsInForce(base: topology)
        let active = ActiveConfig(.init(epoch: 0, triggers: triggers ?? NoTriggers(), distributions: ServedDistributions(topology, edge: spec.id)))
        var functions: [any Service] = []
        if triggers == nil, settings.node.registryAddress != nil {
            let host = try FunctionHost(
                settings: .init(
                    edge: spec.id,
                    region: spec.hub,
                    stateDirectory: settings.stateDirectory,
                    modelledInitDurations: topology.modelledInitDurations,
                    spareWorkers: topology.spareWorkers
                ),
                logger: logger
            )
            try node.follow(rollout: settings.rollout, logger: logger) { [metrics = node.metrics] replica in
                let setup = LambdaSetup(
                    settings: settings,
                    edge: spec,
                    replica: replica,
                    host: host,
                    metrics: metrics,
                    validationLog: ValidationLog(stateDirectory: settings.stateDirectory, region: spec.hub, edge: spec.id)
                )
                return .init(
                    apply: { epoch in
                        let distributions = try inForce.topology(for: epoch)
                        let triggers = try setup.stages(for: epoch)
                        active.install(
                            .init(epoch: epoch.epoch, triggers: triggers, distributions: ServedDistributions(distributions, edge: spec.id))
                        )
                        inForce.install(distributions, from: epoch)
                    },
                    collected: { removed in setup.removeExtracted(removed) }
                )
            }
            functions = [host]
        }
        let viewers = ViewerDirectory(topology: topology, edge: spec.id)
        let served = topology.distributions.filter { $0.edges.contains(spec.id) }
        let https = try settings.httpsPort.map { port in
            let files = TLSFiles(stateDirectory: settings.stateDirectory)
            // `up` makes them before any edge starts; an edge run on its own makes its own.
            if !FileManager.default.fileExists(atPath: files.authorityCertificate) { try files.prepare(for: topology) }
            return (port: port, tls: try ViewerTLS(files: files, distributions: served), onBound: { @Sendable in httpsPort.bound($0) })
        }
        let shedder = LoadShedder(limit: settings.maximumInFlight)
        let accessLogs = AccessLogWriter.settings(for: spec.id, stateDirectory: settings.stateDirectory, serving: served).map {
            AccessLogWriter($0, logger: logger)
        }
        let responder = EdgeResponder(
            id: spec.id,
            topology: topology,
            viewers: viewers,
            hub: node.upstream!,
            origins: node.origins,
            cache: node.cache,
            client: node.client,
            config: active,
            metrics: node.metrics,
            via: CloudFrontIDs.via(host: CloudFrontIDs.viaHost()),
            shedder: shedder,
            httpsPort: httpsPort,
            accessLogs: accessLogs,
            logger: logger
        )
        return node.services(
            viewers: responder,
            shape: { viewers.shape(for: $0) },
            https: https,
            serverName: "CloudFront",
            own: functions + (accessLogs.map { [$0] } ?? []),
            overloaded: { shedder.isOverloaded },
            onReady: onReady,
            logger: logger
        )
    }
}
