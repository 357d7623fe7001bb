import Foundation

/// Reads fields of one JSON object from a worker, leniently: the worker is ours, but the handler
/// result inside is the user's, and is validated elsewhere.
struct WorkerMessage {
    private let object: [String: Any]

    init(_ bytes: [UInt8]) {
        object = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) as? [String: Any] ?? [:]
    }

    func bool(_ key: String) -> Bool? { object[key] as? Bool }
    func string(_ key: String) -> String? { object[key] as? String }
    func double(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }

    /// A field re-encoded as JSON (the handler's result).
    func json(_ key: String) -> [UInt8]? {
        guard let value = object[key] else { return nil }
        return (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])).map { Array($0) }
    }
}
