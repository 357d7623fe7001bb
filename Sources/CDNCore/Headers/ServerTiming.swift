/// The `Server-Timing` value a node's response carries: CloudFront's `cdn-*` metrics (spec §9)
/// plus one entry per stage edgesim times, so a client sees where the time went.
///
/// ```
/// Server-Timing: cdn-pop;desc="NRT50", cdn-cache-miss, cdn-hit-layer;desc="Origin",
///     edge;dur=0.41, hub;dur=2.05, origin;dur=11.3
/// ```
public struct ServerTiming: Sendable, CustomStringConvertible {
    /// One metric.
    public struct Entry: Sendable {
        /// Creates an entry.
        public init(name: String, duration: Duration? = nil, detail: String? = nil) {
            self.name = name
            self.duration = duration
            self.detail = detail
        }

        /// The metric's name.
        public var name: String
        /// Its duration, if it has one.
        public var duration: Duration?
        /// Its description, if it has one.
        public var detail: String?
    }

    /// The metrics, in order.
    public private(set) var entries: [Entry] = []

    /// Creates an empty value.
    public init() {}

    /// Reads a `Server-Timing` value (as a client does): entries split on commas, parameters on
    /// semicolons; unknown parameters are ignored and a malformed duration is left out.
    public init(parsing value: String) {
        for item in value.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimming(" \t") }
            guard let name = parts.first, !name.isEmpty else { continue }
            var entry = Entry(name: name)
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimming(" \t") }
                guard pair.count == 2 else { continue }
                switch pair[0] {
                case "dur": entry.duration = Double(pair[1]).map { .nanoseconds(Int64($0 * 1e6)) }
                case "desc": entry.detail = pair[1].trimming("\"")
                default: break
                }
            }
            entries.append(entry)
        }
    }

    /// The duration of the first metric with a name, if it has one.
    public func duration(_ name: String) -> Duration? { entries.first { $0.name == name }?.duration }

    /// The description of the first metric with a name, if it has one.
    public func detail(_ name: String) -> String? { entries.first { $0.name == name }?.detail }

    /// Whether a metric is present.
    public func contains(_ name: String) -> Bool { entries.contains { $0.name == name } }

    /// Adds a metric.
    public mutating func add(_ name: String, duration: Duration? = nil, detail: String? = nil) {
        entries.append(Entry(name: name, duration: duration, detail: detail))
    }

    public var description: String {
        entries.map { entry in
            var text = entry.name
            if let duration = entry.duration { text += ";dur=" + Self.milliseconds(duration) }
            if let detail = entry.detail { text += ";desc=\"\(detail)\"" }
            return text
        }.joined(separator: ", ")
    }

    /// Milliseconds with up to two decimals.
    static func milliseconds(_ duration: Duration) -> String {
        let value = Double(duration.nanoseconds) / 1e6
        return String(Double((value * 100).rounded()) / 100)
    }
}
