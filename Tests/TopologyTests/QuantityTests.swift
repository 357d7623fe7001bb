import Testing

@testable import Topology

@Suite struct QuantityTests {
    @Test(arguments: [
        ("12 ms", 12.0), ("12ms", 12.0), ("1.5 s", 1500.0), ("250 us", 0.25), ("250 µs", 0.25), ("2 min", 120_000.0),
        ("1 h", 3_600_000.0), ("1 d", 86_400_000.0), ("0 s", 0.0), ("1e3 ms", 1000.0),
    ])
    func durations(text: String, milliseconds: Double) throws {
        let duration = try Quantity.duration(text).get()
        #expect(abs(duration.inMilliseconds - milliseconds) < 1e-9)
    }

    @Test(arguments: ["12", "ms", "12 parsecs", "-5 ms", "nan ms", "inf s", "1e400 s", "", "12 m s", "999999999999 y"])
    func malformedDurations(text: String) {
        #expect(throws: QuantityError.self) { try Quantity.duration(text).get() }
    }

    @Test func malformedDurationSaysWhatItExpects() {
        guard case .failure(let error) = Quantity.duration("12") else {
            Issue.record("a bare number is not a duration")
            return
        }
        #expect(error.message.contains("the unit is missing"))
        #expect(error.message.contains("e.g. '12 ms'"))
    }

    @Test(arguments: [
        ("100 Mbit", 1e8), ("100 Mbit/s", 1e8), ("1 Gbit", 1e9), ("1.5 Gbps", 1.5e9), ("500 kbit", 5e5), ("12.5 MB/s", 1e8), ("64 bit", 64.0),
    ])
    func rates(text: String, bitsPerSecond: Double) throws {
        #expect(try Quantity.rate(text).get() == bitsPerSecond)
    }

    @Test(arguments: ["100", "100 MB", "0 Mbit", "fast", "100 Mbit/h"])
    func malformedRates(text: String) {
        #expect(throws: QuantityError.self) { try Quantity.rate(text).get() }
    }

    @Test(arguments: [("128 MB", 134_217_728), ("64 KiB", 65_536), ("1 GB", 1_073_741_824), ("10 B", 10)])
    func sizes(text: String, bytes: Int) throws {
        #expect(try Quantity.size(text).get() == bytes)
    }

    @Test(arguments: [("0.5%", 0.005), ("100%", 1.0), ("0.25", 0.25), ("0", 0.0)])
    func ratios(text: String, fraction: Double) throws {
        #expect(try Quantity.ratio(text).get() == fraction)
    }

    @Test(arguments: ["150%", "-1%", "1.5", "half"])
    func malformedRatios(text: String) {
        #expect(throws: QuantityError.self) { try Quantity.ratio(text).get() }
    }
}
