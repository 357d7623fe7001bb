/// A domain's code: a struct over a private enum, so a domain can add codes without breaking
/// a caller's `switch`, and callers compare codes, never messages.
public protocol ErrorCode: Hashable, Sendable, CustomStringConvertible {}

/// One error type per domain, the same shape in each: a code to switch on, a message that says
/// what and where, and the underlying error when there is one. A domain declares its codes and
/// names the type (`typealias ReplicationError = CodedError<ReplicationErrorCode>`).
///
/// ```swift
/// throw ReplicationError(.refused, "\(version.ref) refused: its bundle does not match the registry's signature")
/// ```
public struct CodedError<Code: ErrorCode>: Error, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public var code: Code
    /// What is wrong, naming what it concerns.
    public var message: String
    /// The underlying error.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The message, then the cause's own words.
    public var description: String { message + (cause.map { ": \($0)" } ?? "") }
}
