/// Where a viewer's request goes: the edge it reaches, that edge's hub, the origin behind them,
/// and the round trip of each hop on the way.
public struct Route: Hashable, Sendable {
    /// An edge and the round trip to it from the viewer.
    public struct RankedEdge: Hashable, Sendable {
        /// The edge's id.
        public var edge: String
        /// The viewer→edge round trip.
        public var rtt: Duration
    }

    /// One hop of the path.
    public struct Hop: Hashable, Sendable {
        /// The near end's id.
        public var from: String
        /// The far end's id.
        public var to: String
        /// The hop's round-trip time.
        public var rtt: Duration
        /// The hop's great-circle length in kilometres.
        public var kilometres: Double
    }

    /// Why the viewer reaches this edge rather than another.
    public enum Reason: String, Hashable, Sendable {
        /// It is the nearest edge serving the distribution (in its price class).
        case nearest
        /// It is the edge nearest the viewer's resolver (routing by resolver).
        case resolver
        /// The viewer is in the distribution's anycast-like share sent to the second-nearest edge.
        case secondNearest = "second-nearest"
        /// Nearer edges are out of routing (failed health checks), as the GeoDNS answered.
        case failover
    }

    /// The viewer the route starts at.
    public var viewer: ViewerSpec
    /// The distribution asked for.
    public var distribution: DistributionSpec
    /// The behavior that handles the path asked for.
    public var behavior: CacheBehavior
    /// The edge the viewer reaches.
    public var edge: EdgeSpec
    /// The edge's hub.
    public var hub: HubSpec
    /// The behavior's origin.
    public var origin: OriginSpec
    /// The origin's Origin Shield, when the edge's hub fetches through one.
    public var shield: HubSpec?
    /// viewer→edge, edge→hub, hub→origin (or hub→shield and shield→origin).
    public var hops: [Hop]
    /// The other edges that serve the distribution, nearest first.
    public var alternatives: [RankedEdge]
    /// Why this edge.
    public var reason: Reason

    /// The round trip from the viewer to the origin and back, through every hop.
    public var total: Duration { hops.reduce(.zero) { $0 + $1.rtt } }
}
