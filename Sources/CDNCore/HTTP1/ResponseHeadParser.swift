import NIOCore

/// How a response's body is delimited (RFC 9112 §6.3): as a request's can be (none for a
/// response to HEAD, a 1xx, 204 or 304), or up to the connection's close.
enum ResponseFraming: Equatable {
    /// By its head.
    case framed(BodyFraming)
    /// Everything until the server closes the connection.
    case toClose
}

/// A response head as it arrived: its status, whether the connection stays open after it, how its
/// body is framed, and its field lines kept as bytes (``ReceivedFields``), read by name only when
/// asked. A load tool reads three fields of each response; making a `String` of every name and
/// value, as NIO's decoder does, was a fifth of its CPU.
struct ReceivedResponseHead {
    var status: Int
    var keepAlive: Bool
    var framing: ResponseFraming
    var fields: ReceivedFields
}

/// Reads a whole response head, its bytes already received, in one pass that finds only what
/// framing needs (`Content-Length`, `Transfer-Encoding`, `Connection`) and checks every line's
/// shape.
enum ResponseHeadParser {
    /// Parses the head in `bytes[0..<end]` (`end` is just past its empty line).
    /// - Parameters:
    ///   - head: The same bytes as a buffer, whose field lines the result keeps.
    ///   - requestWasHead: Whether the request was HEAD, whose response has no body whatever it says.
    /// - Throws: ``HTTP1ParseError`` naming what is wrong.
    static func parse(
        _ bytes: UnsafeRawBufferPointer,
        end: Int,
        head: ByteBuffer,
        requestWasHead: Bool
    ) throws(HTTP1ParseError) -> ReceivedResponseHead {
        var lines = HeadBytes.Lines(bytes, to: end)
        guard let statusLine = lines.next() else { throw HTTP1ParseError(code: .statusLine, message: "the response has no status line") }
        let (minor, status) = try Self.statusLine(statusLine, in: bytes)
        let fieldsStart = lines.position

        var framingFields = FramingFields()
        while let line = lines.next(), !line.isEmpty {
            let (name, value) = try HeadBytes.field(line, in: bytes)
            guard !name.isEmpty else { throw HTTP1ParseError(code: .fieldLine, message: "a header line has no name before its colon") }
            try framingFields.note(name: name, value: value, in: bytes)
        }

        let framing: ResponseFraming
        if requestWasHead || (100..<200).contains(status) || status == 204 || status == 304 {
            framing = .framed(.none)
        } else if let chunked = framingFields.endsInChunked(in: bytes) {
            // Transfer-Encoding overrides Content-Length; a last coding other than chunked runs to the close.
            framing = chunked ? .framed(.chunked) : .toClose
        } else if let contentLength = framingFields.contentLength {
            framing = .framed(contentLength > 0 ? .length(contentLength) : .none)
        } else {
            framing = .toClose
        }
        let keepAlive = framing != .toClose && framingFields.keepAlive(minorVersion: minor)
        let fields = ReceivedFields(head.getSlice(at: head.readerIndex + fieldsStart, length: end - fieldsStart)!)
        return ReceivedResponseHead(status: status, keepAlive: keepAlive, framing: framing, fields: fields)
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason]`: the version's minor digit and the status code.
    private static func statusLine(_ line: Range<Int>, in bytes: UnsafeRawBufferPointer) throws(HTTP1ParseError) -> (Int, Int) {
        let start = line.lowerBound
        guard line.count >= 12, HeadBytes.matches(start..<start + 7, in: bytes, "HTTP/1."), bytes[start + 8] == HeadBytes.space,
            line.count == 12 || bytes[start + 12] == HeadBytes.space,
            let minor = HeadBytes.decimal(start + 7..<start + 8, in: bytes), minor <= 1,
            let status = HeadBytes.decimal(start + 9..<start + 12, in: bytes), status >= 100
        else {
            throw HTTP1ParseError(
                code: .statusLine,
                message: "the status line '\(HeadBytes.string(line, in: bytes).prefix(80))' is not HTTP/1.1 CODE REASON"
            )
        }
        return (minor, status)
    }
}
