import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level reading of an HTTP/1 message head: lines, tokens, and the few field values a
/// parser must understand (RFC 9112). Everything here works on the received bytes in place.
enum HeadBytes {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")
    static let semicolon = UInt8(ascii: ";")

    /// Where the head that starts `bytes` ends, just past its empty line; scanning resumes at
    /// `resume`, the start of a line already known not to be the empty one. When the head is
    /// not all there yet, `end` is `nil` and `resume` is where the next scan can start, so a
    /// head that arrives in many pieces is scanned once, not once per piece.
    static func end(of bytes: UnsafeRawBufferPointer, resume: Int) -> (end: Int?, resume: Int) {
        var lineStart = resume
        while let newline = index(of: lf, in: bytes, from: lineStart) {
            let length = newline - lineStart
            if length == 0 || (length == 1 && bytes[lineStart] == cr) { return (newline + 1, newline + 1) }
            lineStart = newline + 1
        }
        return (nil, lineStart)
    }

    /// The head at the start of `buffer`, parsed by `parse` once its empty line has arrived.
    /// - Parameters:
    ///   - resume: Where the scan for the head's end goes on; moved on while the head is not all
    ///     there, so each byte is scanned once however many reads the head takes.
    ///   - maximum: The longest head read.
    ///   - what: What the head holds, for the error past `maximum`.
    ///   - parse: Parses `bytes[0..<end]`.
    /// - Returns: What `parse` made, and the head's length; `nil` while the head is incomplete.
    /// - Throws: ``HTTP1ParseError`` past `maximum` bytes without the head's end, or from `parse`.
    static func head<Head>(
        in buffer: ByteBuffer,
        resume: inout Int,
        maximum: Int,
        naming what: String,
        _ parse: (UnsafeRawBufferPointer, Int) throws(HTTP1ParseError) -> Head
    ) throws(HTTP1ParseError) -> (head: Head, length: Int)? {
        try buffer.withUnsafeReadableBytes { bytes throws(HTTP1ParseError) -> (head: Head, length: Int)? in
            let (end, next) = Self.end(of: bytes, resume: resume)
            guard let end else {
                guard bytes.count <= maximum else { throw HTTP1ParseError(code: .tooLarge, message: "\(what) are longer than \(maximum) bytes") }
                resume = next
                return nil
            }
            return (try parse(bytes, end), end)
        }
    }

    /// The first `byte` at or after `start`.
    static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// The lines of a head, each without its CR LF (a bare LF ends a line too, as RFC 9112
    /// §2.2 lets a recipient accept), up to the empty line that ends the head.
    struct Lines: IteratorProtocol {
        let bytes: UnsafeRawBufferPointer
        var position: Int
        let end: Int

        init(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, to end: Int) {
            self.bytes = bytes
            self.position = start
            self.end = end
        }

        mutating func next() -> Range<Int>? {
            guard position < end, let newline = HeadBytes.index(of: HeadBytes.lf, in: bytes, from: position), newline < end else { return nil }
            let start = position
            position = newline + 1
            let stop = newline > start && bytes[newline - 1] == HeadBytes.cr ? newline - 1 : newline
            return start..<stop
        }
    }

    /// A field line's name and its value without the spaces around it (RFC 9112 §5).
    /// - Throws: ``HTTP1ParseError`` for a line folded onto the one before it (obsolete line
    ///   folding, which two parsers may read differently) or one without a colon.
    static func field(_ line: Range<Int>, in bytes: UnsafeRawBufferPointer) throws(HTTP1ParseError) -> (name: Range<Int>, value: Range<Int>) {
        let first = bytes[line.lowerBound]
        if first == space || first == tab {
            throw HTTP1ParseError(code: .fieldLine, message: "a header field line is folded onto the one before it (obsolete line folding)")
        }
        guard let colon = index(of: HeadBytes.colon, in: bytes, from: line.lowerBound), colon < line.upperBound else {
            throw HTTP1ParseError(code: .fieldLine, message: "the header line '\(string(line, in: bytes).prefix(80))' has no colon")
        }
        return (line.lowerBound..<colon, trimmed(colon + 1..<line.upperBound, in: bytes))
    }

