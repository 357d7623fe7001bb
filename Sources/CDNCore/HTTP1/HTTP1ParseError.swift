/// Why bytes are not an HTTP/1.1 message that can be read. A viewer whose request it is gets a
/// 400 whose text is this description, and the connection closes; a viewer's client that reads
/// such a response fails the request with it.
struct HTTP1ParseError: Error, CustomStringConvertible, Equatable {
    /// What kind of fault it is.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case requestLine = "request line"
            case statusLine = "status line"
            case version
            case fieldLine = "field line"
            case framing
            case tooLarge = "too large"
        }

        private let kind: Kind
        /// The request line is not `METHOD TARGET HTTP/1.x`.
        static let requestLine = Code(kind: .requestLine)
        /// The status line is not `HTTP/1.x CODE REASON`.
        static let statusLine = Code(kind: .statusLine)
        /// The version is not one an HTTP/1 listener speaks.
        static let version = Code(kind: .version)
        /// A header field line is malformed.
        static let fieldLine = Code(kind: .fieldLine)
        /// The body's length or chunking cannot be worked out.
        static let framing = Code(kind: .framing)
        /// The head, or a line of a chunked body, is longer than the parser reads.
        static let tooLarge = Code(kind: .tooLarge)

        var description: String { kind.rawValue }
    }

    let code: Code
    /// What was wrong, in words, naming the bytes where that helps.
    let message: String

    var description: String { message }
}
