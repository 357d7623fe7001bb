import Foundation

/// A point on the Earth's surface in decimal degrees (WGS 84 latitude and longitude).
public struct GeoPoint: Hashable, Sendable, CustomStringConvertible {
    /// The Earth's mean radius in kilometres (IUGG), the radius of the sphere distances are measured on.
    public static let earthRadiusKilometres = 6371.0088

    /// Degrees north of the equator, from -90 to 90.
    public var latitude: Double
    /// Degrees east of Greenwich, from -180 to 180.
    public var longitude: Double

    /// Creates a point. The loader checks the ranges; this initializer trusts its caller.
    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The great-circle distance to another point, in kilometres.
    ///
    /// Uses the haversine formula on a sphere of ``earthRadiusKilometres``: within 0.5 % of the
    /// ellipsoidal distance, far below the spread of real network paths.
    /// - Parameter other: The far end.
    /// - Returns: The shortest distance over the surface, in kilometres.
    public func distance(to other: GeoPoint) -> Double {
        let lat1 = latitude * .pi / 180
        let lat2 = other.latitude * .pi / 180
        let dLat = lat2 - lat1
        let dLon = (other.longitude - longitude) * .pi / 180
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(lat1) * cos(lat2) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * Self.earthRadiusKilometres * asin(min(1, sqrt(h)))
    }

    public var description: String {
        String(format: "%.4f,%.4f", latitude, longitude)
    }
}
