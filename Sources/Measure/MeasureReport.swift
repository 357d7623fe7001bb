import Foundation
import Topology

/// The measurement as one self-contained HTML page (no network needed to open it): the run's
/// parameters, a world map drawn as SVG from the coordinates (viewers coloured by latency and
/// joined to the edge that served them, edges, hubs), each location's latency distribution, the
/// per-stage breakdown as stacked bars, and which edge served each location second by second.
public enum MeasureReport {
    /// The stage colours, in ``StageTimes/labels`` order.
    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"]

    /// The page.
    public static func html(_ result: MeasureResult) -> String {
        let ordered = result.locations.sorted { $0.p50 < $1.p50 }
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>edgesim measure — \(escape(result.topology))</title>
            <style>
            body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; color: #222; }
            h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
            table { border-collapse: collapse; width: 100%; } td, th { padding: 3px 8px; border-bottom: 1px solid #e3e3e3; text-align: right; }
            th:first-child, td:first-child, td.text, th.text { text-align: left; }
            .muted { color: #777; } .legend span { display: inline-block; margin-right: 14px; }
            .swatch { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: -1px; }
            svg text { font: 11px system-ui, sans-serif; }
            </style>
            </head>
            <body data-rendered="no">
            <h1>Latency by viewer location</h1>
            <p class="muted">\(escape(parameters(result)))</p>
            <p>Viewer locations measured: <span id="viewer-count">\(result.locations.count)</span>.</p>
            <h2>Map</h2>
            \(map(result))
            <h2>Per location</h2>
            \(summaryTable(ordered))
            <h2>Latency distribution</h2>
            \(distribution(ordered))
            <h2>Where the time goes</h2>
            \(stages(ordered))
            <h2>What the requests met</h2>
            \(applied(ordered))
            <h2>New connections and kept-alive ones</h2>
            \(connections(ordered, https: result.settings.https == true))
            <h2>Which edge served, second by second</h2>
            \(timeline(ordered))
            <script>
            // Marks the page as drawn by a browser, and counts what it drew.
            document.getElementById('viewer-count').textContent = document.querySelectorAll('svg .viewer').length;
            document.body.dataset.rendered = 'yes';
            </script>
            </body>
            </html>
            """
    }

    // MARK: Parts

    private static func parameters(_ result: MeasureResult) -> String {
        let settings = result.settings
        let extent =
            switch settings.extent {
            case .requests(let count): "\(count) requests per location"
            case .duration(let length): "\(String(format: "%g", length.inSeconds)) s per location"
            }
        let pacing =
            switch settings.pacing {
            case .closed: "closed loop"
            case .open(let rate): "open loop at \(String(format: "%g", rate))/s per location"
            }
        let total = result.locations.reduce(0) { $0 + $1.requests }
        return "\(result.topology) · \(ISO8601DateFormatter().string(from: result.startedAt)) · paths \(settings.paths.joined(separator: ", ")) · "
            + "\(extent) · \(settings.concurrency) connections · \(pacing) · warm-up \(settings.warmup) · "
            + "\(total) requests in \(String(format: "%.1f", result.seconds)) s"
    }

    /// An equirectangular map of the part of the world the network covers: graticule, hubs,
    /// edges, and each viewer coloured by its p50 and joined to the edge that served it.
    private static func map(_ result: MeasureResult) -> String {
        let (width, height) = (1000.0, 500.0)
        let view = MapView(
            points: result.places.map { ($0.latitude, $0.longitude) } + result.locations.map { ($0.target.latitude, $0.target.longitude) }
        )
        func x(_ longitude: Double) -> Double { (longitude - view.west) / (view.east - view.west) * width }
        func y(_ latitude: Double) -> Double { (view.north - latitude) / (view.north - view.south) * height }
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" aria-label=\"map\">"
        svg += "<rect width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#eef3f8\"/>"
        for longitude in stride(from: (view.west / view.step).rounded(.up) * view.step, through: view.east, by: view.step) {
            svg += "<line x1=\"\(f(x(longitude)))\" y1=\"0\" x2=\"\(f(x(longitude)))\" y2=\"\(Int(height))\" stroke=\"#d5dde6\"/>"
            svg += "<text x=\"\(f(x(longitude) + 3))\" y=\"\(Int(height) - 4)\" fill=\"#8a99a8\">\(MapView.degrees(longitude, "E", "W"))</text>"
        }
        for latitude in stride(from: (view.south / view.step).rounded(.up) * view.step, through: view.north, by: view.step) {
            let stroke = latitude == 0 ? "#b9c5d2" : "#d5dde6"
            svg += "<line x1=\"0\" y1=\"\(f(y(latitude)))\" x2=\"\(Int(width))\" y2=\"\(f(y(latitude)))\" stroke=\"\(stroke)\"/>"
            svg += "<text x=\"3\" y=\"\(f(y(latitude) - 3))\" fill=\"#8a99a8\">\(MapView.degrees(latitude, "N", "S"))</text>"
        }
        let places = Dictionary(result.places.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let (low, high) = (result.locations.map(\.p50).min() ?? 0, result.locations.map(\.p50).max() ?? 1)
        for location in result.locations {
            guard let edge = places[location.servedBy] else { continue }
            svg += "<line class=\"route\" x1=\"\(f(x(location.target.longitude)))\" y1=\"\(f(y(location.target.latitude)))\" "
            svg += "x2=\"\(f(x(edge.longitude)))\" y2=\"\(f(y(edge.latitude)))\" stroke=\"\(colour(location.p50, low, high))\" stroke-width=\"1.5\"/>"
        }
        for place in result.places where place.role == .hub {
            svg +=
                "<rect class=\"hub\" x=\"\(f(x(place.longitude) - 6))\" y=\"\(f(y(place.latitude) - 6))\" width=\"12\" height=\"12\" fill=\"#555\"><title>hub \(escape(place.id))</title></rect>"
        }
        for place in result.places where place.role == .edge {
            svg +=
                "<rect class=\"edge\" x=\"\(f(x(place.longitude) - 3))\" y=\"\(f(y(place.latitude) - 3))\" width=\"6\" height=\"6\" fill=\"#fff\" stroke=\"#333\"><title>edge \(escape(place.id))</title></rect>"
        }
        for location in result.locations {
            let (cx, cy) = (x(location.target.longitude), y(location.target.latitude))
            svg += "<circle class=\"viewer\" cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"6\" fill=\"\(colour(location.p50, low, high))\" stroke=\"#222\">"
            svg +=
                "<title>\(escape(location.target.viewer)) (\(escape(location.target.location))) → \(escape(location.servedBy)): p50 \(f(location.p50)) ms</title></circle>"
            svg += "<text x=\"\(f(cx + 8))\" y=\"\(f(cy + 4))\">\(escape(location.target.viewer)) \(f(location.p50)) ms</text>"
        }
        svg += "</svg>"
        let legend =
            "<p class=\"legend\"><span><span class=\"swatch\" style=\"background:\(colour(low, low, high))\"></span>p50 \(f(low)) ms</span>"
            + "<span><span class=\"swatch\" style=\"background:\(colour(high, low, high))\"></span>p50 \(f(high)) ms</span>"
            + "<span>○ viewer · □ edge · ■ hub · lines join each viewer to the edge that served it</span></p>"
        return svg + legend
    }

    private static func summaryTable(_ locations: [MeasureResult.Location]) -> String {
        var rows = ""
        for location in locations {
            rows += "<tr><td>\(escape(location.target.viewer))</td><td class=\"text\">\(escape(location.target.location))</td>"
            rows += "<td class=\"text\">\(escape(location.servedBy))</td><td>\(location.requests)</td><td>\(location.errors)</td>"
            rows += "<td>\(Int((location.hitRatio * 100).rounded()))%</td><td>\(f(location.p50))</td><td>\(f(location.p90))</td>"
            rows +=
                "<td>\(f(location.p99))</td><td>\(f(location.max))</td><td>\(f(location.target.modelledRTT))</td><td>\(f(location.measuredRTT))</td></tr>"
        }
        return """
            <table><tr><th>viewer</th><th class="text">location</th><th class="text">edge</th><th>requests</th><th>errors</th><th>hits</th>\
            <th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>max ms</th><th>modelled RTT ms</th><th>measured RTT ms</th></tr>\(rows)</table>
            """
    }

    /// What opening connections cost (connect, TLS), and the first byte on new and kept-alive ones.
    /// Per location, how many answered requests each of the distribution's behaviours met
    /// (error pages, failovers, geo restriction, signed URLs, CORS, Origin Shield, compression).
    private static func applied(_ locations: [MeasureResult.Location]) -> String {
        let names = MeasureResult.Location.appliedNames(locations)
        guard !names.isEmpty else {
            return
                "<p class=\"muted\">None of the distribution's behaviours (error pages, failover, geo restriction, signed URLs, CORS, Origin Shield, compression) met a request.</p>"
        }
        var rows = ""
        for location in locations {
            rows += "<tr><td>\(escape(location.target.viewer))</td>" + names.map { "<td>\(location.applied?[$0] ?? 0)</td>" }.joined() + "</tr>"
        }
        return "<table id=\"applied\"><tr><th>viewer</th>" + names.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\(rows)</table>"
    }

    private static func connections(_ locations: [MeasureResult.Location], https: Bool) -> String {
        var rows = ""
        for location in locations {
            guard let times = location.connections else { continue }
            rows += "<tr><td>\(escape(location.target.viewer))</td><td>\(times.opened)</td><td>\(f(times.connect.p50))</td>"
            rows += "<td>\(times.handshake.map { f($0.p50) } ?? "—")</td><td>\(times.handshake.map { f($0.p99) } ?? "—")</td>"
            rows += "<td>\(f(times.firstByteNew.p50))</td><td>\(times.firstByteKept.map { f($0.p50) } ?? "—")</td>"
            rows += "<td>\(f(location.target.modelledRTT))</td></tr>"
        }
        let note =
            https
            ? "Over HTTPS. The link's modelled TCP round trip is paid by a connection's first bytes, so it shows in the TLS time."
            : "Over HTTP. The link's modelled TCP round trip is paid by a connection's first bytes, so it shows in a new connection's first byte."
        return """
            <p class="muted">\(note)</p>
            <table><tr><th>viewer</th><th>connections</th><th>connect ms</th><th>TLS p50 ms</th><th>TLS p99 ms</th>\
            <th>1st byte, new ms</th><th>1st byte, kept-alive ms</th><th>modelled RTT ms</th></tr>\(rows)</table>
            """
    }

    /// Each location's percentiles as a row of marks on a shared logarithmic millisecond axis
    /// (so a far location does not squash the near ones).
    private static func distribution(_ locations: [MeasureResult.Location]) -> String {
        let floor = max(0.1, (locations.compactMap { $0.distribution.first?[1] }.min() ?? 1) * 0.8)
        let top = max(floor * 10, (locations.map(\.p99).max() ?? 1) * 1.2)
        let (label, plot, row) = (150.0, 800.0, 26.0)
        let height = Double(locations.count) * row + 30
        func px(_ value: Double) -> Double { label + plot * log10(min(max(value, floor), top) / floor) / log10(top / floor) }
        var svg = "<svg class=\"distribution\" viewBox=\"0 0 \(Int(label + plot + 20)) \(Int(height))\" width=\"100%\">"
        for decade in -1...4 {
            for step in [1.0, 2, 5] {
                let value = step * pow(10, Double(decade))
                guard value >= floor, value <= top else { continue }
                svg += "<line x1=\"\(f(px(value)))\" y1=\"0\" x2=\"\(f(px(value)))\" y2=\"\(f(height - 20))\" stroke=\"#e3e3e3\"/>"
                svg += "<text x=\"\(f(px(value)))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">\(String(format: "%g", value)) ms</text>"
            }
        }
        for (index, location) in locations.enumerated() {
            let mid = Double(index) * row + row / 2
            func at(_ percentile: Double) -> Double { location.distribution.first { $0[0] == percentile }?[1] ?? location.p50 }
            svg += "<text x=\"0\" y=\"\(f(mid + 4))\">\(escape(location.target.viewer))</text>"
            svg += "<line x1=\"\(f(px(at(0))))\" y1=\"\(f(mid))\" x2=\"\(f(px(location.p99)))\" y2=\"\(f(mid))\" stroke=\"#888\"/>"
            svg +=
                "<rect x=\"\(f(px(at(25))))\" y=\"\(f(mid - 7))\" width=\"\(f(max(1, px(at(75)) - px(at(25)))))\" height=\"14\" fill=\"#9ec3e6\" stroke=\"#4e79a7\"/>"
            svg +=
                "<line x1=\"\(f(px(location.p50)))\" y1=\"\(f(mid - 8))\" x2=\"\(f(px(location.p50)))\" y2=\"\(f(mid + 8))\" stroke=\"#222\" stroke-width=\"2\">"
            svg += "<title>p50 \(f(location.p50)) ms</title></line>"
            svg += "<circle cx=\"\(f(px(location.p99)))\" cy=\"\(f(mid))\" r=\"3\" fill=\"#e15759\"><title>p99 \(f(location.p99)) ms</title></circle>"
        }
        svg += "</svg>"
        return svg + "<p class=\"muted\">Logarithmic axis. Line: min to p99 · box: p25 to p75 · bar: p50 · red dot: p99.</p>"
    }

    /// Each location's mean per stage as shares of its mean request, stacked, with the mean
    /// itself at the end of the bar.
    private static func stages(_ locations: [MeasureResult.Location]) -> String {
        let labels = StageTimes.labels
        let (label, plot, row) = (150.0, 760.0, 26.0)
        let height = Double(locations.count) * row + 10
        var svg = "<svg class=\"stages\" viewBox=\"0 0 \(Int(label + plot + 90)) \(Int(height))\" width=\"100%\">"
        for (index, location) in locations.enumerated() {
            let y = Double(index) * row + 4
            let total = max(0.001, location.stages.total)
            svg += "<text x=\"0\" y=\"\(f(y + 13))\">\(escape(location.target.viewer))</text>"
            var offset = label
            for (stage, (name, path)) in labels.enumerated() {
                let value = location.stages[keyPath: path]
                guard value > 0 else { continue }
                let width = plot * value / total
                svg +=
                    "<rect class=\"stage\" x=\"\(f(offset))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"18\" fill=\"\(palette[stage % palette.count])\">"
                svg += "<title>\(escape(name)): \(f(value)) ms (\(Int((value / total * 100).rounded()))%)</title></rect>"
                offset += width
            }
            svg += "<text x=\"\(f(label + plot + 6))\" y=\"\(f(y + 13))\">\(f(location.stages.total)) ms</text>"
        }
        svg += "</svg>"
        let legend = labels.enumerated().map { index, label in
            "<span><span class=\"swatch\" style=\"background:\(palette[index % palette.count])\"></span>\(escape(label.0))</span>"
        }
        return svg + "<p class=\"legend\">" + legend.joined()
            + "</p><p class=\"muted\">Each bar is one location's mean request; hover a segment for its milliseconds.</p>"
    }

    // MARK: Helpers

    /// Green (fast) to red (slow) by where a value sits between the fastest and the slowest.
    static func colour(_ value: Double, _ low: Double, _ high: Double) -> String {
        let t = high > low ? min(1, max(0, (value - low) / (high - low))) : 0
        let hue = Int(((1 - t) * 120).rounded())
        return "hsl(\(hue), 70%, 45%)"
    }

    /// A coordinate or a millisecond figure to one decimal.
    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
