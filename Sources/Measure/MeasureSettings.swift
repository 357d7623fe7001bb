/// What `edgesim measure` does: which paths, from where, how much load and of what kind.
public struct MeasureSettings: Sendable, Codable {
    /// How requests are paced.
    public enum Pacing: Sendable, Codable, Equatable {
        /// Closed loop: each connection sends its next request when the last one is answered.
        case closed
        /// Open loop: requests start on a fixed schedule, this many per second per location,
        /// whatever the answers do; a request's latency counts from when it was due, so a slow
        /// answer is not hidden (no coordinated omission).
        case open(perSecond: Double)
    }

    /// How long a location is measured.
    public enum Extent: Sendable, Codable, Equatable {
        /// This many requests per location, after the warm-up.
        case requests(Int)
        /// This long per location, after the warm-up.
        case duration(Duration)

        /// The duration in seconds, or 0 for a count of requests.
        public var seconds: Double {
            if case .duration(let length) = self { Double(length.components.seconds) + Double(length.components.attoseconds) / 1e18 } else { 0 }
        }
    }

    /// The paths to ask for, in turn.
    public var paths: [String]
    /// The viewer locations to measure from (their ids).
    public var viewers: [String]
    /// How long each location is measured.
    public var extent: Extent
    /// Connections per location (and, open loop, the most requests in flight).
    public var concurrency: Int
    /// How requests are paced.
    public var pacing: Pacing
    /// Requests per location sent first and not counted (they fill the caches).
    public var warmup: Int
    /// The distribution asked for (id or domain); the topology's first when `nil`.
    public var distribution: String?
    /// Whether viewers speak HTTPS to the edges (`nil` in runs saved before HTTPS: plain HTTP).
    public var https: Bool?

    /// Creates settings.
    public init(
        paths: [String],
        viewers: [String],
        extent: Extent,
        concurrency: Int,
        pacing: Pacing,
        warmup: Int,
        distribution: String? = nil,
        https: Bool = false
    ) {
        self.distribution = distribution
        self.https = https
        self.paths = paths
        self.viewers = viewers
        self.extent = extent
        self.concurrency = concurrency
        self.pacing = pacing
        self.warmup = warmup
    }
}

/// One viewer location to measure from: where it speaks from, and the edge routing gives it.
public struct MeasureTarget: Sendable, Codable {
    /// The viewer's id.
    public var viewer: String
    /// Its place, for tables (`Tokyo, JP`).
    public var location: String
    /// Its coordinates, for the report's map.
    public var latitude: Double
    public var longitude: Double
    /// Its loopback source address.
    public var address: String
    /// The edge routing chose.
    public var edge: String
    /// The edge's address and port.
    public var edgeHost: String
    public var edgePort: Int
    /// The distribution's domain (the `Host` sent).
    public var domain: String?
    /// The modelled viewer↔edge round trip, in milliseconds.
    public var modelledRTT: Double
    /// The GeoDNS server (`host:port`) each connection asks for its edge, as a viewer's resolver
    /// would, so live health moves the location; `nil` keeps to ``edgeHost``.
    public var resolver: String?
    /// Over HTTPS: the network's CA, which the edge's certificate must chain to (``edgePort``
    /// is then the edge's HTTPS port); `nil` over plain HTTP.
    public var certificateAuthority: String?

    /// Creates a target.
    public init(
        viewer: String,
        location: String,
        latitude: Double,
        longitude: Double,
        address: String,
        edge: String,
        edgeHost: String,
        edgePort: Int,
        domain: String?,
        modelledRTT: Double,
        resolver: String? = nil,
        certificateAuthority: String? = nil
    ) {
        self.resolver = resolver
        self.certificateAuthority = certificateAuthority
        self.viewer = viewer
        self.location = location
        self.latitude = latitude
        self.longitude = longitude
        self.address = address
        self.edge = edge
        self.edgeHost = edgeHost
        self.edgePort = edgePort
        self.domain = domain
        self.modelledRTT = modelledRTT
    }
}
