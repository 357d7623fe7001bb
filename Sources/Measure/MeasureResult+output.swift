import Foundation

extension MeasureResult {
    /// The CSV columns, one row per location (the numbers the JSON has).
    static let csvColumns =
        [
            "viewer", "location", "edge", "requests", "errors", "hit_ratio", "p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms",
            "modelled_rtt_ms", "measured_rtt_ms",
        ] + StageTimes.labels.map { "stage_" + $0.0.replacingOccurrences(of: "↔", with: "_").replacingOccurrences(of: "-", with: "_") + "_ms" }

    /// One row per location, with a header line.
    public func csv() -> String {
        var lines = [Self.csvColumns.joined(separator: ",")]
        for location in locations {
            let cells: [String] =
                [
                    location.target.viewer, "\"\(location.target.location)\"", location.servedBy, "\(location.requests)", "\(location.errors)",
                    Self.number(location.hitRatio, places: 4), Self.number(location.p50), Self.number(location.p90), Self.number(location.p99),
                    Self.number(location.max), Self.number(location.mean), Self.number(location.target.modelledRTT),
                    Self.number(location.measuredRTT),
                ] + StageTimes.labels.map { Self.number(location.stages[keyPath: $0.1]) }
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The whole result as JSON.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Reads a result written by ``json()``.
    public static func read(_ data: Data) throws -> MeasureResult {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(MeasureResult.self, from: data)
    }

    static func number(_ value: Double, places: Int = 3) -> String { String(format: "%.\(places)f", value) }
}
