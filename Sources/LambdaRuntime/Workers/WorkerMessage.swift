import Foundation

/// One message from a worker: a small JSON object of fields, then, for a reply whose handler
/// returned, a newline and the handler's result as the worker's own `JSON.stringify` or
/// `json.dumps` wrote it (neither writes a raw newline). The result's bytes are passed on as they
/// came, to be validated once, not decoded and encoded again here.
///
/// The fields are read leniently: the worker is ours, but the result inside is the user's, and
/// is validated elsewhere.
struct WorkerMessage {
    private let object: [String: Any]
    /// The handler's result, raw JSON, when the message carries one.
    let result: [UInt8]?

    init(_ bytes: [UInt8]) {
        let newline = bytes.firstIndex(of: 0x0A)
        let fields = newline.map { bytes[..<$0] } ?? bytes[...]
        object = (try? JSONSerialization.jsonObject(with: Data(fields), options: [.fragmentsAllowed])) as? [String: Any] ?? [:]
        result = newline.map { Array(bytes[bytes.index(after: $0)...]) }
    }

    func bool(_ key: String) -> Bool? { object[key] as? Bool }
    func string(_ key: String) -> String? { object[key] as? String }
    func double(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }
}
