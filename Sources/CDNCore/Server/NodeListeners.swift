import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// The two listeners every caching node has: its traffic listener (viewers for an edge, edges
/// for a hub) and its admin listener; the node is ready once both are bound.
public enum NodeListeners {
    /// Builds both listeners.
    /// - Parameters:
    ///   - responder: What answers the traffic.
    ///   - shape: The link shape for each traffic connection, by the peer's address.
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
        shape: @escaping ShapedHTTP1Channel.ShapeLookup,
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
            server: .shapedHTTP1(shape: shape),
            configuration: .init(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in await ports.traffic(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let admin = AdminApplication.build(hooks, host: host, port: adminPort, onRunning: { await ports.admin($0) }, logger: logger)
        return [traffic, admin]
    }
}
