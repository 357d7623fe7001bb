/// A problem with a network's state directory: its state file, or a file written durably in it.
public typealias StateError = CodedError<StateErrorCode>

/// The codes of a ``StateError``.
public struct StateErrorCode: ErrorCode {
    private enum Kind: String, Sendable {
        case notRunning = "not running"
        case unreadable
        case writeFailed = "write failed"
    }
    private let kind: Kind

    /// No network runs from the directory (no state file).
    public static let notRunning = Self(kind: .notRunning)
    /// A file is there but is not what it should be.
    public static let unreadable = Self(kind: .unreadable)
    /// Writing, syncing or renaming a file failed.
    public static let writeFailed = Self(kind: .writeFailed)

    public var description: String { kind.rawValue }
}
