/// Parses the unit strings a topology file uses for durations, rates, sizes and ratios:
/// `"12 ms"`, `"100 Mbit"`, `"128 MB"`, `"0.5%"`.
///
/// Every parser returns a ``QuantityError`` that says what it expected rather than a bare `nil`,
/// so that the loader can print a message a user can act on.
public enum Quantity {
    /// The units a duration may carry, with their length in seconds.
    static let durationUnits: [(names: [String], seconds: Double)] = [
        (["ns"], 1e-9), (["us", "µs"], 1e-6), (["ms"], 1e-3), (["s", "sec"], 1), (["min"], 60),
        (["h"], 3600), (["d"], 86_400), (["w"], 604_800), (["y"], 31_536_000),
    ]
    /// The units a link rate may carry, in bits per second (decimal, as networks count).
    static let rateUnits: [(names: [String], bitsPerSecond: Double)] = [
        (["bit", "bps"], 1), (["kbit", "Kbit", "kbps", "Kbps"], 1e3), (["Mbit", "mbit", "Mbps"], 1e6),
        (["Gbit", "gbit", "Gbps"], 1e9), (["Tbit", "tbit", "Tbps"], 1e12),
        (["B/s"], 8), (["kB/s", "KB/s"], 8e3), (["MB/s"], 8e6), (["GB/s"], 8e9),
    ]
    /// The units a size may carry, in bytes. Binary, as Lambda counts memory: 1 MB = 1 MiB.
    static let sizeUnits: [(names: [String], bytes: Double)] = [
        (["B"], 1), (["kB", "KB", "KiB"], 1024), (["MB", "MiB"], 1_048_576), (["GB", "GiB"], 1_073_741_824),
        (["TB", "TiB"], 1_099_511_627_776),
    ]

    /// The longest duration a file may state: a century is more than any TTL or delay needs,
    /// and keeps every value far from `Duration`'s overflow.
    static let maximumSeconds: Double = 3_153_600_000

    /// Parses a duration such as `"12 ms"`, `"1.5 s"` or `"1 d"`.
    /// - Returns: The duration, or why the text is not one.
    public static func duration(_ text: String) -> Result<Duration, QuantityError> {
        switch split(text, kind: "duration", example: "12 ms", units: durationUnits.flatMap(\.names)) {
        case .failure(let error):
            return .failure(error)
        case .success(let (value, unit)):
            let scale = durationUnits.first { $0.names.contains(unit) }!.seconds
            let seconds = value * scale
            guard seconds >= 0 else { return .failure(QuantityError("a duration cannot be negative: '\(text)'")) }
            guard seconds <= maximumSeconds else { return .failure(QuantityError("duration '\(text)' is longer than a century")) }
            return .success(Duration.seconds(seconds))
        }
    }

    /// Parses a link rate such as `"100 Mbit"`, `"1 Gbit/s"` or `"12.5 MB/s"`.
    /// - Returns: The rate in bits per second, or why the text is not one.
    public static func rate(_ text: String) -> Result<Double, QuantityError> {
        var trimmed = text.trimmingWhitespace()
        if trimmed.hasSuffix("/s"), !trimmed.hasSuffix("B/s") { trimmed.removeLast(2) }
        switch split(trimmed, kind: "rate", example: "100 Mbit", units: rateUnits.flatMap(\.names)) {
        case .failure(let error):
            return .failure(error)
        case .success(let (value, unit)):
            let bits = value * rateUnits.first { $0.names.contains(unit) }!.bitsPerSecond
            guard bits > 0 else { return .failure(QuantityError("a rate must be above zero: '\(text)'")) }
            return .success(bits)
        }
    }

    /// Parses a size such as `"128 MB"` or `"64 KiB"`.
    /// - Returns: The size in bytes, or why the text is not one.
    public static func size(_ text: String) -> Result<Int, QuantityError> {
        switch split(text, kind: "size", example: "128 MB", units: sizeUnits.flatMap(\.names)) {
        case .failure(let error):
            return .failure(error)
        case .success(let (value, unit)):
            let bytes = (value * sizeUnits.first { $0.names.contains(unit) }!.bytes).rounded()
            guard bytes >= 0, bytes < 1e15 else { return .failure(QuantityError("size '\(text)' is out of range")) }
            return .success(Int(bytes))
        }
    }

    /// Parses a loss ratio: a percentage (`"0.5%"`) or a fraction from 0 to 1 (`0.005`).
    /// - Returns: The fraction of packets lost, from 0 to 1.
    public static func ratio(_ text: String) -> Result<Double, QuantityError> {
        let trimmed = text.trimmingWhitespace()
        let isPercent = trimmed.hasSuffix("%")
        let number = isPercent ? String(trimmed.dropLast()).trimmingWhitespace() : trimmed
        guard let value = Double(number), value.isFinite else {
            return .failure(QuantityError("malformed ratio '\(text)': expected a percentage such as '0.5%' or a fraction such as 0.005"))
        }
        let fraction = isPercent ? value / 100 : value
        guard (0...1).contains(fraction) else { return .failure(QuantityError("ratio '\(text)' must lie between 0% and 100%")) }
        return .success(fraction)
    }

    /// Splits `"12.5 ms"` into its number and its unit, checking both.
    private static func split(
        _ text: String,
        kind: String,
        example: String,
        units: [String]
    ) -> Result<(Double, String), QuantityError> {
        let trimmed = text.trimmingWhitespace()
        let number = numberPrefix(of: trimmed)
        let unit = String(trimmed.dropFirst(number.count)).trimmingWhitespace()
        let expected = "expected a number and a unit (\(units.joined(separator: ", "))), e.g. '\(example)'"
        guard let value = Double(number), value.isFinite else {
            return .failure(QuantityError("malformed \(kind) '\(text)': \(expected)"))
        }
        guard !unit.isEmpty else { return .failure(QuantityError("malformed \(kind) '\(text)': the unit is missing; \(expected)")) }
        guard units.contains(unit) else { return .failure(QuantityError("malformed \(kind) '\(text)': unknown unit '\(unit)'; \(expected)")) }
        return .success((value, unit))
    }

    /// The leading characters of `text` that can belong to a decimal number, exponent included.
    private static func numberPrefix(of text: String) -> Substring {
        var end = text.startIndex
        var previous: Character = " "
        for character in text {
            let isExponentSign = (character == "+" || character == "-") && (previous == "e" || previous == "E")
            let isExponent = (character == "e" || character == "E") && previous.isNumber
            guard character.isASCII,
                character.isNumber || character == "." || isExponent || isExponentSign || end == text.startIndex && character == "-"
            else { break }
            end = text.index(after: end)
            previous = character
        }
        return text[..<end]
    }
}

/// Why a unit string could not be read.
public struct QuantityError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with the text, naming it.
    public var message: String

    /// Creates an error with its message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension Duration {
    /// The duration in (fractional) milliseconds, the unit latencies are printed in.
    public var inMilliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// The duration in (fractional) seconds.
    public var inSeconds: Double { inMilliseconds / 1000 }

    /// The duration in whole nanoseconds, as NIO's `TimeAmount` and `NIODeadline` count.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
