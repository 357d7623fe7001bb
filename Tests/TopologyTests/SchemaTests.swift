import Foundation
import Testing

/// The published JSON Schema must accept the ready topologies and refuse what `validate` refuses
/// in shape, checked by a real JSON Schema validator (Python's jsonschema, which .ci/run installs).
@Suite struct SchemaTests {
    static let script = """
        import json, sys, yaml, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        results = []
        for path in sys.argv[2:]:
            errors = list(validator.iter_errors(yaml.safe_load(open(path))))
            results.append({"file": path, "valid": not errors, "errors": [e.message for e in errors][:3]})
        print(json.dumps(results))
        """

    struct Result: Decodable {
        var file: String
        var valid: Bool
        var errors: [String]
    }

    /// Runs the validator over files; each result says whether the schema accepted the file.
    static func validate(_ files: [String]) throws -> [Result] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let schema = Fixtures.packageRoot.appendingPathComponent("topologies/edgesim-topology.schema.json").path
        process.arguments = ["python3", "-c", script, schema] + files
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "the schema check could not run (python3 with jsonschema and PyYAML is needed): \(errorText)")
        return try JSONDecoder().decode([Result].self, from: data)
    }

    @Test func acceptsEveryReadyTopology() throws {
        let folder = Fixtures.packageRoot.appendingPathComponent("topologies")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.map {
            folder.appendingPathComponent($0).path
        }
        #expect(files.count >= 2)
        for result in try Self.validate(files) { #expect(result.valid, "\(result.file): \(result.errors)") }
    }

    @Test func refusesMalformedShapes() throws {
        let folder = try Fixtures.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = [
            "latest": Fixtures.base.replacingOccurrences(of: "auth:1", with: "auth:$LATEST"),
            "pop-id": Fixtures.base.replacingOccurrences(of: "KIX50:", with: "kix:"),
            "unit": Fixtures.base.replacingOccurrences(of: "access: 8 ms", with: "access: 8"),
            "field": Fixtures.base.replacingOccurrences(of: "static: site", with: "statik: site"),
            "latitude": Fixtures.base.replacingOccurrences(of: "lat: 34.6937", with: "lat: 134.6937"),
        ]
        var files: [String] = []
        for (name, text) in broken.sorted(by: { $0.key < $1.key }) {
            let file = folder.appendingPathComponent("\(name).yaml")
            try Data(text.utf8).write(to: file)
            files.append(file.path)
        }
        let base = folder.appendingPathComponent("base.yaml")
        try Data(Fixtures.base.utf8).write(to: base)
        let results = try Self.validate([base.path] + files)
        #expect(results.first?.valid == true, "\(results.first?.errors ?? [])")
        for result in results.dropFirst() { #expect(!result.valid, "the schema accepted \(result.file)") }
    }
}
