import Foundation

/// Two measurements side by side, location by location: which got faster, by how much, and
/// whether the edge that served them changed.
public struct MeasureComparison: Sendable, Codable {
    /// One location in both runs.
    public struct Row: Sendable, Codable {
        public var viewer: String
        public var location: String
        public var edgeBefore: String
        public var edgeAfter: String
        public var p50Before: Double
        public var p50After: Double
        public var p99Before: Double
        public var p99After: Double

        /// The p50's change in milliseconds (negative: faster).
        public var p50Change: Double { p50After - p50Before }
        /// The p50's change as a share of before.
        public var p50ChangeRatio: Double { p50Before > 0 ? p50Change / p50Before : 0 }
    }

    /// What each run was.
    public var before: String
    public var after: String
    /// Locations in both runs, biggest improvement first.
    public var rows: [Row]
    /// Locations measured in only one of them.
    public var unmatched: [String]

    /// Compares two results.
    /// - Parameters:
    ///   - before: The first run, and what to call it.
    ///   - after: The second run, and what to call it.
    public init(before: (String, MeasureResult), after: (String, MeasureResult)) {
        self.before = before.0
        self.after = after.0
        let later = Dictionary(after.1.locations.map { ($0.target.viewer, $0) }, uniquingKeysWith: { first, _ in first })
        rows = before.1.locations.compactMap { first in
            guard let second = later[first.target.viewer] else { return nil }
            return Row(
                viewer: first.target.viewer,
                location: first.target.location,
                edgeBefore: first.servedBy,
                edgeAfter: second.servedBy,
                p50Before: first.p50,
                p50After: second.p50,
                p99Before: first.p99,
                p99After: second.p99
            )
        }
        .sorted { $0.p50Change < $1.p50Change }
        let matched = Set(rows.map(\.viewer))
        unmatched = (before.1.locations + after.1.locations).map(\.target.viewer).filter { !matched.contains($0) }
    }

    /// A change is counted when it passes both 1 ms and 10% (smaller ones are noise here).
    static func isReal(_ row: Row) -> Bool { abs(row.p50Change) >= 1 && abs(row.p50ChangeRatio) >= 0.1 }

    /// Locations that got faster, slower, or stayed.
    public var summary: (faster: Int, slower: Int, same: Int) {
        let real = rows.filter(Self.isReal)
        let faster = real.filter { $0.p50Change < 0 }.count
        return (faster, real.count - faster, rows.count - real.count)
    }
}
