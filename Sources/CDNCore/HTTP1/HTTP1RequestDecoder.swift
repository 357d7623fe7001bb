import NIOCore

/// The edge's own HTTP/1.1 request parser: it reads each head straight into swift-http-types'
/// `HTTPRequest` (``RequestHeadParser``), then the body by its length or its chunks
/// (``ChunkedBodyReader``), and gives ``ViewerRequestPart``s one at a time. Pipelined requests are
/// read one after another. A malformed request throws ``RequestParseError``.
///
/// It stands where NIO's `HTTPRequestDecoder` stood: that one builds `HTTPRequestHead`, with a
/// `String` per name and value from llhttp's callbacks, which the listener then converted and
/// checked again. On a cache hit the two were a fifth of the edge's instructions.
struct HTTP1RequestDecoder {
    /// The longest head read; a longer one is refused as malformed. CloudFront's own limits
    /// (``RequestSizeGuard``) are lower and answered with 413, so they are checked after parsing.
    static let maximumHead = RequestSizeGuard.decoderLimit

    private enum State {
        /// Waiting for a head; `resume` is where scanning for its end goes on.
        case head(resume: Int)
        /// Reading a body of known length.
        case body(remaining: Int)
        /// Reading a chunked body.
        case chunked(ChunkedBodyReader)
        /// The head had no body: its end is still to be given.
        case ending
    }

    private let parser: RequestHeadParser
    private var state = State.head(resume: 0)

    /// - Parameter scheme: `http` or `https`, for the requests' `:scheme`.
    init(scheme: String) { self.parser = RequestHeadParser(scheme: scheme) }

    /// The next part that `buffer` holds, its bytes consumed; `nil` when more bytes are needed.
    /// - Throws: ``RequestParseError`` when the bytes are not a request.
    mutating func next(_ buffer: inout ByteBuffer) throws(RequestParseError) -> ViewerRequestPart? {
        switch state {
        case .head(let resume):
            if resume == 0 { Self.skipEmptyLines(&buffer) }
            let parser = parser
            let found = try buffer.withUnsafeReadableBytes {
                bytes throws(RequestParseError) -> (parsed: (head: ViewerRequestHead, framing: BodyFraming), length: Int)? in
                let (end, next) = HeadBytes.end(of: bytes, resume: resume)
                guard let end else {
                    guard bytes.count <= Self.maximumHead else {
                        throw RequestParseError(code: .tooLarge, message: "the request line and headers are longer than \(Self.maximumHead) bytes")
                    }
                    state = .head(resume: next)
                    return nil
                }
                return (try parser.parse(bytes, end: end), end)
            }
            guard let (parsed, length) = found else { return nil }
            buffer.moveReaderIndex(forwardBy: length)
            switch parsed.framing {
            case .none: state = .ending
            case .length(let length): state = .body(remaining: length)
            case .chunked: state = .chunked(ChunkedBodyReader())
            }
            return .head(parsed.head)
        case .body(let remaining):
            guard buffer.readableBytes > 0 else { return nil }
            let piece = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
            state = remaining == piece.readableBytes ? .ending : .body(remaining: remaining - piece.readableBytes)
            return .body(piece)
        case .chunked(var reader):
            let output = try reader.read(&buffer)
            state = .chunked(reader)
            switch output {
            case .needMoreData: return nil
            case .data(let piece): return .body(piece)
            case .end:
                state = .head(resume: 0)
                return .end
            }
        case .ending:
            state = .head(resume: 0)
            return .end
        }
    }

    /// RFC 9112 §2.2: empty lines before a request line are ignored (some clients send a CR LF
    /// after a POST's body).
    private static func skipEmptyLines(_ buffer: inout ByteBuffer) {
        while let byte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), byte == HeadBytes.cr || byte == HeadBytes.lf {
            buffer.moveReaderIndex(forwardBy: 1)
        }
    }
}
