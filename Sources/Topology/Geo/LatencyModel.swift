/// Turns the distance between two places into a round-trip time, the way real paths behave.
///
/// A link's modelled round-trip time (RTT) is
///
///     RTT = access(a) + access(b) + inflation(d) × 2 × d ÷ c_fibre
///     inflation(d) = inflation + inflationPer1000Kilometres × d / 1000
///
/// where `d` is the great-circle distance and `c_fibre` the speed of light in fibre. Real paths
/// are longer than the great circle (cables follow coasts, traffic crosses exchange points), and
/// the longer the path, the more it detours; the access delays are the last mile at each end.
/// The defaults are fitted to three well-known city pairs (London–New York about 70 ms,
/// Tokyo–Singapore about 75 ms, Frankfurt–Sydney about 275 ms) and land each within 6 %;
/// README.md explains the choice. A modelled RTT never goes below the fibre floor `2d ÷ c_fibre`.
public struct LatencyModel: Hashable, Sendable {
    /// The defaults, each chosen as the type's documentation explains.
    public enum Default {
        /// Light in silica fibre (refractive index about 1.47): 204,000 km/s.
        public static let fibreKilometresPerSecond = 204_000.0
        /// Path inflation at zero distance.
        public static let inflation = 1.14
        /// Extra inflation per 1,000 km of great-circle distance.
        public static let inflationPer1000Kilometres = 0.0335
        /// Access delay (RTT share) of a data-centre node: an edge, a hub, an origin, the registry.
        public static let nodeAccess = Duration.milliseconds(1)
        /// Access delay (RTT share) of a viewer's last mile, when a viewer does not state its own.
        public static let viewerAccess = Duration.milliseconds(10)
    }

    /// The speed of light in fibre, in kilometres per second.
    public var fibreKilometresPerSecond: Double
    /// Path inflation at zero distance (1 means paths follow the great circle).
    public var inflation: Double
    /// Extra inflation for each 1,000 km of distance (0 makes inflation constant).
    public var inflationPer1000Kilometres: Double
    /// Access delay of data-centre nodes.
    public var nodeAccess: Duration
    /// Access delay of viewers that do not state their own.
    public var viewerAccess: Duration

    /// Creates a model; every parameter has a default.
    public init(
        fibreKilometresPerSecond: Double = Default.fibreKilometresPerSecond,
        inflation: Double = Default.inflation,
        inflationPer1000Kilometres: Double = Default.inflationPer1000Kilometres,
        nodeAccess: Duration = Default.nodeAccess,
        viewerAccess: Duration = Default.viewerAccess
    ) {
        self.fibreKilometresPerSecond = fibreKilometresPerSecond
        self.inflation = inflation
        self.inflationPer1000Kilometres = inflationPer1000Kilometres
        self.nodeAccess = nodeAccess
        self.viewerAccess = viewerAccess
    }

    /// The model with every default.
    public static var `default`: Self { Self() }

    /// The least round-trip time physics allows over `kilometres` of fibre: there and back at the
    /// speed of light in glass, on the great circle.
    /// - Parameter kilometres: The great-circle distance.
    /// - Returns: The fibre floor.
    public func fibreFloor(kilometres: Double) -> Duration {
        .seconds(2 * kilometres / fibreKilometresPerSecond)
    }

    /// The path inflation the model applies at a distance, never below 1.
    public func inflation(kilometres: Double) -> Double {
        max(1, inflation + inflationPer1000Kilometres * kilometres / 1000)
    }

    /// The modelled round-trip time between two places.
    /// - Parameters:
    ///   - a: One end.
    ///   - b: The other end.
    ///   - accessA: The access delay of `a`.
    ///   - accessB: The access delay of `b`.
    /// - Returns: Both access delays plus the inflated propagation time; never below the fibre floor.
    public func roundTrip(from a: GeoPoint, to b: GeoPoint, accessA: Duration, accessB: Duration) -> Duration {
        let kilometres = a.distance(to: b)
        return accessA + accessB + .seconds(2 * kilometres / fibreKilometresPerSecond * inflation(kilometres: kilometres))
    }
}
