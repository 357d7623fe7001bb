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
