import Foundation
import Testing

@testable import Topology

/// KeyValueStores in a topology, and their data: the import format read with each problem at
/// its JSON path, AWS's limits, all-or-nothing writes, and the store a 2.0 function names.
@Suite struct KeyValueStoreTopologyTests {
    static let document = """
        locations:
          tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
        hubs:
          ap-northeast-1: { location: tokyo }
        edges:
          NRT50: { location: tokyo, hub: ap-northeast-1 }
        origins:
          site: { location: tokyo, static: site }
        key_value_stores:
          STORES
        functions:
          FUNCTIONS
        distributions:
          E2TEST000001:
            origins: [site]
            behaviors:
              - { path: "*", origin: site }

        """

    static func check(
        stores: String,
        functions: String,
        importFile: String = #"{"data": [{"key": "k", "value": "v"}]}"#
    ) throws
        -> TopologyLoader.Report
    {
        let folder = try Fixtures.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("function handler(event) { return event.request; }\n".utf8).write(to: folder.appendingPathComponent("fn/f.js"))
        try Data(importFile.utf8).write(to: folder.appendingPathComponent("data.json"))
        let yaml = document.replacingOccurrences(of: "STORES", with: stores).replacingOccurrences(of: "FUNCTIONS", with: functions)
        return TopologyLoader.check(yaml: yaml, file: "test.yaml", baseDirectory: folder.path)
    }

    @Test func aStoreFromAnImportFileIsReadByA20Function() throws {
        let report = try Self.check(
            stores: "flags: { import: data.json, comment: flags }\n  empty: {}",
            functions: "f: { runtime: cloudfront-js-2.0, code: fn/f.js, key_value_store: flags }"
        )
        let topology = try #require(report.topology, "\(report.diagnostics)")
        #expect(topology.keyValueStores.map(\.name) == ["flags", "empty"])
        #expect(topology.keyValueStores.first?.data.items == ["k": "v"])
        #expect(topology.function("f")?.keyValueStore == "flags")
    }

    @Test func eachProblemIsReportedWhereItIs() throws {
        let cases: [(stores: String, functions: String, file: String, expected: String)] = [
            (
                "flags: { import: data.json }", "f: { runtime: cloudfront-js-1.0, code: fn/f.js, key_value_store: flags }", "",
                "needs runtime cloudfront-js-2.0"
            ),
            ("flags: { import: data.json }", "f: { runtime: cloudfront-js-2.0, code: fn/f.js, key_value_store: flag }", "", "did you mean 'flags'"),
            ("flags: { import: missing.json }", "f: { runtime: cloudfront-js-2.0, code: fn/f.js }", "", "no file at 'missing.json'"),
            (
                "flags: { import: data.json }", "f: { runtime: cloudfront-js-2.0, code: fn/f.js }", #"{"data": [{"key": "k"}]}"#,
                "data[0].value: missing"
            ),
            (
                "flags: { import: data.json }", "f: { runtime: cloudfront-js-2.0, code: fn/f.js }",
                #"{"data": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}"#, "data[1].key: 'a' appears twice (first at data[0])"
            ),
            (
                "flags: { import: data.json }", "f: { runtime: cloudfront-js-2.0, code: fn/f.js }", #"{"data": [{"key": "a", "value": 1}]}"#,
                "data[0].value: must be a string"
            ),
            ("bad.name: {}", "f: { runtime: cloudfront-js-2.0, code: fn/f.js }", "", "key value store id 'bad.name' is not valid"),
        ]
        for item in cases {
            let file = item.file.isEmpty ? #"{"data": []}"# : item.file
            let report = try Self.check(stores: item.stores, functions: item.functions, importFile: file)
            let messages = report.diagnostics.map(\.description).joined(separator: "\n")
            #expect(report.topology == nil, "\(item.expected)")
            #expect(messages.contains(item.expected), "expected '\(item.expected)' in:\n\(messages)")
            #expect(messages.contains("test.yaml:"), "a problem names the topology's file:line:col: \(messages)")
        }
    }

    @Test func dataKeepsAWSsLimitsAndWritesAllOrNothing() throws {
        let data = try KeyValueStoreData.parse(importFile: Data(#"{"data": [{"key": "a", "value": "é"}]}"#.utf8))
        #expect(data.totalSizeInBytes == 3 && data.itemCount == 1)
        let longKey = String(repeating: "k", count: KeyValueStoreData.Limit.keyBytes + 1)
        #expect(throws: KeyValueStoreDataError.self) { _ = try data.applying(puts: [("b", "1"), (longKey, "2")], deletes: []) }
        let many = (0...KeyValueStoreData.Limit.keysPerWrite).map { (key: "k\($0)", value: "v") }
        let tooMany = #expect(throws: KeyValueStoreDataError.self) { _ = try data.applying(puts: many, deletes: []) }
        #expect(tooMany?.message.contains("at most 50") == true)
        let next = try data.applying(puts: [("b", "2")], deletes: ["a", "absent"])
        #expect(next.items == ["b": "2"])
        #expect(try KeyValueStoreData.parse(importFile: next.importFile) == next)
        let big = String(repeating: "x", count: 1_000)
        var full = KeyValueStoreData()
        for batch in 0..<100 {
            full = try full.applying(puts: (0..<50).map { (key: "key-\(batch)-\($0)", value: big) }, deletes: [])
        }
        let overflow = #expect(throws: KeyValueStoreDataError.self) {
            for batch in 0..<10 { full = try full.applying(puts: (0..<50).map { (key: "more-\(batch)-\($0)", value: big) }, deletes: []) }
        }
        #expect(overflow?.message.contains("at most \(KeyValueStoreData.Limit.storeBytes)") == true)
        #expect(throws: KeyValueStoreDataError.self) { _ = try KeyValueStoreData.parse(importFile: Data("[]".utf8)) }
        #expect(throws: KeyValueStoreDataError.self) { _ = try KeyValueStoreData.parse(importFile: Data(#"{"data": [], "extra": 1}"#.utf8)) }
    }
}
