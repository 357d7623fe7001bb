import Foundation
import Measure

/// The terminal tables of a measurement.
enum MeasureTables {
    /// One row per location: who served it, how it went, how fast, and the model beside it.
    static func locations(_ result: MeasureResult) -> String {
        var table = Table(
            ["viewer", "location", "edge", "requests", "errors", "hits", "p50", "p90", "p99", "max", "modelled RTT", "measured RTT"],
            alignments: [.left, .left, .left, .right, .right, .right, .right, .right, .right, .right, .right, .right]
        )
        for location in result.locations.sorted(by: { $0.p50 < $1.p50 }) {
            table.add([
                location.target.viewer, location.target.location, edges(location), "\(location.requests)", errors(location),
                "\(Int((location.hitRatio * 100).rounded()))%", ms(location.p50), ms(location.p90), ms(location.p99), ms(location.max),
                ms(location.target.modelledRTT), ms(location.measuredRTT),
            ])
        }
        let total = result.locations.reduce(0) { $0 + $1.requests }
        var text = table.render() + "\n\(total) requests in \(String(format: "%.1f", result.seconds)) s (\(Int(result.rate.rounded())) per second)"
        let excess = result.locations.filter { $0.requests > 0 }.map { $0.measuredRTT - $0.target.modelledRTT }.sorted()
        if !excess.isEmpty, excess[excess.count / 2] > 3 {
            text += "\nnote: measured round trips exceed the model by \(ms(excess[excess.count / 2])) at the median: every node and the load share "
            text += "\(ProcessInfo.processInfo.activeProcessorCount) cores, and they are short of CPU for this load. "
            text += "Measure fewer locations at once, lower --concurrency, or use a release build."
        }
        return text
    }

    /// How many answered requests each of the distribution's behaviours met, per location, or
    /// `nil` when none met any.
    static func applied(_ result: MeasureResult) -> String? {
        let names = MeasureResult.Location.appliedNames(result.locations)
        guard !names.isEmpty else { return nil }
        var table = Table(["viewer"] + names, alignments: [.left] + Array(repeating: .right, count: names.count))
        for location in result.locations.sorted(by: { $0.p50 < $1.p50 }) {
            table.add([location.target.viewer] + names.map { "\(location.applied?[$0] ?? 0)" })
        }
        return "what the requests met (answered requests):\n" + table.render()
    }

    /// Where the time goes: each stage's mean per location, in milliseconds.
    static func stages(_ result: MeasureResult) -> String {
        let used = StageTimes.labels.filter { label in result.locations.contains { $0.stages[keyPath: label.1] >= 0.005 } }
        var table = Table(["viewer", "mean"] + used.map(\.0), alignments: [.left] + Array(repeating: .right, count: used.count + 1))
        for location in result.locations.sorted(by: { $0.p50 < $1.p50 }) {
            table.add([location.target.viewer, ms(location.mean)] + used.map { ms(location.stages[keyPath: $0.1]) })
        }
        return "where the time goes (mean per request):\n" + table.render()
    }

    /// What new connections cost beside kept-alive ones: connect, over HTTPS the TLS handshake
    /// (p50 and p99), and the time to a response's first byte on each.
    static func connections(_ result: MeasureResult) -> String {
        let https = result.settings.https == true
        let tls = https ? ["TLS p50", "TLS p99"] : []
        var table = Table(
            ["viewer", "connections", "connect"] + tls + ["1st byte, new", "1st byte, kept-alive", "modelled RTT"],
            alignments: [.left] + Array(repeating: .right, count: 6 + tls.count)
        )
        for location in result.locations.sorted(by: { $0.p50 < $1.p50 }) {
            guard let times = location.connections else { continue }
            let handshake = https ? [times.handshake.map { ms($0.p50) } ?? "—", times.handshake.map { ms($0.p99) } ?? "—"] : []
            table.add(
                [location.target.viewer, "\(times.opened)", ms(times.connect.p50)] + handshake
                    + [ms(times.firstByteNew.p50), times.firstByteKept.map { ms($0.p50) } ?? "—", ms(location.target.modelledRTT)]
            )
        }
        let paid = https ? "so it shows in TLS" : "so it shows in the new connection's first byte"
        return "new connections against kept-alive ones (\(https ? "HTTPS" : "HTTP"); the link's modelled TCP round trip is paid by a "
            + "connection's first bytes, \(paid)):\n" + table.render()
    }

    /// Two runs, location by location, biggest improvement first.
    static func comparison(_ comparison: MeasureComparison) -> String {
        var table = Table(
            ["viewer", "location", "edge", "p50 before", "p50 after", "change", "p99 before", "p99 after"],
            alignments: [.left, .left, .left, .right, .right, .right, .right, .right]
        )
        for row in comparison.rows {
            let edge = row.edgeBefore == row.edgeAfter ? row.edgeBefore : "\(row.edgeBefore) → \(row.edgeAfter)"
            let sign = row.p50Change > 0 ? "+" : ""
            let change = "\(sign)\(ms(row.p50Change)) (\(sign)\(Int((row.p50ChangeRatio * 100).rounded()))%)"
            table.add([row.viewer, row.location, edge, ms(row.p50Before), ms(row.p50After), change, ms(row.p99Before), ms(row.p99After)])
        }
        let summary = comparison.summary
        var text = "before: \(comparison.before)\nafter:  \(comparison.after)\n" + table.render()
        text += "\n\(summary.faster) locations faster, \(summary.slower) slower, \(summary.same) about the same (a change counts past 1 ms and 10%)"
        if !comparison.unmatched.isEmpty { text += "\nmeasured in only one run: \(comparison.unmatched.joined(separator: ", "))" }
        return text
    }

    /// The edge that served a location, and any other it moved to, with their counts.
    private static func edges(_ location: MeasureResult.Location) -> String {
        let others = location.edges.filter { $0.key != location.servedBy }.sorted { $0.value > $1.value }
        return ([location.servedBy] + others.map { "\($0.key) ×\($0.value)" }).joined(separator: ", ")
    }

    private static func errors(_ location: MeasureResult.Location) -> String {
        guard location.errors > 0 else { return "0" }
        let kinds = location.outcomes.filter { !["2xx", "3xx"].contains($0.key) && $0.value > 0 }.sorted { $0.key < $1.key }
        return "\(location.errors) (" + kinds.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
    }

    private static func ms(_ value: Double) -> String { formatMilliseconds(.nanoseconds(Int64(value * 1e6))) }
}
