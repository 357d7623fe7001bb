import NIOCore

/// The edge's own HTTP/1.1 request parser: it reads each head straight into swift-http-types'
/// `HTTPRequest` (``RequestHeadParser``), then the body by its length or its chunks
/// (``ChunkedBodyReader``), and gives ``ViewerRequestPart``s one at a time. Pipelined requests are
/// read one after another. A malformed request throws ``HTTP1ParseError``.
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
        /// Reading a body, by its length or its chunks.
        case body(BodyReader)
    }

    private let parser: RequestHeadParser
    private var state = State.head(resume: 0)

    /// - Parameter scheme: `http` or `https`, for the requests' `:scheme`.
    init(scheme: String) { self.parser = RequestHeadParser(scheme: scheme) }

    /// Whether the next part is a request head (no request is half read past its head).
    var awaitingHead: Bool {
        if case .head = state { true } else { false }
    }

    /// The next part that `buffer` holds, its bytes consumed; `nil` when more bytes are needed.
    /// - Throws: ``HTTP1ParseError`` when the bytes are not a request.
    mutating func next(_ buffer: inout ByteBuffer) throws(HTTP1ParseError) -> ViewerRequestPart? {
        switch state {
        case .head(var resume):
            if resume == 0 { Self.skipEmptyLines(&buffer) }
            let parser = parser
            let found = try HeadBytes.head(
                in: buffer,
                resume: &resume,
                maximum: Self.maximumHead,
                naming: "the request line and headers"
            ) { bytes, end throws(HTTP1ParseError) in
                try parser.parse(bytes, end: end)
            }
            guard let (parsed, length) = found else {
                state = .head(resume: resume)
                return nil
            }
            buffer.moveReaderIndex(forwardBy: length)
            state = .body(BodyReader(parsed.framing))
            return .head(parsed.head)
        case .body(var reader):
            let part: ViewerRequestPart? = try reader.next(&buffer)
            state = part?.isEnd == true ? .head(resume: 0) : .body(reader)
            return part
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
