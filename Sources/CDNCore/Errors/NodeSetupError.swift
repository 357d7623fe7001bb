/// Why a node cannot be built from what it was given: a node the topology does not have, an
/// upstream with no address, an address that is not one.
public typealias NodeSetupError = CodedError<NodeSetupErrorCode>

/// The codes of a ``NodeSetupError``.
public struct NodeSetupErrorCode: ErrorCode {
    private enum Kind: String, Sendable {
        case unknownNode = "unknown node"
        case missingAddress = "missing address"
        case badAddress = "bad address"
    }
    private let kind: Kind

    /// The topology has no such node.
    public static let unknownNode = Self(kind: .unknownNode)
    /// An upstream the node needs was given no address.
    public static let missingAddress = Self(kind: .missingAddress)
    /// An address or URL that cannot be read.
    public static let badAddress = Self(kind: .badAddress)

    public var description: String { kind.rawValue }
}
