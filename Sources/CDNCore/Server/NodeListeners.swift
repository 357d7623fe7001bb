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
    ///   - server: The traffic listener's server: ``HTTPServerBuilder/sizeGuardedHTTP1()`` for a
    ///     hub or the registry (CloudFront's size limits), plain HTTP/1.1 for an origin.
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
        make(
            host: host,
            adminPort: adminPort,
            hooks: hooks,
            onReady: onReady,
            logger: logger,
            traffic: application(responder: responder, server: server, host: host, port: port, serverName: serverName, logger: logger)
        )
    }

    /// Makes a traffic listener: given what to call with its bound port, the service.
    public typealias TrafficListener = (_ onRunning: @escaping @Sendable (_ port: Int) async -> Void) -> any Service

    /// A Hummingbird application as a node's traffic listener.
    /// - Parameters:
    ///   - responder: What answers the traffic.
    ///   - server: The server: ``HTTPServerBuilder/sizeGuardedHTTP1()`` or plain HTTP/1.1.
    ///   - host: The address it listens on.
    ///   - port: The port, 0 for an ephemeral one.
    ///   - serverName: The `Server` name.
    ///   - logger: The node's logger.
    public static func application<Responder: HTTPResponder>(
        responder: Responder,
        server: HTTPServerBuilder,
        host: String,
        port: Int,
        serverName: String,
        logger: Logger
    ) -> TrafficListener where Responder.Context: RequestContext, Responder.Context.Source == ApplicationRequestContextSource {
        { onRunning in
            Application(
                responder: responder,
                server: server,
                configuration: .init(address: .hostname(host, port: port), serverName: serverName),
                onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                logger: logger
            )
        }
    }

    /// Builds both listeners around a traffic listener of the node's own (an edge's
    /// ``ViewerServer``).
    /// - Parameters:
    ///   - host: The address the admin listener listens on.
    ///   - adminPort: The admin port, 0 for an ephemeral one.
    ///   - hooks: What the admin routes use.
    ///   - onReady: Called with both ports once both are bound.
    ///   - logger: The node's logger.
    ///   - traffic: Makes the traffic listener, which calls its argument with its bound port.
    /// - Returns: The traffic and admin services.
    public static func make(
        host: String,
        adminPort: Int,
        hooks: AdminHooks,
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger,
        traffic: TrafficListener
    ) -> [any Service] {
        let ports = PortRendezvous(onReady: onReady)
        let admin = AdminApplication.build(hooks, host: host, port: adminPort, onRunning: { await ports.admin($0) }, logger: logger)
        return [traffic { await ports.traffic($0) }, admin]
    }
}
