/// One problem found in a topology file.
///
/// Its description is the line that `edgesim validate` prints, in the form compilers use so that
/// editors can jump to it: `topology.yaml:12:7: error: unknown hub 'eu-west-9'`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How serious a problem is: errors make the file invalid, warnings do not.
    public enum Severity: String, Hashable, Sendable {
        case error
        case warning
    }

    /// Whether the problem makes the file invalid.
    public var severity: Severity
    /// The class of the problem, for tests and scripts.
    public var code: TopologyError.Code
    /// What is wrong, in words a user can act on.
    public var message: String
    /// Where the problem is; `nil` only when the file could not be read at all.
    public var location: SourceLocation?

    /// Creates a diagnostic.
    public init(_ severity: Severity = .error, _ code: TopologyError.Code, _ message: String, at location: SourceLocation?) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }

    /// One line, always: control characters a file's values may carry (a newline in a quoted
    /// value) are escaped, so each problem stays one line for editors and scripts.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        let line = message.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined()
        return "\(prefix)\(severity.rawValue): \(line)"
    }
}

/// The error thrown when a topology file cannot be loaded: it carries every problem found, in
/// file order, so that a user fixes them all in one pass.
///
/// ```swift
/// do {
///     let topology = try TopologyLoader.load(path: "topologies/minimal.yaml")
/// } catch {
///     for problem in error.diagnostics { print(problem) }
/// }
/// ```
public struct TopologyError: Error, Sendable, CustomStringConvertible {
    /// The class of a problem. Extensible: new codes do not break callers that switch on a few.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadable, syntax, wrongType, missingField, unknownField, invalidValue, outOfRange
            case malformedUnit, unknownReference, duplicateID, invalidAssociation, unreachable, belowFibreFloor
            case limitExceeded, tooComplex
        }
        private let base: Base

        /// The file could not be read.
        public static let unreadable = Self(base: .unreadable)
        /// The YAML itself is malformed (or has a duplicate key).
        public static let syntax = Self(base: .syntax)
        /// A value has the wrong shape: a list where a mapping belongs, text where a number belongs.
        public static let wrongType = Self(base: .wrongType)
        /// A required field is absent.
        public static let missingField = Self(base: .missingField)
        /// A field that the format does not know (usually a typo).
        public static let unknownField = Self(base: .unknownField)
        /// A value of the right type that is not allowed (a malformed id, an unknown runtime).
        public static let invalidValue = Self(base: .invalidValue)
        /// A number outside its range (latitude beyond ±90, a port above 65535).
        public static let outOfRange = Self(base: .outOfRange)
        /// A quantity whose unit is missing or unknown ("12 parsecs", "12").
        public static let malformedUnit = Self(base: .malformedUnit)
        /// A name that refers to nothing declared (an edge naming a missing hub).
        public static let unknownReference = Self(base: .unknownReference)
        /// Two things declared with one id.
        public static let duplicateID = Self(base: .duplicateID)
        /// A function association CloudFront would refuse (`$LATEST`, no version, body on a response event).
        public static let invalidAssociation = Self(base: .invalidAssociation)
        /// A node that no traffic or replication can reach.
        public static let unreachable = Self(base: .unreachable)
        /// A link override faster than light in fibre allows for its distance.
        public static let belowFibreFloor = Self(base: .belowFibreFloor)
        /// More of something than CloudFront allows (behaviors per distribution, cache key entries).
        public static let limitExceeded = Self(base: .limitExceeded)
        /// A document too large to read safely (for example, aliases that expand without end).
        public static let tooComplex = Self(base: .tooComplex)

        public var description: String { base.rawValue }
    }

    /// Every problem found, errors and warnings, in file order.
    public var diagnostics: [Diagnostic]

    /// Creates an error from the problems found.
    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    /// Creates an error with a single problem.
    public init(_ code: Code, _ message: String, at location: SourceLocation?) {
        self.diagnostics = [Diagnostic(.error, code, message, at: location)]
    }

    /// The problems that make the file invalid.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
