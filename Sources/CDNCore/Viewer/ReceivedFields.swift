import NIOCore
import NIOHTTP1

/// The header fields of a response as they arrived, kept as their bytes: a field is found by
/// name when asked for, and only its value becomes a `String`. ``headers`` makes all of them, in
/// order, for a caller that wants every field.
public struct ReceivedFields: Sendable {
    /// The field lines, each ending in CR LF (or LF), then the empty line.
    private let bytes: ByteBuffer

    init(_ bytes: ByteBuffer) { self.bytes = bytes }

    /// No fields.
    public init() { bytes = ByteBuffer() }

    /// The first value of the field named `name` (compared ignoring case), trimmed.
    public func first(_ name: String) -> String? {
        var found: String?
        withFirst(name) { found = HeadBytes.string($0.startIndex..<$0.endIndex, in: $0.base) }
        return found
    }

    /// Calls `body` with the bytes of the first value of the field named `name` (compared
    /// ignoring case), trimmed, when there is such a field. Nothing is copied: `measure` reads
    /// three fields of every response this way. Not generic, so a caller in another module
    /// looks up no type metadata per call.
    public func withFirst(_ name: String, _ body: (Slice<UnsafeRawBufferPointer>) -> Void) {
        var name = name
        name.withUTF8 { wanted in
            bytes.withUnsafeReadableBytes { bytes in
                Self.forEachField(in: bytes) { field, value in
                    guard HeadBytes.equals(field, in: bytes, ignoringCase: wanted) else { return true }
                    body(bytes[value])
                    return false
                }
            }
        }
    }

    /// Every field, in the order received.
    public var headers: HTTPHeaders {
        bytes.withUnsafeReadableBytes { bytes in
            var headers = HTTPHeaders()
            Self.forEachField(in: bytes) { name, value in
                headers.add(name: HeadBytes.string(name, in: bytes), value: HeadBytes.string(value, in: bytes))
                return true
            }
            return headers
        }
    }

    /// Calls `body` with each field's name and trimmed value until it returns `false`. The lines
    /// were checked when the head was parsed: each has a name and a colon.
    private static func forEachField(in bytes: UnsafeRawBufferPointer, _ body: (Range<Int>, Range<Int>) -> Bool) {
        var lines = HeadBytes.Lines(bytes, to: bytes.count)
        while let line = lines.next(), !line.isEmpty {
            guard let colon = HeadBytes.index(of: HeadBytes.colon, in: bytes, from: line.lowerBound), colon < line.upperBound else { continue }
            guard body(line.lowerBound..<colon, HeadBytes.trimmed(colon + 1..<line.upperBound, in: bytes)) else { return }
        }
    }
}
