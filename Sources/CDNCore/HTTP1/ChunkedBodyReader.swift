import NIOCore
import Topology

/// Reads a chunked body (RFC 9112 §7.1) as its bytes arrive: each chunk's data is handed on as
/// it comes, chunk extensions are skipped, and the trailer section is read and dropped (CloudFront
/// does not forward request trailers).
struct ChunkedBodyReader {
    /// What a chunk-size line, or a trailer line, may take.
    static let maximumLine = 4_096
    /// What the whole trailer section may take.
    static let maximumTrailers = 16_384

    private enum Step {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers(read: Int)
    }

    /// What one step of reading gave.
    enum Output {
        case needMoreData
        case data(ByteBuffer)
        case end
    }

    private var step = Step.size

    /// Reads from `buffer` until it has data to hand on, the body has ended, or more bytes are needed.
    /// - Throws: ``HTTP1ParseError`` when the chunking is malformed.
    mutating func read(_ buffer: inout ByteBuffer) throws(HTTP1ParseError) -> Output {
        while true {
            switch step {
            case .size:
                guard let size = try Self.line(&buffer, { (line, bytes) throws(HTTP1ParseError) in try Self.chunkSize(line, bytes) }) else {
                    return .needMoreData
                }
                step = size == 0 ? .trailers(read: 0) : .data(remaining: size)
            case .data(let remaining):
                guard buffer.readableBytes > 0 else { return .needMoreData }
                let piece = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
                step = remaining == piece.readableBytes ? .dataEnd : .data(remaining: remaining - piece.readableBytes)
                return .data(piece)
            case .dataEnd:
                guard let empty = try Self.line(&buffer, { line, _ in line.isEmpty }) else { return .needMoreData }
                guard empty else { throw HTTP1ParseError(code: .framing, message: "a chunk's data is longer than its size says") }
                step = .size
            case .trailers(let read):
                guard let length = try Self.line(&buffer, { line, _ in line.count }) else { return .needMoreData }
                if length == 0 {
                    step = .size
                    return .end
                }
                guard read + length <= Self.maximumTrailers else {
                    throw HTTP1ParseError(
                        code: .tooLarge,
                        message: "the chunked body's trailer section is longer than \(Self.maximumTrailers) bytes"
                    )
                }
                step = .trailers(read: read + length)
            }
        }
    }

    /// Reads one line (without its CR LF) and hands it to `body`; `nil` while it has not all arrived.
    private static func line<Value>(
        _ buffer: inout ByteBuffer,
        _ body: (Range<Int>, UnsafeRawBufferPointer) throws(HTTP1ParseError) -> Value
    ) throws(HTTP1ParseError) -> Value? {
        let found: (Value, Int)?? = try buffer.withUnsafeReadableBytes { bytes throws(HTTP1ParseError) -> (Value, Int)?? in
            guard let newline = HeadBytes.index(of: HeadBytes.lf, in: bytes, from: 0) else {
                return bytes.count > maximumLine ? .some(nil) : nil
            }
            let stop = newline > 0 && bytes[newline - 1] == HeadBytes.cr ? newline - 1 : newline
            return (try body(0..<stop, bytes), newline + 1)
        }
        switch found {
        case .none: return nil
        case .some(.none): throw HTTP1ParseError(code: .tooLarge, message: "a line of the chunked body is longer than \(maximumLine) bytes")
        case .some(.some(let (value, consumed))):
            buffer.moveReaderIndex(forwardBy: consumed)
            return value
        }
    }

    /// `1*HEXDIG [ chunk-ext ]`.
    private static func chunkSize(_ line: Range<Int>, _ bytes: UnsafeRawBufferPointer) throws(HTTP1ParseError) -> Int {
        var size = 0
        var digits = 0
        for index in line {
            let byte = bytes[index]
            guard let digit = byte.hexDigitValue else {
                // An extension (or the space before one) is skipped; anything else is malformed.
                guard digits > 0, byte == HeadBytes.semicolon || byte == HeadBytes.space || byte == HeadBytes.tab else {
                    throw malformed(line, bytes)
                }
                return size
            }
            digits += 1
            guard digits <= 15 else { throw HTTP1ParseError(code: .framing, message: "a chunk size has more than 15 hex digits") }
            size = size << 4 | Int(digit)
        }
        guard digits > 0 else { throw malformed(line, bytes) }
        return size
    }

    private static func malformed(_ line: Range<Int>, _ bytes: UnsafeRawBufferPointer) -> HTTP1ParseError {
        HTTP1ParseError(code: .framing, message: "'\(HeadBytes.string(line, in: bytes).prefix(40))' is not a chunk size")
    }
}
