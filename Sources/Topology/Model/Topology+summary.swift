extension Topology {
    /// "4 edges, 2 hubs, …", for one-line reports.
    public var summary: String {
        let counts = [
            (edges.count, "edge"), (hubs.count, "hub"), (origins.count, "origin"), (viewers.count, "viewer"),
            (functions.count, "function"), (distributions.count, "distribution"),
        ]
        return counts.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }.joined(separator: ", ")
    }
}
