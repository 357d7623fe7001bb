import Topology

/// A JSON value, as a function's result is read: typed, so the validator asks for a string or
/// a number where Foundation's `JSONSerialization` gave `Any` to cast, and read in one pass over
/// the bytes (`JSONSerialization` was half of validating a result).
///
/// Objects are dictionaries: a result's member order means nothing to CloudFront (header maps
/// are read in name order), and a repeated key keeps its last value, as `JSON.parse` does.
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The deepest nesting read: deeper text is refused rather than risking the stack.
    static let maximumDepth = 512

    /// Parses one JSON text (RFC 8259: any value at the top, white space around it).
    /// - Returns: `nil` when the bytes are not exactly one valid JSON text.
    init?(parsing bytes: some Collection<UInt8>) {
        let read = { (buffer: UnsafeBufferPointer<UInt8>) -> JSONValue? in
            var reader = JSONReader(bytes: buffer)
            guard let value = reader.value(depth: 0) else { return nil }
            reader.skipSpace()
            return reader.at == buffer.count ? value : nil
        }
        guard let value = bytes.withContiguousStorageIfAvailable(read) ?? Array(bytes).withUnsafeBufferPointer(read) else { return nil }
        self = value
    }

    /// The string, if this is one.
    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, if this is one.
    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number, if this is one (a boolean is not).
    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number as an integer, if this is a number with no fraction.
    var integer: Int? {
        guard let number, number.rounded() == number, let integer = Int(exactly: number) else { return nil }
        return integer
    }

    /// The members, if this is an object.
    var object: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements, if this is an array.
    var array: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// A member of an object; `nil` for a missing member or when this is not an object.
    subscript(key: String) -> JSONValue? { object?[key] }

    /// What kind of value this is, for error messages: "an object", "null", …
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// The parser behind ``JSONValue/init(parsing:)``: a cursor over the bytes.
private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func value(depth: Int) -> JSONValue? {
        skipSpace()
        guard at < bytes.count, depth <= JSONValue.maximumDepth else { return nil }
        switch bytes[at] {
        case UInt8(ascii: "{"): return object(depth: depth + 1)
        case UInt8(ascii: "["): return array(depth: depth + 1)
        case UInt8(ascii: "\""): return string().map { .string($0) }
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return number().map { .number($0) }
        }
    }

    private mutating func object(depth: Int) -> JSONValue? {
        at += 1  // {
        skipSpace()
        if take(UInt8(ascii: "}")) { return .object([:]) }
        // Room for a few members at once: grown from empty, a dictionary of two or three was
        // resized twice (nine resizes per warm invocation's reply, callgrind).
        var members = [String: JSONValue](minimumCapacity: 4)
        while true {
            skipSpace()
            guard let key = string() else { return nil }
            skipSpace()
            guard take(UInt8(ascii: ":")), let value = value(depth: depth) else { return nil }
            members[key] = value
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}")) ? .object(members) : nil
        }
    }

    private mutating func array(depth: Int) -> JSONValue? {
        at += 1  // [
        var elements: [JSONValue] = []
        skipSpace()
        if take(UInt8(ascii: "]")) { return .array(elements) }
        while true {
            guard let element = value(depth: depth) else { return nil }
            elements.append(element)
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]")) ? .array(elements) : nil
        }
    }

    /// A number by JSON's grammar: `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)? ([eE] [+-]? [0-9]+)?
    private mutating func number() -> Double? {
        let start = at
        _ = take(UInt8(ascii: "-"))
        if take(UInt8(ascii: "0")) {
            // no more integer digits after a leading zero
        } else {
            guard digits() > 0 else { return nil }
        }
        if take(UInt8(ascii: ".")) { guard digits() > 0 else { return nil } }
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            guard digits() > 0 else { return nil }
        }
        return Self.exactly(UnsafeBufferPointer(rebasing: bytes[start..<at]))
            ?? Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self))
    }

    /// A number of at most 15 digits with no exponent (every count and duration a worker
    /// reports, most numbers in events), without making a string for `strtod`: its digits as an
    /// integer, which is exact, divided by a power of ten, which is exact too up to 10^22, so
    /// the one division rounds correctly, as `strtod` does. `nil` for any other number.
    private static func exactly(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        var mantissa = 0
        var digits = 0
        var decimals = 0
        var seenPoint = false
        for (index, byte) in text.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                mantissa = mantissa * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                if seenPoint { decimals += 1 }
            case UInt8(ascii: "-") where index == 0: continue
            case UInt8(ascii: "."): seenPoint = true
            default: return nil
            }
            if digits > 15 { return nil }
        }
        let magnitude = decimals == 0 ? Double(mantissa) : Double(mantissa) / powersOfTen[decimals]
        return text.first == UInt8(ascii: "-") ? -magnitude : magnitude
    }

    private static let powersOfTen: [Double] = (0...15).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }

    private mutating func digits() -> Int {
        let start = at
        while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) { at += 1 }
        return at - start
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - at >= count,
            word.withUTF8Buffer({ UnsafeBufferPointer(rebasing: bytes[at..<(at + count)]).elementsEqual($0) })
        else { return false }
        at += count
        return true
    }

    /// A string: escapes decoded, `\u` escapes with surrogate pairs; a lone surrogate becomes
    /// U+FFFD. Raw control characters are refused, as JSON requires.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        // The common case, no escapes: one string made from the bytes in place.
        let start = at
        while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\"), bytes[at] >= 0x20 { at += 1 }
        guard at < bytes.count else { return nil }
        if bytes[at] == UInt8(ascii: "\"") {
            at += 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(at - 1)]), as: UTF8.self)
        }
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<at]))
        while at < bytes.count {
            let byte = bytes[at]
            at += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard at < bytes.count else { return nil }
                let escape = bytes[at]
                at += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    out.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            case 0..<0x20: return nil
            default: out.append(byte)
            }
        }
        return nil
    }

    /// The scalar of a `\u` escape (its `\u` read already), joining a surrogate pair.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let unit = hex4() else { return nil }
        let replacement = Unicode.Scalar(0xFFFD)!
        guard (0xD800..<0xE000).contains(unit) else { return Unicode.Scalar(unit) }
        guard unit < 0xDC00, bytes.count - at >= 6, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else { return replacement }
        let mark = at
        at += 2
        guard let low = hex4() else { return nil }
        guard (0xDC00..<0xE000).contains(low) else {
            at = mark  // a lone high surrogate; the next escape stands on its own
            return replacement
        }
        return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
    }

    private mutating func hex4() -> UInt32? {
        guard bytes.count - at >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = bytes[at].hexDigitValue else { return nil }
            value = value << 4 | UInt32(digit)
            at += 1
        }
        return value
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x09 || bytes[at] == 0x0A || bytes[at] == 0x0D { at += 1 }
    }
}
