import Yams

/// Small constructors for the YAML the import writes: block mappings for sections and
/// entries, flow style for the short values inside them, as the shipped topologies are written.
enum YAMLBuilder {
    static func text(_ value: String) -> Node {
        // A value the parser would read as something else (empty, `yes`, `#…`, `: `) is quoted.
        let number = Double(value) != nil && !value.hasPrefix("+")
        let plain =
            number
            || !value.isEmpty && value.first.map { "#&*!|>'\"%@`{}[],-?: ".contains($0) } == false
                && !value.contains(": ") && !value.contains(" #") && !value.hasSuffix(":")
        return Node(value, .implicit, plain ? .any : .doubleQuoted)
    }

    static func number(_ value: Int) -> Node { Node(String(value)) }
    static func flag(_ value: Bool) -> Node { Node(value ? "true" : "false") }

    /// A mapping of the pairs whose value is there, in order.
    static func map(_ pairs: [(String, Node?)], flow: Bool = false) -> Node {
        let kept = pairs.compactMap { key, value in value.map { (Node(key), $0) } }
        return .mapping(Node.Mapping(kept, .implicit, flow ? .flow : .block))
    }

    static func list(_ nodes: [Node], flow: Bool = true) -> Node {
        .sequence(Node.Sequence(nodes, .implicit, flow ? .flow : .block))
    }

    static func texts(_ values: [String]) -> Node { list(values.map(text)) }
}
