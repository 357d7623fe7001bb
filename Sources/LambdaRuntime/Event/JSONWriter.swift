/// Writes JSON text by hand, as bytes into one buffer, so the event keeps the order
/// CloudFront's examples show (and header maps keep the order the headers arrived in), and an
/// event costs one growing array rather than a string per value.
struct JSONWriter {
    /// What has been written.
    private(set) var bytes: [UInt8] = []
    /// Per open object or array: whether a value was written in it (the next needs a comma).
    private var written: [Bool] = [false]

    init(capacity: Int = 1_024) { bytes.reserveCapacity(capacity) }

    /// An object; the body writes its members.
    mutating func object(_ body: (inout JSONWriter) -> Void) { nest(0x7B, 0x7D, body) }

    /// An array; the body writes its values.
    mutating func array(_ body: (inout JSONWriter) -> Void) { nest(0x5B, 0x5D, body) }

    /// A member whose value the body writes.
    mutating func member(_ key: String, _ body: (inout JSONWriter) -> Void) {
        separate()
        quote(key)
        bytes.append(0x3A)
        written.append(false)  // the value itself takes no comma
        body(&self)
        written.removeLast()
    }

    /// A member whose value is a string.
    mutating func member(_ key: String, string value: String) { member(key) { $0.string(value) } }

    /// A member whose value is JSON text already (a number, `true`).
    mutating func member(_ key: String, raw value: String) { member(key) { $0.raw(value) } }

    /// A string value.
    mutating func string(_ value: String) {
        separate()
        quote(value)
    }

    /// A value that is JSON text already.
    mutating func raw(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
    }

    /// A value that is JSON text already, as bytes (an event written by another writer).
    mutating func raw(bytes text: [UInt8]) {
        separate()
        bytes.append(contentsOf: text)
    }

    private mutating func nest(_ open: UInt8, _ close: UInt8, _ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(open)
        written.append(false)
        body(&self)
        written.removeLast()
        bytes.append(close)
    }

    private mutating func separate() {
        if written[written.count - 1] { bytes.append(0x2C) }
        written[written.count - 1] = true
    }

    /// A string literal: `"` and `\` escaped, control characters as `\n`, `\r`, `\t` or `\u00XX`,
    /// everything else as its UTF-8 bytes. Runs of bytes that need no escape (most strings are
    /// one run) are copied whole: appended byte by byte, quoting was the largest single cost of
    /// building an event, 22,000 instructions of each warm invocation (callgrind).
    private mutating func quote(_ text: String) {
        bytes.append(0x22)
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                runStart = index + 1
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                default: bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0x0F)]])
                }
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(0x22)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
