import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// The two listeners every node that serves HTTP has: its traffic listener (viewers for an edge,
/// edges for a hub, hubs and edges for an origin) and its admin listener; the node is ready once
/// both are bound.
public enum NodeListeners {
    /// Builds both listeners.
    /// - Parameters:
    ///   - responder: What answers the traffic.
    ///   - server: The traffic listener's server: ``HTTPServerBuilder/shapedHTTP1(shape:)`` for a
    ///     caching node (emulated links, CloudFront's size limits), plain HTTP/1.1 for an origin.
    ///   - host: The address both listen on.
    ///   - port: The traffic port, 0 for an ephemeral one.
    ///   - adminPort: The admin port, 0 for an ephemeral one.
    ///   - serverName: The traffic listener's `Server` name.
    ///   - hooks: What the admin routes use.
    ///   - onReady: Called with both ports once both are bound.
    ///   - logger: The node's logger.
    /// - Returns: The traffic and admin services.
    public static func make<Responder: HTTPResponder>(
        responder: Responder,
        server: HTTPServerBuilder,
        host: String,
        port: Int,
        adminPort: Int,
        serverName: String,
        hooks: AdminHooks,
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger
    ) -> [any Service] where Responder.Context: RequestContext, Responder.Context.Source == ApplicationRequestContextSource {
        let ports = PortRendezvous(onReady: onReady)
        let traffic = Application(
            responder: responder,
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in await ports.traffic(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let admin = AdminApplication.build(hooks, host: host, port: adminPort, onRunning: { await ports.admin($0) }, logger: logger)
        return [traffic, admin]
    }
}
