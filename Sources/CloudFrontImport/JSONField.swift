import Foundation

/// A JSON value, decoded with its kinds kept apart (a `true` is never a `1`).
enum JSONValue: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let list = try? container.decode([JSONValue].self) {
            self = .list(list)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var shape: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .list: "a list"
        case .object: "an object"
        }
    }

    /// Whether it changes nothing CloudFront does: empty, false, zero, an empty list wrapper.
    var isDefault: Bool {
        switch self {
        case .null: true
        case .bool(let flag): !flag
        case .number(let number): number == 0
        case .string(let text): text.isEmpty
        case .list(let list): list.isEmpty
        case .object(let members):
            if case .number(let quantity)? = members["Quantity"] { quantity == 0 } else { members.values.allSatisfy(\.isDefault) }
        }
    }
}

/// A value in one of CloudFront's JSON documents, with the path it was read at
/// (`$.DistributionConfig.Origins.Items[0].DomainName`), so that every error and warning
/// says where it is.
struct JSONField {
    let value: JSONValue
    let path: String
    let file: String
    /// Read from CloudFront's XML, which has no types: a leaf that looked like a number or a
    /// boolean is still text to a field that wants text.
    var fromXML = false

    /// Reads a whole file.
    static func read(file: String) throws(ImportError) -> JSONField {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ImportError(file: file, path: "$", message: "cannot be read")
        }
        do {
            return JSONField(value: try JSONDecoder().decode(JSONValue.self, from: data), path: "$", file: file)
        } catch {
            throw ImportError(file: file, path: "$", message: "is not JSON (\(error))", reason: .malformed)
        }
    }

    func error(_ message: String, _ reason: ImportError.Reason = .invalid) -> ImportError {
        ImportError(file: file, path: path, message: message, reason: reason)
    }

    /// An object's members.
    func object() throws(ImportError) -> [String: JSONValue] {
        guard case .object(let members) = value else { throw error("must be an object, found \(value.shape)") }
        return members
    }

    /// An optional member (absent or null: `nil`).
    subscript(key: String) -> JSONField? {
        guard case .object(let members) = value, let member = members[key] else { return nil }
        if case .null = member { return nil }
        return JSONField(value: member, path: path + "." + key, file: file, fromXML: fromXML)
    }

    /// A member that must be there.
    func required(_ key: String) throws(ImportError) -> JSONField {
        _ = try object()
        guard let member = self[key] else { throw error("needs '\(key)'") }
        return member
    }

    func string() throws(ImportError) -> String {
        switch value {
        case .string(let text): return text
        case .number(let number) where fromXML: return String(Int(number))
        case .bool(let flag) where fromXML: return flag ? "true" : "false"
        default: throw error("must be a string, found \(value.shape)")
        }
    }

    func integer() throws(ImportError) -> Int {
        switch value {
        case .number(let number) where number == number.rounded() && abs(number) < 1e15: return Int(number)
        // CloudFront's ResponseCode is a string of digits.
        case .string(let text) where Int(text) != nil: return Int(text)!
        default: throw error("must be a whole number, found \(value.shape)")
        }
    }

    func bool() throws(ImportError) -> Bool {
        guard case .bool(let flag) = value else { throw error("must be true or false, found \(value.shape)") }
        return flag
    }

    /// A member's text, or `nil` when absent.
    func string(_ key: String) throws(ImportError) -> String? { try self[key]?.string() }
    func integer(_ key: String) throws(ImportError) -> Int? { try self[key]?.integer() }
    func bool(_ key: String) throws(ImportError) -> Bool? { try self[key]?.bool() }

    /// CloudFront's list wrapper `{"Quantity": n, "Items": [...]}`; Quantity must equal the
    /// count (CloudFront's InconsistentQuantities otherwise); `Items` may be left out at 0.
    func items(_ key: String) throws(ImportError) -> [JSONField] {
        try self[key]?.wrappedItems() ?? []
    }

    /// This value's items, as a list wrapper (a GeoRestriction is one, beside its type).
    func wrappedItems() throws(ImportError) -> [JSONField] {
        let quantity = try required("Quantity").integer()
        guard let items = self["Items"] else {
            if quantity == 0 { return [] }
            throw error("has Quantity \(quantity) but no Items (CloudFront's InconsistentQuantities)", .inconsistentQuantities)
        }
        guard case .list(let list) = items.value else { throw items.error("must be a list, found \(items.value.shape)") }
        guard list.count == quantity else {
            throw error("has Quantity \(quantity) but \(list.count) Items (CloudFront's InconsistentQuantities)", .inconsistentQuantities)
        }
        return list.enumerated().map { JSONField(value: $1, path: items.path + "[\($0)]", file: file, fromXML: fromXML) }
    }

    /// The texts of a list wrapper's items.
    func strings(_ key: String) throws(ImportError) -> [String] {
        var texts: [String] = []
        for item in try items(key) { texts.append(try item.string()) }
        return texts
    }

    /// The members not among `handled` whose values would change what CloudFront does (not
    /// empty, false, zero or an empty list), each as a warning: nothing is dropped silently.
    func unmodelled(handled: Set<String>, into warnings: inout [ImportWarning], why: String = "not modelled") {
        guard case .object(let members) = value else { return }
        for key in members.keys.sorted() where !handled.contains(key) {
            guard let member = self[key], !member.value.isDefault else { continue }
            warnings.append(ImportWarning(file: file, path: member.path, message: "\(why); ignored"))
        }
    }
}

/// A document that is not CloudFront's shape, or names what is not there: where and what.
public struct ImportError: Error, CustomStringConvertible, Sendable {
    /// What kind of refusal it is, so that CloudFront's API can answer with CloudFront's code.
    public enum Reason: Sendable, Equatable {
        case invalid
        case malformed
        case inconsistentQuantities
        case noSuchOrigin
        case noSuchCachePolicy
        case noSuchOriginRequestPolicy
        case noSuchResponseHeadersPolicy
    }

    public var file: String
    public var path: String
    public var message: String
    public var reason: Reason

    public init(file: String, path: String, message: String, reason: Reason = .invalid) {
        self.file = file
        self.path = path
        self.message = message
        self.reason = reason
    }

    public var description: String { "\(file): \(path): \(message)" }
}

/// Something the import could not carry over as it is, named by its JSON path.
public struct ImportWarning: CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var path: String
    public var message: String

    public var description: String { "\(file): \(path): \(message)" }
}
