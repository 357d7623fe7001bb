/// The framing between an edge and its workers: a 4-byte big-endian length, then that many
/// bytes of UTF-8 JSON.
enum Frames {
    /// Frames one message.
    static func encode(_ json: [UInt8]) -> [UInt8] {
        let length = UInt32(json.count)
        return [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)] + json
    }

    /// Takes every complete frame from the front of a buffer.
    static func decode(_ buffer: inout [UInt8]) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var offset = 0
        while buffer.count - offset >= 4 {
            let length =
                Int(buffer[offset]) << 24 | Int(buffer[offset + 1]) << 16 | Int(buffer[offset + 2]) << 8 | Int(buffer[offset + 3])
            guard buffer.count - offset - 4 >= length else { break }
            frames.append(Array(buffer[(offset + 4)..<(offset + 4 + length)]))
            offset += 4 + length
        }
        if offset > 0 { buffer.removeFirst(offset) }
        return frames
    }
}
