/// A numbered function version, `NAME:N`, as Lambda's qualified ARNs end: what associations,
/// replicas, deployment reports and responses name. It is a string only on the wire and on
/// the screen; between parts of a process it is this type.
///
/// ```swift
/// let ref = try FunctionRef.parse("auth:2")   // FunctionRef(name: "auth", version: 2)
/// ref.description                              // "auth:2"
/// ```
public struct FunctionRef: Hashable, Sendable, Comparable, Codable, LosslessStringConvertible {
    /// The function's name.
    public var name: String
    /// The version number, from 1.
    public var version: Int

    /// Names a version.
    public init(name: String, version: Int) {
        self.name = name
        self.version = version
    }

    /// Reads `NAME:N`; `nil` for anything else.
    public init?(_ description: String) {
        guard let ref = try? Self.parse(description) else { return nil }
        self = ref
    }

    /// Reads `NAME:N`, saying what is wrong in CloudFront's terms when it is not one.
    /// - Throws: ``FunctionRefError`` for a missing version, `$LATEST`, or an alias.
    public static func parse(_ text: String) throws(FunctionRefError) -> FunctionRef {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw FunctionRefError(text: text, problem: "not a numbered version NAME:N (CloudFront refuses unqualified functions)")
        }
        if parts[1] == "$LATEST" {
            throw FunctionRefError(text: text, problem: "CloudFront refuses $LATEST; publish and associate a numbered version")
        }
        guard let number = Int(parts[1]), number > 0 else {
            throw FunctionRefError(text: text, problem: "'\(parts[1])' is not a version number (CloudFront refuses aliases)")
        }
        return FunctionRef(name: parts[0], version: number)
    }

    /// `NAME:N`.
    public var description: String { "\(name):\(version)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.name, lhs.version) < (rhs.name, rhs.version)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try Self.parse(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Text that does not name a numbered function version.
public struct FunctionRefError: Error, Sendable, CustomStringConvertible {
    /// The text.
    public var text: String
    /// What is wrong with it.
    public var problem: String

    public var description: String { "'\(text)': \(problem)" }
}
