import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// CloudFront's REST XML read back into the JSON shapes the import reads, so that the
/// UpdateDistribution body goes through the same mapping (and the same paths in its errors) as
/// `get-distribution-config`'s JSON.
///
/// XML has no types, so a leaf is a boolean when it reads `true` or `false`, a number when it is
/// a whole number written as such (`0`, `86400`, not `007`), and text otherwise; the fields read
/// from it take text for text and numbers alike (``JSONField/fromXML``). An `Items` element is a
/// list of its children, whatever they are named.
enum CloudFrontXMLReader {
    /// The document's root element as a field: `$.DistributionConfig` for an UpdateDistribution body.
    static func read(_ data: Data, file: String) throws(ImportError) -> JSONField {
        let (name, value) = try ordered(data, file: file)
        return JSONField(value: .object([name: JSONValue(value)]), path: "$", file: file, fromXML: true)[name]!
    }

    /// The document's root element's name and value, its members in document order.
    static func ordered(_ data: Data, file: String) throws(ImportError) -> (String, OrderedJSON) {
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            let reason = builder.failure ?? parser.parserError.map { "\($0.localizedDescription)" } ?? "no root element"
            throw ImportError(file: file, path: "$", message: "is not well-formed XML (\(reason))", reason: .malformed)
        }
        return (root.name, root.value)
    }

    /// One element while it is read.
    private final class Element {
        let name: String
        var children: [Element] = []
        var text = ""

        init(name: String) { self.name = name }

        var value: OrderedJSON {
            if name == "Items" { return .list(children.map(\.value)) }
            if !children.isEmpty { return .object(children.map { ($0.name, $0.value) }) }
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default:
                if let number = Int(text), String(number) == text { return .integer(number) }
                return .string(text)
            }
        }
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [Element] = []
        var root: Element?
        var failure: String?

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            guard stack.count < 64 else {
                failure = "nested more than 64 deep"
                parser.abortParsing()
                return
            }
            stack.append(Element(name: elementName))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let element = stack.popLast() else { return }
            if !element.children.isEmpty { element.text = "" }
            if let parent = stack.last {
                parent.children.append(element)
            } else {
                root = element
            }
        }
    }
}

extension JSONValue {
    /// The same value without its members' order.
    init(_ ordered: OrderedJSON) {
        switch ordered {
        case .string(let text): self = .string(text)
        case .number(let number): self = .number(number)
        case .bool(let flag): self = .bool(flag)
        case .list(let items): self = .list(items.map(JSONValue.init))
        case .object(let members): self = .object(Dictionary(members.map { ($0.0, JSONValue($0.1)) }, uniquingKeysWith: { first, _ in first }))
        }
    }
}

extension OrderedJSON {
    /// A decoded JSON value, its members sorted by name (JSON objects carry no order).
    init(_ value: JSONValue) {
        switch value {
        case .null: self = .string("")
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .list(let items): self = .list(items.map(OrderedJSON.init))
        case .object(let members): self = .object(members.sorted { $0.key < $1.key }.map { ($0.key, OrderedJSON($0.value)) })
        }
    }
}
