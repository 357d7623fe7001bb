import Foundation
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

    /// Reads a `Server-Timing` value (as a client does), by ``scan(_:_:)``'s rules.
    public init(parsing value: String) {
        var value = value
        value.withUTF8 { bytes in
            Self.scan(UnsafeRawBufferPointer(bytes)) { name, duration, detail in
                var entry = Entry(name: String(decoding: name, as: UTF8.self))
                entry.duration = duration.flatMap(Self.duration(of:))
                entry.detail = detail.map { String(decoding: Self.trimmed($0, only: UInt8(ascii: "\"")), as: UTF8.self) }
                entries.append(entry)
            }
        }
    }

    /// The bytes of a `Server-Timing` value.
    public typealias Bytes = Slice<UnsafeRawBufferPointer>

    /// Reads a `Server-Timing` value's UTF-8 bytes in one pass, with nothing allocated: `measure`
    /// reads one per sample. Entries are split on commas and parameters on semicolons, empty
    /// pieces skipped, each piece trimmed of spaces and tabs; an entry with no name is left out.
    /// `body` gets each entry's name and the last `dur` and `desc` arguments it has (a parameter
    /// with an empty key or value is left out, and unknown ones are ignored).
    public static func scan(_ value: UnsafeRawBufferPointer, _ body: (_ name: Bytes, _ duration: Bytes?, _ detail: Bytes?) -> Void) {
        var items = pieces(of: value[...], separator: UInt8(ascii: ","))
        while let item = items.next() {
            var parts = pieces(of: item, separator: UInt8(ascii: ";"))
            guard let name = parts.next().map({ trimmed($0) }), !name.isEmpty else { continue }
            var duration: Bytes?
            var detail: Bytes?
            while let part = parts.next() {
                let parameter = trimmed(part)
                guard let equals = parameter.firstIndex(of: UInt8(ascii: "=")), equals > parameter.startIndex,
                    equals + 1 < parameter.endIndex
                else { continue }
                let key = trimmed(parameter[..<equals])
                let argument = trimmed(parameter[parameter.index(after: equals)...])
                if key.elementsEqual("dur".utf8) {
                    duration = argument
                } else if key.elementsEqual("desc".utf8) {
                    detail = argument
                }
            }
            body(name, duration, detail)
        }
    }

    /// A `dur` argument, in milliseconds, as a duration; `nil` when it is not a number, or not
    /// one a duration holds (infinite, or past 292 years). The
    /// usual form (digits with a decimal point) is read from the bytes: the digits as one whole
    /// number divided once by a power of ten, which rounds as `Double("…")` does.
    public static func duration(of argument: Bytes) -> Duration? {
        var whole: UInt64 = 0
        var digits = 0
        var decimals = -1
        for byte in argument {
            if byte == UInt8(ascii: "."), decimals < 0 {
                decimals = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 15 {
                whole = whole * 10 + UInt64(byte - UInt8(ascii: "0"))
                digits += 1
                if decimals >= 0 { decimals += 1 }
            } else {
                return Double(String(decoding: argument, as: UTF8.self)).flatMap(milliseconds)
            }
        }
        guard digits > 0 else { return nil }
        return milliseconds(Double(whole) / powersOfTen[max(0, decimals)])
    }

    private static let powersOfTen: [Double] = (0...15).map { pow(10, Double($0)) }

    private static func milliseconds(_ value: Double) -> Duration? { Int64(exactly: (value * 1e6).rounded(.towardZero)).map { .nanoseconds($0) } }

    /// The non-empty pieces between separators, one at a time.
    private static func pieces(of bytes: Bytes, separator: UInt8) -> Pieces { Pieces(rest: bytes, separator: separator) }

    private struct Pieces: IteratorProtocol {
        var rest: Bytes
        let separator: UInt8

        mutating func next() -> Bytes? {
            while !rest.isEmpty {
                let end = rest.firstIndex(of: separator) ?? rest.endIndex
                let piece = rest[..<end]
                rest = rest[(end == rest.endIndex ? end : end + 1)...]
                if !piece.isEmpty { return piece }
            }
            return nil
        }
    }

    /// Bytes without spaces and tabs at either end, or without only `only` when it is given.
    private static func trimmed(_ bytes: Bytes, only: UInt8? = nil) -> Bytes {
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
