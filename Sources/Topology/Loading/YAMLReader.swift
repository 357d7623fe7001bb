import Yams

/// Reads a composed YAML tree with positions, collecting every problem instead of stopping at
/// the first, so `edgesim validate` can list them all.
///
/// It guards against hostile input: a document whose aliases expand into more nodes than
/// ``nodeBudget`` (a "billion laughs"), or one with more than ``diagnosticLimit`` problems, stops
/// reading with ``Abort`` instead of running for ever.
final class YAMLReader {
    /// Thrown to stop reading; the diagnostics collected so far say why.
    struct Abort: Error {}

    /// More nodes than any real topology has (the global one has a few thousand).
    static let nodeBudget = 500_000
    /// A user fixes the first problems first; past this many, more lines only hide them.
    static let diagnosticLimit = 200

    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    private var nodesLeft = nodeBudget

    init(file: String) { self.file = file }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The position of a node in the file (1:1 when the parser gave none).
    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// Records a problem at a node.
    func report(_ code: TopologyError.Code, _ message: String, at node: Node, severity: Diagnostic.Severity = .error) throws {
        try report(Diagnostic(severity, code, message, at: location(node)))
    }

    /// Records a problem; stops reading once there are too many to be useful.
    func report(_ diagnostic: Diagnostic) throws {
        diagnostics.append(diagnostic)
        if diagnostics.count >= Self.diagnosticLimit {
            diagnostics.append(Diagnostic(.error, .tooComplex, "too many problems; stopped after \(Self.diagnosticLimit)", at: diagnostic.location))
            throw Abort()
        }
    }

    /// Counts nodes against the budget.
    private func spend(_ count: Int, at node: Node) throws {
        nodesLeft -= count
        if nodesLeft < 0 {
            diagnostics.append(
                Diagnostic(
                    .error,
                    .tooComplex,
                    "the document expands to more than \(Self.nodeBudget) nodes (aliases that multiply?)",
                    at: location(node)
                )
            )
            throw Abort()
        }
    }

    /// The name of a node's shape, for "expected a mapping, found a list".
    static func shape(of node: Node) -> String {
        switch node {
        case .scalar(let scalar): scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" ? "nothing" : "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// The entries of a mapping, keys as text, in file order.
    /// - Returns: `nil` (with a problem recorded) when the node is not a mapping.
    func entries(_ node: Node, what: String) throws -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            try report(.wrongType, "\(what) must be a mapping, found \(Self.shape(of: node))", at: node)
            return nil
        }
        try spend(mapping.count * 2, at: node)
        var result: [(key: String, keyNode: Node, value: Node)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                try report(.wrongType, "a key in \(what) must be plain text, found \(Self.shape(of: key))", at: key)
                continue
            }
            result.append((scalar.string, key, value))
        }
        return result
    }

    /// The items of a list.
    /// - Returns: `nil` (with a problem recorded) when the node is not a list.
    func items(_ node: Node, what: String) throws -> [Node]? {
        guard case .sequence(let sequence) = node else {
            try report(.wrongType, "\(what) must be a list, found \(Self.shape(of: node))", at: node)
            return nil
        }
        try spend(sequence.count, at: node)
        return Array(sequence)
    }

    /// A mapping's fields, with a check that every key is one the format knows.
    func fields(_ node: Node, what: String, allowed: [String]) throws -> Fields? {
        guard let entries = try entries(node, what: what) else { return nil }
        var values: [String: Node] = [:]
        for entry in entries {
            guard allowed.contains(entry.key) else {
                let hint =
                    Suggestion.closest(to: entry.key, among: allowed).map { "; did you mean '\($0)'?" }
                    ?? "; expected one of: \(allowed.joined(separator: ", "))"
                try report(.unknownField, "unknown field '\(entry.key)' in \(what)\(hint)", at: entry.keyNode)
                continue
            }
            values[entry.key] = entry.value
        }
        return Fields(reader: self, node: node, what: what, values: values)
    }

    /// A scalar's text.
    /// - Returns: `nil` (with a problem recorded) for a mapping, a list or an empty value.
    func text(_ node: Node, what: String) throws -> String? {
        guard case .scalar(let scalar) = node, !(scalar.string.isEmpty && scalar.style == .plain) else {
            try report(.wrongType, "\(what) must be a value, found \(Self.shape(of: node))", at: node)
            return nil
        }
        return scalar.string
    }
}

/// The fields of one mapping in a topology file, read by name with types, units and ranges.
struct Fields {
    let reader: YAMLReader
    /// The mapping itself: where "missing field" problems point.
    let node: Node
    /// What the mapping describes ("edge 'NRT50'"), for messages.
    let what: String
    let values: [String: Node]

