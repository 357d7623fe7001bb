import HTTPTypes
import Topology

/// Where a header's text is written byte by byte: a response head being made, or an array.
/// It lets a value such as ``ServerTiming`` be written straight into the head, with no string
/// or buffer of its own in between.
public protocol TextSink {
    /// Appends a string's UTF-8 bytes.
    mutating func put(_ text: String)
    /// Appends a literal.
    mutating func put(_ text: StaticString)
    /// Appends one byte.
    mutating func put(byte: UInt8)
}

extension TextSink {
    /// Appends a header line, `Name: value` and CRLF, its value written by `value`.
    public mutating func putField(_ name: HTTPField.Name, value: (inout Self) -> Void) {
        put(name.rawName)
        put(": ")
        value(&self)
        put("\r\n")
    }

    /// Appends a field as a header line.
    public mutating func put(_ field: HTTPField) { putField(field.name) { $0.put(field.value) } }

    /// Appends a non-negative integer's decimal digits, or a negative one's with its sign.
    public mutating func put(decimal value: Int) {
        if value < 0 { put(byte: UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        repeat {
            put(byte: UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
            divisor /= 10
        } while divisor > 0
    }
}

/// Text collected in an array, for a value wanted as a `String`.
struct ByteText: TextSink {
    var bytes: [UInt8] = []

    mutating func put(_ text: String) { bytes.append(contentsOf: text.utf8) }
    mutating func put(_ text: StaticString) { text.withUTF8Buffer { bytes.append(contentsOf: $0) } }
    mutating func put(byte: UInt8) { bytes.append(byte) }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
