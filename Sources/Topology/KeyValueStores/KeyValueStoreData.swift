import Foundation

/// The keys and values of one CloudFront KeyValueStore, within AWS's limits
/// (cloudfront-functions-spec.md §5): a key of 1–512 bytes, a value of at most 1 KB, 5 MB in
/// all (keys and values counted together, as `TotalSizeInBytes` counts them).
///
/// It reads and writes the import format AWS takes from S3 when a store is created,
/// `{"data": [{"key": "k1", "value": "v1"}, …]}`; the registry keeps each revision of a store
/// in that format, and the edges load it from there.
public struct KeyValueStoreData: Hashable, Sendable {
    /// AWS's limits.
    public enum Limit {
        /// The longest key, in bytes.
        public static let keyBytes = 512
        /// The longest value, in bytes.
        public static let valueBytes = 1_024
        /// The most a store may hold, keys and values together, in bytes.
        public static let storeBytes = 5 * 1_024 * 1_024
        /// The most keys one write may change (`UpdateKeys`).
        public static let keysPerWrite = 50
        /// The largest payload of one write, in bytes.
        public static let bytesPerWrite = 3 * 1_024 * 1_024
        /// The largest import file, in bytes.
        public static let importFileBytes = 5 * 1_024 * 1_024
    }

    /// Every key and its value.
    public private(set) var items: [String: String]

    /// An empty store.
    public init() { items = [:] }

    /// A store of these items, unchecked (they come from a store that checked them).
    public init(items: [String: String]) { self.items = items }

    /// How many keys it holds.
    public var itemCount: Int { items.count }

