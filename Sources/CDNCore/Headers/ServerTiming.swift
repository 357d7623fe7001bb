import Topology

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

    /// Creates an empty value, with room for an edge's usual eight metrics.
    public init() { entries.reserveCapacity(8) }

    /// Reads a `Server-Timing` value (as a client does): entries split on commas, parameters on
    /// semicolons, empty pieces skipped; unknown parameters are ignored and a malformed duration
    /// is left out. It reads the value's UTF-8 bytes in one pass: `measure` parses one per sample.
    public init(parsing value: String) {
        var value = value
        value.withUTF8 { bytes in
            for item in Self.pieces(of: bytes[...], separator: UInt8(ascii: ",")) {
                let parts = Self.pieces(of: item, separator: UInt8(ascii: ";")).map { Self.trimmed($0) }
                guard let name = parts.first, !name.isEmpty else { continue }
                var entry = Entry(name: String(decoding: name, as: UTF8.self))
                for parameter in parts.dropFirst() {
                    // `key=value`: an empty key or value leaves the parameter out.
                    guard let equals = parameter.firstIndex(of: UInt8(ascii: "=")), equals > parameter.startIndex,
                        equals + 1 < parameter.endIndex
                    else { continue }
                    let key = Self.trimmed(parameter[..<equals])
                    let argument = Self.trimmed(parameter[parameter.index(after: equals)...])
                    if key.elementsEqual("dur".utf8) {
                        entry.duration = Double(String(decoding: argument, as: UTF8.self)).map { .nanoseconds(Int64($0 * 1e6)) }
                    } else if key.elementsEqual("desc".utf8) {
                        entry.detail = String(decoding: Self.trimmed(argument, only: UInt8(ascii: "\"")), as: UTF8.self)
                    }
                }
                entries.append(entry)
            }
        }
    }

    /// The non-empty pieces between separators.
    private static func pieces(of bytes: Slice<UnsafeBufferPointer<UInt8>>, separator: UInt8) -> [Slice<UnsafeBufferPointer<UInt8>>] {
        bytes.split(separator: separator, omittingEmptySubsequences: true)
    }

    /// Bytes without spaces and tabs at either end, or without only `only` when it is given.
    private static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, only: UInt8? = nil) -> Slice<UnsafeBufferPointer<UInt8>> {
        func padding(_ byte: UInt8) -> Bool { only.map { byte == $0 } ?? (byte == 0x20 || byte == 0x09) }
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, padding(bytes[start]) { start += 1 }
        while start < end, padding(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
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

    /// The header value.
    public var description: String {
        var text = ByteText()
        write(to: &text)
        return text.string
    }

    /// The most bytes ``write(to:)`` writes, for a head sized before it is written.
    public var maximumLength: Int {
        entries.reduce(0) { total, entry in
            total + 2 + entry.name.utf8.count + (entry.duration == nil ? 0 : 5 + 24) + (entry.detail.map { 8 + $0.utf8.count } ?? 0)
        }
    }

    /// Writes the header value, where a response head is being made: every response carries one.
    public func write(to text: inout some TextSink) {
        for (index, entry) in entries.enumerated() {
            if index > 0 { text.put(", ") }
            text.put(entry.name)
            if let duration = entry.duration {
                text.put(";dur=")
                Self.writeMilliseconds(duration, to: &text)
            }
            if let detail = entry.detail {
                text.put(";desc=\"")
                text.put(detail)
                text.put(byte: UInt8(ascii: "\""))
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> String {
        var text = ByteText()
        writeMilliseconds(duration, to: &text)
        return text.string
    }

    /// Milliseconds with up to two decimals: `0.41`, `12.3`, `2.0`.
    private static func writeMilliseconds(_ duration: Duration, to text: inout some TextSink) {
        let hundredths = (Double(duration.nanoseconds) / 1e4).rounded()
        guard abs(hundredths) < 1e15 else { return text.put(String(hundredths / 100)) }
        let value = Int(hundredths)
        if value < 0 { text.put(byte: UInt8(ascii: "-")) }
        text.put(decimal: Int(value.magnitude / 100))
        text.put(byte: UInt8(ascii: "."))
        let fraction = value.magnitude % 100
        text.put(byte: UInt8(ascii: "0") + UInt8(fraction / 10))
        if fraction % 10 != 0 { text.put(byte: UInt8(ascii: "0") + UInt8(fraction % 10)) }
    }
}
