/// One message from a worker: a small JSON object of fields, then, for a reply whose handler
/// returned, a newline and the handler's result as the worker's own `JSON.stringify` or
/// `json.dumps` wrote it (neither writes a raw newline). The result's bytes are passed on as they
/// came, to be validated once, not decoded and encoded again here.
///
/// The fields are read leniently: the worker is ours, but the result inside is the user's, and
/// is validated elsewhere. They are an object of strings, numbers and booleans (and an error's
/// `trace`), read as a ``JSONValue``; text that is not one object has no fields.
struct WorkerMessage {
    private let fields: [String: JSONValue]
    /// The handler's result, raw JSON, when the message carries one.
    let result: [UInt8]?

    init(_ bytes: [UInt8]) {
        let newline = bytes.firstIndex(of: 0x0A)
        let head = newline.map { bytes[..<$0] } ?? bytes[...]
        fields = JSONValue(parsing: head)?.object ?? [:]
        result = newline.map { Array(bytes[bytes.index(after: $0)...]) }
    }

    func bool(_ key: String) -> Bool? { fields[key]?.bool }

    func string(_ key: String) -> String? { fields[key]?.string }

    func double(_ key: String) -> Double? { fields[key]?.number }

    func value(_ key: String) -> JSONValue? { fields[key] }
}