    /// Its size as AWS counts it: every key's and value's UTF-8 bytes.
    public var totalSizeInBytes: Int { items.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count } }

    /// The keys in order.
    public var sortedKeys: [String] { items.keys.sorted() }

    /// The store after one all-or-nothing write (`UpdateKeys`; `PutKey` and `DeleteKey` are one
    /// put or one delete). A deleted key that is not there is no error, as at AWS.
    /// - Throws: ``KeyValueStoreDataError`` naming the first key or limit that is broken.
    public func applying(puts: [(key: String, value: String)], deletes: [String]) throws(KeyValueStoreDataError) -> KeyValueStoreData {
        guard !puts.isEmpty || !deletes.isEmpty else { throw KeyValueStoreDataError(path: "", "the write changes no key") }
        guard puts.count + deletes.count <= Limit.keysPerWrite else {
            throw KeyValueStoreDataError(
                path: "",
                "the write changes \(puts.count + deletes.count) keys; one write may change at most \(Limit.keysPerWrite)"
            )
        }
        let payload = puts.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count } + deletes.reduce(0) { $0 + $1.utf8.count }
        guard payload <= Limit.bytesPerWrite else {
            throw KeyValueStoreDataError(path: "", "the write carries \(payload) bytes; one write may carry at most \(Limit.bytesPerWrite)")
        }
        var next = items
        for (index, key) in deletes.enumerated() {
            try Self.check(key: key, at: "Deletes[\(index)].Key")
            next[key] = nil
        }
        for (index, put) in puts.enumerated() {
            try Self.check(key: put.key, at: "Puts[\(index)].Key")
            try Self.check(value: put.value, at: "Puts[\(index)].Value")
            next[put.key] = put.value
        }
        let result = KeyValueStoreData(items: next)
        try result.checkSize()
        return result
    }

    // MARK: The import format

    /// Reads an import file.
    /// - Throws: ``KeyValueStoreDataError`` naming the JSON path of the first problem
    ///   (`data[3].value`), a duplicate key with where it first appeared, or a broken limit.
    public static func parse(importFile data: Data) throws(KeyValueStoreDataError) -> KeyValueStoreData {
        guard data.count <= Limit.importFileBytes else {
            throw KeyValueStoreDataError(path: "", "the file is \(data.count) bytes; an import file may be at most \(Limit.importFileBytes)")
        }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw KeyValueStoreDataError(path: "", "not JSON: \(Self.reason(error))")
        }
        guard let object = root as? [String: Any] else {
            throw KeyValueStoreDataError(path: "", "the file must be an object: {\"data\": [{\"key\": …, \"value\": …}, …]}")
        }
        if let unknown = object.keys.sorted().first(where: { $0 != "data" }) {
            throw KeyValueStoreDataError(path: unknown, "unknown field: an import file has only 'data'")
        }
        guard let entries = object["data"] as? [Any] else {
            throw KeyValueStoreDataError(path: "data", object["data"] == nil ? "missing: the list of {\"key\", \"value\"} items" : "must be a list")
        }
        var items: [String: String] = [:]
        var firstIndex: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let path = "data[\(index)]"
            guard let item = entry as? [String: Any] else { throw KeyValueStoreDataError(path: path, "must be an object {\"key\": …, \"value\": …}") }
            if let unknown = item.keys.sorted().first(where: { $0 != "key" && $0 != "value" }) {
                throw KeyValueStoreDataError(path: "\(path).\(unknown)", "unknown field: an item has only 'key' and 'value'")
            }
            guard let key = item["key"] as? String else {
                throw KeyValueStoreDataError(path: "\(path).key", item["key"] == nil ? "missing" : "must be a string")
            }
            guard let value = item["value"] as? String else {
                throw KeyValueStoreDataError(
                    path: "\(path).value",
                    item["value"] == nil ? "missing" : "must be a string (store JSON as a string, read it with format 'json')"
                )
            }
            try check(key: key, at: "\(path).key")
            try check(value: value, at: "\(path).value")
            if let first = firstIndex[key] {
                throw KeyValueStoreDataError(path: "\(path).key", "'\(key)' appears twice (first at data[\(first)]): AWS refuses the whole file")
            }
            firstIndex[key] = index
            items[key] = value
        }
        let result = KeyValueStoreData(items: items)
        try result.checkSize()
        return result
    }

    /// The store in the import format, keys in order.
    public var importFile: Data {
        var text = "{\"data\":["
        for (index, key) in sortedKeys.enumerated() {
            if index > 0 { text += "," }
            text += "{\"key\":\(Self.quoted(key)),\"value\":\(Self.quoted(items[key] ?? ""))}"
        }
        text += "]}\n"
        return Data(text.utf8)
    }

    // MARK: Limits

    /// Checks a key against AWS's limit.
    /// - Throws: ``KeyValueStoreDataError`` at `path`.
    public static func check(key: String, at path: String) throws(KeyValueStoreDataError) {
        let bytes = key.utf8.count
        guard bytes >= 1 else { throw KeyValueStoreDataError(path: path, "a key may not be empty") }
        guard bytes <= Limit.keyBytes else {
            throw KeyValueStoreDataError(path: path, "the key is \(bytes) bytes; a key may be at most \(Limit.keyBytes)")
        }
    }

    /// Checks a value against AWS's limit.
    /// - Throws: ``KeyValueStoreDataError`` at `path`.
    public static func check(value: String, at path: String) throws(KeyValueStoreDataError) {
        let bytes = value.utf8.count
        guard bytes <= Limit.valueBytes else {
            throw KeyValueStoreDataError(path: path, "the value is \(bytes) bytes; a value may be at most \(Limit.valueBytes)")
        }
    }

    private func checkSize() throws(KeyValueStoreDataError) {
        let size = totalSizeInBytes
        guard size <= Limit.storeBytes else {
            throw KeyValueStoreDataError(
                path: "",
                "the store would hold \(size) bytes of keys and values; a store may hold at most \(Limit.storeBytes)"
            )
        }
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
    }
}

/// A KeyValueStore's data that breaks the format or a limit: where (a JSON path such as
/// `data[3].value`, or empty for the whole), and what.
public struct KeyValueStoreDataError: Error, Sendable, CustomStringConvertible {
    /// The JSON path of the problem, empty for the whole file or write.
    public var path: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
