/// What went wrong talking to a running network's registry: a code to switch on, a message that
/// says what and where, and the underlying error when there is one.
public struct RegistryClientError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case noRegistry, unreachable, refused, badReply
        }
        private let kind: Kind

        /// The running network has no registry (or no network runs).
        public static let noRegistry = Code(kind: .noRegistry)
        /// No answer came, after the retries a read gets.
        public static let unreachable = Code(kind: .unreachable)
        /// The registry answered with an error status; the message is its own.
        public static let refused = Code(kind: .refused)
        /// The answer was not what the API promises.
        public static let badReply = Code(kind: .badReply)

        public var description: String {
            switch kind {
            case .noRegistry: "no registry"
            case .unreachable: "unreachable"
            case .refused: "refused"
            case .badReply: "bad reply"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, for a person.
    public var message: String
    /// The status the registry answered, for ``Code/refused``.
    public var status: Int?
    /// The underlying error.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, status: Int? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.cause = cause
    }

    public var description: String {
        switch code {
        case .refused: "the registry refused (\(status ?? 0)): \(message)"
        default: message + (cause.map { ": \($0)" } ?? "")
        }
    }
}
