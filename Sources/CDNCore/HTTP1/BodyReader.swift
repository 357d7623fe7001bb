import NIOCore

/// How a message's body is delimited by its head (RFC 9112 §6.3).
enum BodyFraming: Equatable {
    /// No body.
    case none
    /// `Content-Length` bytes.
    case length(Int)
    /// Chunks, up to the last (empty) one and its trailer.
    case chunked
}

/// Reads one message's body as its bytes arrive: a known number of bytes, or chunks
/// (``ChunkedBodyReader``). Requests and responses frame their bodies the same way; what differs
/// is how each decides which framing applies.
struct BodyReader {
    private enum Framing {
        case length(remaining: Int)
        case chunked(ChunkedBodyReader)
    }

    private var framing: Framing

    /// A reader for a body framed as `framing` (no body reads as its end at once).
    init(_ framing: BodyFraming) {
        switch framing {
        case .none: self.framing = .length(remaining: 0)
        case .length(let length): self.framing = .length(remaining: length)
        case .chunked: self.framing = .chunked(ChunkedBodyReader())
        }
    }

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
