/// One message from a worker: a small JSON object of fields, then, for a reply whose handler
/// returned, a newline and the handler's result as the worker's own `JSON.stringify` or
/// `json.dumps` wrote it (neither writes a raw newline). The result's bytes are passed on as they
/// came, to be validated once, not decoded and encoded again here.
///
/// The fields are read leniently: the worker is ours, but the result inside is the user's, and
/// is validated elsewhere. They are an object of strings, numbers and booleans (and an error's
/// `trace`, skipped), read here in one pass over the bytes.
struct WorkerMessage {
    /// A field's value.
    enum Value: Equatable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
    }

    private let fields: [String: Value]
    /// The handler's result, raw JSON, when the message carries one.
    let result: [UInt8]?

    init(_ bytes: [UInt8]) {
        let newline = bytes.firstIndex(of: 0x0A)
        let head = newline.map { bytes[..<$0] } ?? bytes[...]
        fields = FlatObject.parse(head) ?? [:]
        result = newline.map { Array(bytes[bytes.index(after: $0)...]) }
    }

    func bool(_ key: String) -> Bool? {
        if case .bool(let value) = fields[key] { return value }
        return nil
    }

    func string(_ key: String) -> String? {
        if case .string(let value) = fields[key] { return value }
        return nil
    }

    func double(_ key: String) -> Double? {
        if case .number(let value) = fields[key] { return value }
        return nil
    }
}

/// Reads a JSON object's string, number, boolean and null members from its bytes, skipping
/// nested arrays and objects; `nil` for text that is not one JSON object.
enum FlatObject {
    static func parse(_ bytes: ArraySlice<UInt8>) -> [String: WorkerMessage.Value]? {
        var reader = Reader(bytes: bytes)
        return reader.object()
    }

    private struct Reader {
        let bytes: ArraySlice<UInt8>
        var at: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            at = bytes.startIndex
        }

        mutating func object() -> [String: WorkerMessage.Value]? {
            skipSpace()
            guard take(0x7B) else { return nil }
            var fields: [String: WorkerMessage.Value] = [:]
            skipSpace()
            if take(0x7D) { return end(fields) }
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard take(0x3A) else { return nil }
                skipSpace()
                if at < bytes.endIndex, bytes[at] == 0x5B || bytes[at] == 0x7B {
                    guard skipNested() else { return nil }
                } else {
                    guard let value = value() else { return nil }
                    fields[key] = value
                }
                skipSpace()
                if take(0x2C) { continue }
                guard take(0x7D) else { return nil }
                return end(fields)
            }
        }

        private mutating func end(_ fields: [String: WorkerMessage.Value]) -> [String: WorkerMessage.Value]? {
            skipSpace()
            return at == bytes.endIndex ? fields : nil
        }

        private mutating func value() -> WorkerMessage.Value? {
            guard at < bytes.endIndex else { return nil }
            switch bytes[at] {
            case 0x22: return string().map { .string($0) }
            case 0x74: return literal("true") ? .bool(true) : nil
            case 0x66: return literal("false") ? .bool(false) : nil
            case 0x6E: return literal("null") ? .null : nil
            default: return number().map { .number($0) }
            }
        }

        /// Steps over an array or object, strings inside it included.
        private mutating func skipNested() -> Bool {
            var depth = 0
            while at < bytes.endIndex {
                switch bytes[at] {
                case 0x5B, 0x7B:
                    depth += 1
                    at += 1
                case 0x5D, 0x7D:
                    depth -= 1
                    at += 1
                    if depth == 0 { return true }
                case 0x22:
                    guard string() != nil else { return false }
                default: at += 1
                }
            }
            return false
        }

        private mutating func number() -> Double? {
            let start = at
            while at < bytes.endIndex, [0x2B, 0x2D, 0x2E, 0x45, 0x65].contains(bytes[at]) || (0x30...0x39).contains(bytes[at]) { at += 1 }
            guard at > start else { return nil }
            return Double(String(decoding: bytes[start..<at], as: UTF8.self))
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard bytes.endIndex - at >= count,
                word.withUTF8Buffer({ bytes[at..<(at + count)].elementsEqual($0) })
            else { return false }
            at += count
            return true
        }

        /// A string: escapes decoded; `\u` escapes, surrogate pairs included.
        private mutating func string() -> String? {
            guard take(0x22) else { return nil }
            var out: [UInt8] = []
            while at < bytes.endIndex {
                let byte = bytes[at]
                at += 1
                switch byte {
                case 0x22: return String(decoding: out, as: UTF8.self)
                case 0x5C:
                    guard at < bytes.endIndex else { return nil }
                    let escape = bytes[at]
                    at += 1
                    switch escape {
                    case 0x22, 0x5C, 0x2F: out.append(escape)
                    case 0x62: out.append(0x08)
                    case 0x66: out.append(0x0C)
                    case 0x6E: out.append(0x0A)
                    case 0x72: out.append(0x0D)
                    case 0x74: out.append(0x09)
                    case 0x75:
                        guard var scalar = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(scalar), take(0x5C), take(0x75), let low = hex4(), (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        out.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                    default: return nil
                    }
                default: out.append(byte)
                }
            }
            return nil
        }

        private mutating func hex4() -> UInt32? {
            guard bytes.endIndex - at >= 4, let value = UInt32(String(decoding: bytes[at..<(at + 4)], as: UTF8.self), radix: 16) else { return nil }
            at += 4
            return value
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard at < bytes.endIndex, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        private mutating func skipSpace() {
            while at < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
        }
    }
}
