import CDNCore

/// A replication problem: a code to switch on, a message that names the version, epoch or file,
/// and the underlying error when there is one.
public typealias ReplicationError = CodedError<ReplicationErrorCode>

/// The codes of a ``ReplicationError``.
public struct ReplicationErrorCode: ErrorCode {
    private enum Kind: String, Sendable {
        case missingKey = "missing key"
        case missingToken = "missing token"
        case unreadable
        case writeFailed = "write failed"
        case refused
        case incomplete
        case upstream
        case noUpstream = "no upstream"
    }
    private let kind: Kind

    /// The registry's public key is not in the state directory.
    public static let missingKey = Self(kind: .missingKey)
    /// The registry's write token is not in the state directory.
    public static let missingToken = Self(kind: .missingToken)
    /// A replica's file is not what it should be.
    public static let unreadable = Self(kind: .unreadable)
    /// Writing a replica, key or token failed.
    public static let writeFailed = Self(kind: .writeFailed)
    /// A bundle or record does not match the registry's signature: never stored, never run.
    public static let refused = Self(kind: .refused)
    /// An epoch names a version the node does not hold, or cannot run.
    public static let incomplete = Self(kind: .incomplete)
    /// The upstream (or the registry) answered with an error status.
    public static let upstream = Self(kind: .upstream)
    /// The node has no upstream to follow.
    public static let noUpstream = Self(kind: .noUpstream)

    public var description: String { kind.rawValue }
}
