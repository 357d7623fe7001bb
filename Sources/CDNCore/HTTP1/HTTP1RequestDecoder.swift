import NIOCore

/// The edge's own HTTP/1.1 request parser, in front of ``ViewerConnectionHandler``: it reads
/// each head straight into swift-http-types' `HTTPRequest` (``RequestHeadParser``), then the body
/// by its length or its chunks (``ChunkedBodyReader``), and hands on ``ViewerRequestPart``s.
/// Pipelined requests are read one after another. A malformed request throws
/// ``RequestParseError``; the connection handler answers it with a 400 and closes.
///
/// It stands where NIO's `HTTPRequestDecoder` stood: that one builds `HTTPRequestHead`, with a
/// `String` per name and value from llhttp's callbacks, which the listener then converted and
/// checked again. On a cache hit the two were a fifth of the edge's instructions.
struct HTTP1RequestDecoder: ByteToMessageDecoder {
    typealias InboundOut = ViewerRequestPart

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
    }

    private let parser: RequestHeadParser
    private var state = State.head(resume: 0)

    /// - Parameter scheme: `http` or `https`, for the requests' `:scheme`.
    init(scheme: String) { self.parser = RequestHeadParser(scheme: scheme) }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
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
            guard let (parsed, length) = found else { return .needMoreData }
            buffer.moveReaderIndex(forwardBy: length)
            context.fireChannelRead(wrapInboundOut(.head(parsed.head)))
            switch parsed.framing {
            case .none: endRequest(context: context)
            case .length(let length): state = .body(remaining: length)
            case .chunked: state = .chunked(ChunkedBodyReader())
            }
            return .continue
        case .body(let remaining):
            guard buffer.readableBytes > 0 else { return .needMoreData }
            let piece = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
            state = .body(remaining: remaining - piece.readableBytes)
            context.fireChannelRead(wrapInboundOut(.body(piece)))
            if remaining == piece.readableBytes { endRequest(context: context) }
            return .continue
        case .chunked(var reader):
            let output = try reader.read(&buffer)
            state = .chunked(reader)
            switch output {
            case .needMoreData: return .needMoreData
            case .data(let piece): context.fireChannelRead(wrapInboundOut(.body(piece)))
            case .end: endRequest(context: context)
            }
            return .continue
        }
    }

    /// At the end of the input, a request cut short is dropped: there is no one to answer.
    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        if buffer.readableBytes > 0, try decode(context: context, buffer: &buffer) == .continue { return .continue }
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }

    private mutating func endRequest(context: ChannelHandlerContext) {
        state = .head(resume: 0)
        context.fireChannelRead(wrapInboundOut(.end))
    }

    /// RFC 9112 §2.2: empty lines before a request line are ignored (some clients send a CR LF
    /// after a POST's body).
    private static func skipEmptyLines(_ buffer: inout ByteBuffer) {
        while let byte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), byte == HeadBytes.cr || byte == HeadBytes.lf {
            buffer.moveReaderIndex(forwardBy: 1)
        }
    }
}