    subscript(key: String) -> Node? { values[key] }

    /// A required field's node; records a problem when it is absent.
    func require(_ key: String) throws -> Node? {
        guard let value = values[key] else {
            try reader.report(.missingField, "\(what) needs a '\(key)' field", at: node)
            return nil
        }
        return value
    }

    /// A text field.
    func string(_ key: String, required: Bool = false) throws -> String? {
        guard let value = required ? try require(key) : values[key] else { return nil }
        return try reader.text(value, what: "'\(key)' of \(what)")
    }

    /// A text field that must match a pattern, with what the pattern means for the message.
    func string(_ key: String, required: Bool = false, matching pattern: Regex<Substring>, expected: String) throws -> String? {
        guard let text = try string(key, required: required) else { return nil }
        guard text.wholeMatch(of: pattern) != nil else {
            try reader.report(.invalidValue, "'\(key)' of \(what) is '\(text)': expected \(expected)", at: values[key]!)
            return nil
        }
        return text
    }

    /// A number within a range.
    func number(_ key: String, required: Bool = false, in range: ClosedRange<Double>) throws -> Double? {
        guard let value = required ? try require(key) : values[key], let text = try reader.text(value, what: "'\(key)' of \(what)") else {
            return nil
        }
        guard let number = Double(text), number.isFinite else {
            try reader.report(.wrongType, "'\(key)' of \(what) must be a number, found '\(text)'", at: value)
            return nil
        }
        guard range.contains(number) else {
            try reader.report(
                .outOfRange,
                "'\(key)' of \(what) is \(text), outside \(range.lowerBound.compact)…\(range.upperBound.compact)",
                at: value
            )
            return nil
        }
        return number
    }

    /// A whole number within a range.
    func integer(_ key: String, required: Bool = false, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = required ? try require(key) : values[key], let text = try reader.text(value, what: "'\(key)' of \(what)") else {
            return nil
        }
        guard let number = Int(text) else {
            try reader.report(.wrongType, "'\(key)' of \(what) must be a whole number, found '\(text)'", at: value)
            return nil
        }
        guard range.contains(number) else {
            try reader.report(.outOfRange, "'\(key)' of \(what) is \(number), outside \(range.lowerBound)…\(range.upperBound)", at: value)
            return nil
        }
        return number
    }

    /// A yes/no field.
    func bool(_ key: String) throws -> Bool? {
        guard let value = values[key], let text = try reader.text(value, what: "'\(key)' of \(what)") else { return nil }
        switch text {
        case "true", "True", "TRUE", "yes", "on": return true
        case "false", "False", "FALSE", "no", "off": return false
        default:
            try reader.report(.wrongType, "'\(key)' of \(what) must be true or false, found '\(text)'", at: value)
            return nil
        }
    }

    /// One of an enumeration's raw values, with a suggestion when the text is near one.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) throws -> T? where T.RawValue == String {
        guard let value = values[key], let text = try reader.text(value, what: "'\(key)' of \(what)") else { return nil }
        if let choice = T(rawValue: text) { return choice }
        let choices = T.allCases.map(\.rawValue)
        let hint =
            Suggestion.closest(to: text, among: choices).map { "; did you mean '\($0)'?" } ?? "; expected one of: \(choices.joined(separator: ", "))"
        try reader.report(.invalidValue, "'\(key)' of \(what) is '\(text)'\(hint)", at: value)
        return nil
    }

    /// A quantity with a unit, parsed by one of ``Quantity``'s parsers.
    func quantity<T>(_ key: String, required: Bool = false, _ parse: (String) -> Result<T, QuantityError>) throws -> T? {
        guard let value = required ? try require(key) : values[key], let text = try reader.text(value, what: "'\(key)' of \(what)") else {
            return nil
        }
        switch parse(text) {
        case .success(let quantity): return quantity
        case .failure(let error):
            try reader.report(.malformedUnit, "'\(key)' of \(what): \(error.message)", at: value)
            return nil
        }
    }

    /// A list of text values.
    func strings(_ key: String, required: Bool = false) throws -> [(text: String, node: Node)]? {
        guard let value = required ? try require(key) : values[key], let items = try reader.items(value, what: "'\(key)' of \(what)") else {
            return nil
        }
        var result: [(text: String, node: Node)] = []
        for item in items {
            if let text = try reader.text(item, what: "an entry of '\(key)' in \(what)") { result.append((text, item)) }
        }
        return result
    }
}

extension Double {
    /// The number without a trailing ".0", for messages.
    public var compact: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
