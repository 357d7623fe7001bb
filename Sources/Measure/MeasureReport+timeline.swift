extension MeasureReport {
    /// The colour of failed requests in the timeline.
    static let errorColour = "#333333"

    /// The timeline's order within a second and in its legend: edges by id, failures last.
    static func timelineOrder(_ a: String, _ b: String) -> Bool {
        (a == "error" ? 1 : 0, a) < (b == "error" ? 1 : 0, b)
    }

    /// Which edge served each location, second by second: one row per location, one column per
    /// second, each column split by the share of that second's requests each edge (or an error)
    /// took. A failover reads as a change of colour, and its errors as a dark sliver.
    static func timeline(_ locations: [MeasureResult.Location]) -> String {
        let edges = locations.flatMap { $0.timeline.flatMap(\.keys) }.filter { $0 != "error" }
        var colours: [String: String] = [:]
        for edge in edges where colours[edge] == nil { colours[edge] = palette[colours.count % palette.count] }
        colours["error"] = errorColour
        let seconds = max(1, locations.map(\.timeline.count).max() ?? 1)
        let (label, plot, row, band) = (150.0, 820.0, 26.0, 18.0)
        let column = plot / Double(seconds)
        var svg = "<svg class=\"timeline\" viewBox=\"0 0 \(Int(label + plot + 10)) \(Int(Double(locations.count) * row + 24))\" width=\"100%\">"
        for (index, location) in locations.enumerated() {
            let y = Double(index) * row + 4
            svg += "<text x=\"0\" y=\"\(f(y + 13))\">\(escape(location.target.viewer))</text>"
            svg += "<g class=\"timeline-row\">"
            for (second, counts) in location.timeline.enumerated() {
                let total = Double(max(1, counts.values.reduce(0, +)))
                var offset = y
                for (who, count) in counts.sorted(by: { timelineOrder($0.key, $1.key) }) {
                    let height = band * Double(count) / total
                    svg += "<rect x=\"\(f(label + Double(second) * column))\" y=\"\(f(offset))\" width=\"\(f(max(1, column - 1)))\" "
                    svg += "height=\"\(f(height))\" fill=\"\(colours[who] ?? errorColour)\">"
                    svg +=
                        "<title>\(escape(location.target.viewer)), second \(second + 1): \(count) \(who == "error" ? "failed" : "by \(escape(who))")</title></rect>"
                    offset += height
                }
            }
            svg += "</g>"
        }
        let axis = Double(locations.count) * row + 18
        svg += "<text x=\"\(f(label))\" y=\"\(f(axis))\">0 s</text>"
        svg += "<text x=\"\(f(label + plot - 30))\" y=\"\(f(axis))\">\(seconds) s</text></svg>"
        let legend = colours.sorted { timelineOrder($0.key, $1.key) }.map { who, colour in
            "<span><span class=\"swatch\" style=\"background:\(colour)\"></span>\(who == "error" ? "failed" : escape(who))</span>"
        }
        return svg + "<p class=\"legend\">" + legend.joined()
            + "</p><p class=\"muted\">Each column is one second of the run, split by which edge answered its requests. "
            + "A location that changes colour was moved by GeoDNS (an edge failed or came back).</p>"
    }
}
