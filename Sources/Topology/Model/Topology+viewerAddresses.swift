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
