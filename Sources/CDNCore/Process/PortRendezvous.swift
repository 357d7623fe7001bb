/// Waits for a node's two listeners (traffic and admin) to be bound, in either order, and then
/// reports both ports once: that is when the node is ready.
public actor PortRendezvous {
    private var trafficPort: Int?
    private var adminPort: Int?
    private let onReady: @Sendable (_ port: Int, _ adminPort: Int) async -> Void

    /// Creates the rendezvous.
    public init(onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void) { self.onReady = onReady }

    /// The traffic listener is bound.
    public func traffic(_ port: Int) async {
        trafficPort = port
        await fireIfReady()
    }

    /// The admin listener is bound.
    public func admin(_ port: Int) async {
        adminPort = port
        await fireIfReady()
    }

    private func fireIfReady() async {
        guard let trafficPort, let adminPort else { return }
        await onReady(trafficPort, adminPort)
    }
}
