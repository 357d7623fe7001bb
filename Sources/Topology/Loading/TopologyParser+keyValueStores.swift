import Foundation
import Yams

extension TopologyParser {
    /// One entry of `key_value_stores:` — a CloudFront KeyValueStore, empty or filled from an
    /// import file in AWS's format, read and checked here: a problem in the file is reported at
    /// the `import:` value with the file and the JSON path (`data[3].value`).
    func parseKeyValueStore(name: String, keyNode: Node, value: Node) throws -> KeyValueStoreSpec? {
        let validName = try checkID(
            name,
            at: keyNode,
            role: "key value store",
            rule: KeyValueStoreSpec.Rules.name,
            expected: KeyValueStoreSpec.Rules.nameExpected
        )
        var spec = KeyValueStoreSpec(name: name, source: reader.location(keyNode))
        if case .scalar(let scalar) = value, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            return validName ? spec : nil
        }
        guard let fields = try reader.fields(value, what: "key value store '\(name)'", allowed: ["import", "comment"]) else { return nil }
        if let comment = try fields.string("comment") {
            if comment.count > KeyValueStoreSpec.Rules.commentCharacters {
                try report(
                    .outOfRange,
                    "the comment of key value store '\(name)' is \(comment.count) characters; AWS allows \(KeyValueStoreSpec.Rules.commentCharacters)",
                    field: "comment",
                    of: fields
                )
            }
            spec.comment = comment
        }
        if let path = try fields.string("import") {
            let absolute = absolutePath(path)
            guard let data = FileManager.default.contents(atPath: absolute) else {
                try report(
                    .invalidValue,
                    "'import' of key value store '\(name)': no file at '\(path)' (resolved to \(absolute))",
                    field: "import",
                    of: fields
                )
                return nil
            }
            do {
                spec.data = try KeyValueStoreData.parse(importFile: data)
            } catch {
                try report(.invalidValue, "the import file \(path) of key value store '\(name)': \(error)", field: "import", of: fields)
                return nil
            }
            spec.importFile = absolute
        }
        return validName ? spec : nil
    }

    /// A CloudFront Function's `key_value_store:` — one store, declared in `key_value_stores:`,
    /// read through `cf.kvs()`, which only runtime 2.0 has.
    func keyValueStore(of fields: Fields, function name: String, runtime: Runtime) throws -> String? {
        guard let store = try fields.string("key_value_store") else { return nil }
        guard runtime == .cloudFrontJS2 else {
            try report(
                .invalidValue,
                "CloudFront Function '\(name)' names a key value store, which needs runtime cloudfront-js-2.0 (it has \(runtime.rawValue))",
                field: "key_value_store",
                of: fields
            )
            return nil
        }
        guard keyValueStores.contains(where: { $0.name == store }) else {
            let known = keyValueStores.map(\.name)
            try report(
                .unknownReference,
                "CloudFront Function '\(name)' names key value store '\(store)', which 'key_value_stores' does not declare\(Suggestion.phrase(for: store, among: known))",
                field: "key_value_store",
                of: fields
            )
            return nil
        }
        return store
    }
}
