import Topology

/// A plain-text table with aligned columns, for terminal output.
struct Table {
    /// How a column's cells line up.
    enum Alignment {
        case left, right
    }

    let headers: [String]
    let alignments: [Alignment]
    private(set) var rows: [[String]] = []

    /// Creates a table; columns are left-aligned unless `alignments` says otherwise.
    init(_ headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
    }

    /// Adds a row; missing cells are blank.
    mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The table, a header line, a rule, then the rows.
    func render() -> String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            headers.indices.map { column in
                let cell = cells.indices.contains(column) ? cells[column] : ""
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return alignments[column] == .right ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n")
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}

/// Milliseconds with one decimal, the precision the model is good to.
func formatMilliseconds(_ duration: Duration) -> String {
    let tenths = (duration.inMilliseconds * 10).rounded()
    return "\(Int(tenths) / 10).\(abs(Int(tenths)) % 10) ms"
}
