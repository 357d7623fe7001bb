import CDNCore
import NIOCore
import Topology

/// Who a connection comes from: viewer locations by their loopback source address, the
/// emulated link between each and this edge, and each location's CloudFront fields, all made
/// when the edge starts.
///
/// A client the topology does not know (say, curl without `--interface`) is served with no
/// added latency, so the edge also works as a plain local cache.
struct ViewerDirectory: Sendable {
    private struct Entry: Sendable {
        let viewer: ViewerSpec
        let shape: LinkShape
        let fields: ViewerHeaders.LocationFields
    }

    private let entries: [String: Entry]
    private let fields: [String: ViewerHeaders.LocationFields]

    init(topology: Topology, edge: String) {
        entries = topology.viewersByAddress.mapValues { viewer in
            Entry(
                viewer: viewer,
                shape: topology.link(between: viewer.id, and: edge).map(LinkShape.init) ?? .none,
                fields: ViewerHeaders.LocationFields(viewer.location)
            )
        }
        fields = Dictionary(entries.values.map { ($0.viewer.id, $0.fields) }, uniquingKeysWith: { first, _ in first })
    }

    /// The viewer a source address (as text) stands for.
    func viewer(at ip: String?) -> ViewerSpec? {
        ip.flatMap { entries[$0]?.viewer }
    }

    /// The link shape for a connection from an address.
    func shape(for address: SocketAddress?) -> LinkShape {
        address?.ipAddress.flatMap { entries[$0]?.shape } ?? .none
    }

    /// A viewer location's CloudFront fields, made once.
    func locationFields(of viewer: ViewerSpec?) -> ViewerHeaders.LocationFields? {
        viewer.flatMap { fields[$0.id] }
    }
}
