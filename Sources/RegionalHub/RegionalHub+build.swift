import CDNCore
import CachingNode
import Hummingbird
import Logging
import NIOCore
import Replication
import ServiceLifecycle
import Topology

/// The regional hub (a regional edge cache): the second cache tier behind its edges, the one
/// that fetches from origins, and the relay of function versions from the registry to its edges.
public enum RegionalHub {
    /// Builds the hub's services: the caching node's (a link to each origin and, with a
    /// registry, a link to it and the follower of its feed; the listeners) with the hub's
    /// responder, which also serves the replication feed to its edges.
    /// - Parameters:
    ///   - settings: The hub's settings; the role is ``NodeRole/hub``.
    ///   - onReady: Called once both listeners are bound, with their ports.
    ///   - logger: The process's logger.
    /// - Returns: The services, in start order.
    /// - Throws: When a link cannot be opened or an origin has no address.
    public static func build(
        _ settings: CachingNodeSettings,
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger
    ) async throws -> [any Service] {
        let registry = settings.registryAddress.map { CachingNode.Upstream(id: RegistrySpec.id, address: $0) }
        var node = try await CachingNode.open(settings, upstream: registry, logger: logger)
        var feed: RouterResponder<BasicRequestContext>?
        let distributions = DistributionsInForce(base: settings.topology)
        if registry != nil {
            let follower = try node.follow(logger: logger) { _ in
                .init(apply: { epoch in distributions.install(try distributions.topology(for: epoch), from: epoch) })
            }
            let router = Router()
            ReplicationFeed.addRoutes(to: router, source: follower.store)
            feed = router.buildResponder()
        }
        let responder = HubResponder(
            id: settings.id,
            distributions: distributions,
            origins: node.origins,
            shields: node.shields,
            cache: node.cache,
            client: node.client,
            metrics: node.metrics,
            feed: feed,
            feedNeedsTLS: node.hubTLS != nil
        )
        return node.services(responder: responder, serverName: "edgesim-hub", onReady: onReady, logger: logger)
    }
}
