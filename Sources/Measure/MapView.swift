/// The part of the world a report's map shows: the box around every node and viewer, with a
/// margin, widened to the map's 2:1 shape, so a network in one country fills the map as a
/// global one does.
struct MapView {
    var west: Double
    var east: Double
    var south: Double
    var north: Double
    /// The graticule's spacing in degrees.
    var step: Double

    init(points: [(latitude: Double, longitude: Double)]) {
        let latitudes = points.map(\.latitude)
        let longitudes = points.map(\.longitude)
        guard let bottom = latitudes.min(), let top = latitudes.max(), let left = longitudes.min(), let right = longitudes.max() else {
            (west, east, south, north, step) = (-180, 180, -90, 90, 30)
            return
        }
        // At least 8° tall; a tenth of the span (and a degree) of margin on every side; and
        // equirectangular at 2:1, so a degree is as wide as it is tall.
        let tall = min(180, max(8, (top - bottom) * 1.2 + 2, ((right - left) * 1.2 + 2) / 2))
        let wide = min(360, tall * 2)
        south = min(max(-90, (top + bottom) / 2 - tall / 2), 90 - tall)
        north = south + tall
        west = min(max(-180, (left + right) / 2 - wide / 2), 180 - wide)
        east = west + wide
        step = [1.0, 2, 5, 10, 15, 30].first { tall / $0 <= 8 } ?? 30
    }

    /// "30°N", "15°W", "0°".
    static func degrees(_ value: Double, _ positive: String, _ negative: String) -> String {
        let whole = Int(value.magnitude.rounded())
        return whole == 0 ? "0°" : "\(whole)°\(value > 0 ? positive : negative)"
    }
}
