import CDNCore
import NIOCore
import Topology

/// Who a connection comes from: viewer locations by their loopback source address, and the
/// emulated link between each and this edge.
///
/// A client the topology does not know (say, curl without `--interface`) is served with no
/// added latency, so the edge also works as a plain local cache.
struct ViewerDirectory: Sendable {
    private let viewers: [String: ViewerSpec]
    private let shapes: [String: LinkShape]

    init(topology: Topology, edge: String) {
        viewers = topology.viewersByAddress
        shapes = viewers.compactMapValues { viewer in topology.link(between: viewer.id, and: edge).map(LinkShape.init) }
    }

    /// The viewer a source address stands for.
    func viewer(at address: SocketAddress?) -> ViewerSpec? {
        address?.ipAddress.flatMap { viewers[$0] }
    }

    /// The link shape for a connection from an address.
    func shape(for address: SocketAddress?) -> LinkShape {
        address?.ipAddress.flatMap { shapes[$0] } ?? .none
    }
}
