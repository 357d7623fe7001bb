import NIOCore

/// A response as a viewer's client reads it (``HTTP1ResponseDecoder``).
typealias ViewerResponsePart = HTTP1Part<ReceivedResponseHead>

/// A viewer's HTTP/1.1 response reader: the head (``ResponseHeadParser``), then the body by its
/// length, its chunks (``ChunkedBodyReader``) or up to the close. Interim 1xx responses are read
/// and dropped. One response is read per request sent: ``expect(head:)`` says what was asked.
struct HTTP1ResponseDecoder {
    /// The longest head read.
    static let maximumHead = 64 * 1024

    private enum State {
        /// Waiting for a head; `resume` is where scanning for its end goes on.
        case head(resume: Int)
        /// Reading a body, by its length or its chunks.
        case body(BodyReader)
        /// Reading a body up to the connection's close.
        case toClose
    }

    private var state = State.head(resume: 0)
    private var requestWasHead = false

    /// Says what the next response answers: a HEAD request's response has no body.
    mutating func expect(head: Bool) { requestWasHead = head }

    /// The next part that `buffer` holds, its bytes consumed; `nil` when more bytes are needed.
    /// - Throws: ``HTTP1ParseError`` when the bytes are not a response.
    mutating func next(_ buffer: inout ByteBuffer) throws(HTTP1ParseError) -> ViewerResponsePart? {
        switch state {
        case .head(var resume):
            let requestWasHead = requestWasHead
            let whole = buffer
            let found = try HeadBytes.head(
                in: buffer,
                resume: &resume,
                maximum: Self.maximumHead,
                naming: "the status line and headers"
            ) { bytes, end throws(HTTP1ParseError) in
                try ResponseHeadParser.parse(bytes, end: end, head: whole, requestWasHead: requestWasHead)
            }
            guard let (head, length) = found else {
                state = .head(resume: resume)
                return nil
            }
            buffer.moveReaderIndex(forwardBy: length)
            state = .head(resume: 0)
            if (100..<200).contains(head.status) && head.status != 101 { return try next(&buffer) }  // interim
            switch head.framing {
            case .framed(let framing): state = .body(BodyReader(framing))
            case .toClose: state = .toClose
            }
            return .head(head)
        case .body(var reader):
            let part: ViewerResponsePart? = try reader.next(&buffer)
            state = part?.isEnd == true ? .head(resume: 0) : .body(reader)
            return part
        case .toClose:
            guard buffer.readableBytes > 0 else { return nil }
            return .body(buffer.readSlice(length: buffer.readableBytes)!)
        }
    }

    /// What the connection's close means: the end of a body read up to it; `nil` when a response
    /// was cut short (or none was being read).
    mutating func closed() -> ViewerResponsePart? {
        guard case .toClose = state else { return nil }
        state = .head(resume: 0)
        return .end
    }
}