    /// What a `Connection` value asks: `close`, and (what HTTP/1.0 needs to stay open) `keep-alive`.
    static func connectionOptions(_ value: Range<Int>, in bytes: UnsafeRawBufferPointer) -> (close: Bool, keepAlive: Bool) {
        var options = (close: false, keepAlive: false)
        forEachElement(of: value, in: bytes) { option in
            if equals(option, in: bytes, lowercase: "close") { options.close = true }
            if equals(option, in: bytes, lowercase: "keep-alive") { options.keepAlive = true }
        }
        return options
    }

    /// The range without the spaces and tabs at either end (a field value's OWS).
    static func trimmed(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, bytes[lower] == space || bytes[lower] == tab { lower += 1 }
        while upper > lower, bytes[upper - 1] == space || bytes[upper - 1] == tab { upper -= 1 }
        return lower..<upper
    }

    /// Whether the bytes spell `lowercase`, ignoring the case of letters.
    static func equals(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer, lowercase: StaticString) -> Bool {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for offset in 0..<range.count {
            var byte = bytes[range.lowerBound + offset]
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte |= 0x20 }
            if byte != expected[offset] { return false }
        }
        return true
    }

    /// Whether the bytes are exactly `literal` (case counts, as in a method).
    static func matches(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount, let base = bytes.baseAddress else { return false }
        return memcmp(base + range.lowerBound, literal.utf8Start, range.count) == 0
    }

    /// Calls `body` with each element of a comma-separated list, trimmed, skipping empty ones.
    static func forEachElement(of range: Range<Int>, in bytes: UnsafeRawBufferPointer, _ body: (Range<Int>) throws -> Void) rethrows {
        var start = range.lowerBound
        while start <= range.upperBound {
            var stop = start
            while stop < range.upperBound, bytes[stop] != comma { stop += 1 }
            let element = trimmed(start..<stop, in: bytes)
            if !element.isEmpty { try body(element) }
            start = stop + 1
        }
    }

    /// A field value's bytes are visible characters, spaces, tabs or obs-text (RFC 9110 §5.5):
    /// no control characters, which would let a value smuggle a line break or a NUL onward.
    static func isFieldValue(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> Bool {
        for index in range where !AddedFields.isLegal(bytes[index]) { return false }
        return true
    }

    /// A request target's bytes: no spaces or control characters.
    static func isTarget(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> Bool {
        for index in range {
            let byte = bytes[index]
            if byte <= space || byte == 0x7F { return false }
        }
        return true
    }

    /// A decimal number of at most 18 digits (no sign, no spaces), as `Content-Length` is.
    static func decimal(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> Int? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var value = 0
        for index in range {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// A `Content-Length` value (a list of equal values counts as one), which must agree with
    /// any before it.
    static func contentLength(_ value: Range<Int>, in bytes: UnsafeRawBufferPointer, before: Int?) throws(HTTP1ParseError) -> Int {
        var length = before
        var valid = true
        HeadBytes.forEachElement(of: value, in: bytes) { element in
            guard let parsed = HeadBytes.decimal(element, in: bytes), length == nil || length == parsed else {
                valid = false
                return
            }
            length = parsed
        }
        guard valid, let length else {
            throw HTTP1ParseError(code: .framing, message: "Content-Length '\(HeadBytes.string(value, in: bytes).prefix(40))' is not one length")
        }
        return length
    }

    /// Whether the bytes spell `other`, ignoring the case of ASCII letters.
    static func equals(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer, ignoringCase other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == other.count else { return false }
        for offset in 0..<range.count {
            let (byte, wanted) = (bytes[range.lowerBound + offset], other[offset])
            guard byte != wanted else { continue }
            let lower = byte | 0x20
            guard lower == wanted | 0x20, lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "z") else { return false }
        }
        return true
    }

    /// The bytes as text (invalid UTF-8 becomes U+FFFD).
    static func string(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> String {
        guard !range.isEmpty, let base = bytes.baseAddress else { return "" }
        // As typed bytes: through the raw buffer, a generic path looked up type metadata per call.
        let typed = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self) + range.lowerBound, count: range.count)
        return String(decoding: typed, as: UTF8.self)
    }
}
