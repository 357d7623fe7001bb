import Foundation

/// JSON written in the order CloudFront prints its fields, with its list wrappers.
indirect enum OrderedJSON {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([OrderedJSON])
    case object([(String, OrderedJSON)])

    static func integer(_ value: Int) -> OrderedJSON { .number(Double(value)) }

    /// CloudFront's `{"Quantity": n, "Items": [...]}` (without Items when empty).
    static func wrapped(_ items: [OrderedJSON], extra: [(String, OrderedJSON)] = []) -> OrderedJSON {
        .object([("Quantity", .integer(items.count))] + (items.isEmpty ? [] : [("Items", .list(items))]) + extra)
    }

    static func strings(_ values: [String]) -> OrderedJSON { wrapped(values.map(OrderedJSON.string)) }

    /// The text, indented two spaces a level, as the AWS CLI prints it.
    func text(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .string(let value): return Self.quoted(value)
        case .number(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .bool(let value): return value ? "true" : "false"
        case .list(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + $0.text(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{\n" + members.map { inner + Self.quoted($0.0) + ": " + $0.1.text(indent: inner) }.joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
