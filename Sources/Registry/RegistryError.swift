import CDNCore

/// A registry problem: a code to switch on (the API answers a refused request with 400, a
/// missing one with 404), a message that names what was asked, and the underlying error.
public typealias RegistryError = CodedError<RegistryErrorCode>

/// The codes of a ``RegistryError``.
public struct RegistryErrorCode: ErrorCode {
    private enum Kind: String, Sendable {
        case refused
        case notFound = "not found"
        case conflict
        case storage
        case signing
    }
    private let kind: Kind

    /// The request breaks CloudFront's or Lambda's rules: an unknown runtime, `$LATEST`, a
    /// package too large for its event, code that is not a folder or a .zip.
    public static let refused = Self(kind: .refused)
    /// What it names is not there.
    public static let notFound = Self(kind: .notFound)
    /// The request does not fit the state it finds: a stale `If-Match`, a name already taken,
    /// a store still read by a function in force (the API answers 409).
    public static let conflict = Self(kind: .conflict)
    /// The registry's directory or catalog cannot be read or written.
    public static let storage = Self(kind: .storage)
    /// The signing key is unreadable, or a signature could not be made.
    public static let signing = Self(kind: .signing)

    public var description: String { kind.rawValue }
}
