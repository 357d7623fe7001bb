import Testing

@testable import Topology

@Suite struct LatencyModelTests {
    static let london = GeoPoint(latitude: 51.5074, longitude: -0.1278)
    static let newYork = GeoPoint(latitude: 40.7128, longitude: -74.0060)
    static let tokyo = GeoPoint(latitude: 35.6762, longitude: 139.6503)
    static let singapore = GeoPoint(latitude: 1.3521, longitude: 103.8198)
    static let frankfurt = GeoPoint(latitude: 50.1109, longitude: 8.6821)
    static let sydney = GeoPoint(latitude: -33.8688, longitude: 151.2093)

    @Test(arguments: [
        (london, newYork, 5570.0), (tokyo, singapore, 5311.0), (frankfurt, sydney, 16_483.0),
    ])
    func greatCircleDistances(a: GeoPoint, b: GeoPoint, kilometres: Double) {
        #expect(abs(a.distance(to: b) - kilometres) < 0.005 * kilometres)
    }

    @Test func distanceToItselfIsZeroAndAntipodesAreHalfTheEarth() {
        #expect(Self.tokyo.distance(to: Self.tokyo) == 0)
        let antipode = GeoPoint(latitude: -35.6762, longitude: 139.6503 - 180)
        #expect(abs(Self.tokyo.distance(to: antipode) - .pi * GeoPoint.earthRadiusKilometres) < 1)
    }

    /// Published round trips between data centres in these cities: London–New York about 70 ms,
    /// Tokyo–Singapore about 75 ms, Frankfurt–Sydney about 275 ms. The defaults must land within 10 %.
    @Test(arguments: [(london, newYork, 70.0), (tokyo, singapore, 75.0), (frankfurt, sydney, 275.0)])
    func defaultsLandKnownCityPairs(a: GeoPoint, b: GeoPoint, expected: Double) {
        let model = LatencyModel.default
        let rtt = model.roundTrip(from: a, to: b, accessA: model.nodeAccess, accessB: model.nodeAccess).inMilliseconds
        #expect(abs(rtt - expected) / expected < 0.10, "modelled \(rtt) ms, expected about \(expected) ms")
    }

    @Test func neverBelowTheFibreFloorAndSymmetric() {
        var random = SeededGenerator(seed: 7)
        let models = [
            LatencyModel.default, LatencyModel(inflation: 1, inflationPer1000Kilometres: 0, nodeAccess: .zero),
            LatencyModel(fibreKilometresPerSecond: 299_792, inflation: 1, inflationPer1000Kilometres: 0),
        ]
        for _ in 0..<2000 {
            let a = GeoPoint(latitude: .random(in: -90...90, using: &random), longitude: .random(in: -180...180, using: &random))
            let b = GeoPoint(latitude: .random(in: -90...90, using: &random), longitude: .random(in: -180...180, using: &random))
            for model in models {
                let there = model.roundTrip(from: a, to: b, accessA: .milliseconds(3), accessB: .zero)
                let back = model.roundTrip(from: b, to: a, accessA: .zero, accessB: .milliseconds(3))
                #expect(there >= model.fibreFloor(kilometres: a.distance(to: b)))
                #expect(abs(there.inMilliseconds - back.inMilliseconds) < 1e-9)
            }
        }
    }

    @Test func fibreFloorIsTwiceTheDistanceOverTheSpeedOfLightInGlass() {
        let floor = LatencyModel.default.fibreFloor(kilometres: 10_200)
        #expect(abs(floor.inMilliseconds - 100) < 1e-9)
    }

    @Test func inflationGrowsWithDistanceAndNeverFallsBelowOne() {
        let model = LatencyModel.default
        #expect(model.inflation(kilometres: 0) == model.inflation)
        #expect(model.inflation(kilometres: 10_000) > model.inflation(kilometres: 1000))
        #expect(LatencyModel(inflation: 1, inflationPer1000Kilometres: 0).inflation(kilometres: 5000) == 1)
    }
}
