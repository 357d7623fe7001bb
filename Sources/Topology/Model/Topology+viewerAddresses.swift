extension Topology {
    /// The loopback source address that identifies a viewer location to the edges.
    ///
    /// A request from `127.0.1.3` comes "from" the third viewer of the file: the edge looks
    /// the address up and applies that location's link. Any client can say where it is with
    /// `curl --interface 127.0.1.3`; Linux routes the whole of 127.0.0.0/8 to loopback. A
    /// viewer's `address:` in the file overrides the default.
    /// - Parameter viewer: A viewer of this topology.
    /// - Returns: Its address; `nil` when the viewer is not in the topology.
    public func address(of viewer: String) -> String? {
        guard let index = viewers.firstIndex(where: { $0.id == viewer }) else { return nil }
        return viewers[index].address ?? Self.defaultViewerAddress(index: index)
    }

    /// The default address of the viewer at a position of the file: 127.0.1.1, 127.0.1.2, …
    /// 127.0.1.254, then 127.0.2.1 and on.
    public static func defaultViewerAddress(index: Int) -> String {
        "127.0.\(1 + index / 254).\(1 + index % 254)"
    }

    /// Every viewer by its source address.
    public var viewersByAddress: [String: ViewerSpec] {
        var byAddress: [String: ViewerSpec] = [:]
        for viewer in viewers { if let address = address(of: viewer.id) { byAddress[address] = viewer } }
        return byAddress
    }
}

extension Topology {
    /// The loopback address an edge listens on when its topology does not say: 127.0.64.1,
    /// 127.0.64.2, … then 127.0.65.1 and on. Each edge has its own address (on one shared port),
    /// so a DNS answer can name an edge, as CloudFront's does.
    public static func defaultEdgeAddress(index: Int) -> String {
        "127.0.\(64 + index / 254).\(1 + index % 254)"
    }

    /// Where each edge listens, by id: its own `listen:` host, or its default address.
    public var edgeHosts: [String: String] {
        Dictionary(
            uniqueKeysWithValues: edges.enumerated().map { index, edge in
                (edge.id, edge.listen.host == ListenAddress.Default.host ? Self.defaultEdgeAddress(index: index) : edge.listen.host)
            }
        )
    }
}
