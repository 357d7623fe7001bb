import NIOCore

/// Reads one message's body as its bytes arrive: a known number of bytes, or chunks
/// (``ChunkedBodyReader``). Requests and responses frame their bodies the same way; what differs
/// is how each decides which framing applies.
struct BodyReader {
    private enum Framing {
        case length(remaining: Int)
        case chunked(ChunkedBodyReader)
    }

    private var framing: Framing

    /// A body of `length` bytes (none reads as its end at once).
    static func length(_ length: Int) -> BodyReader { BodyReader(framing: .length(remaining: length)) }

    /// A chunked body.
    static var chunked: BodyReader { BodyReader(framing: .chunked(ChunkedBodyReader())) }

    /// The body's next part from `buffer`: data, or its end; `nil` when more bytes are needed.
    /// - Throws: ``HTTP1ParseError`` when the chunking is malformed.
    mutating func next<Head>(_ buffer: inout ByteBuffer) throws(HTTP1ParseError) -> HTTP1Part<Head>? {
        switch try read(&buffer) {
        case .needMoreData: nil
        case .data(let piece): .body(piece)
        case .end: .end
        }
    }

    private mutating func read(_ buffer: inout ByteBuffer) throws(HTTP1ParseError) -> ChunkedBodyReader.Output {
        switch framing {
        case .length(let remaining):
            guard remaining > 0 else { return .end }
            guard buffer.readableBytes > 0 else { return .needMoreData }
            let piece = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
            framing = .length(remaining: remaining - piece.readableBytes)
            return .data(piece)
        case .chunked(var reader):
            let output = try reader.read(&buffer)
            framing = .chunked(reader)
            return output
        }
    }
}
