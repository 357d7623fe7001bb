import Foundation
import Testing
import Topology

@testable import CloudFrontImport

/// `edgesim export cloudfront`: import → export → import gives the same distribution, and what
/// it writes passes botocore's own parameter validation for UpdateDistribution and the
/// Update…Policy calls.
@Suite struct CloudFrontExportTests {
    /// A distribution without where it was declared, to compare two imports of it.
    static func comparable(_ distribution: DistributionSpec) -> DistributionSpec {
        var copy = distribution
        copy.source = nil
        copy.originGroups = copy.originGroups.map { group in
            var group = group
            group.source = nil
            return group
        }
        copy.behaviors = copy.behaviors.map { behavior in
            var behavior = behavior
            behavior.source = nil
            behavior.functions = behavior.functions.mapValues { association in
                var association = association
                association.source = nil
                return association
            }
            return behavior
        }
        return copy
    }

    /// Imports files onto the global network with these stand-ins, into `folder/NAME.yaml`.
    static func importTopology(_ files: [String], origins: [String: String], functions: String, as name: String, in folder: URL) throws -> Topology {
        let output = folder.appendingPathComponent("\(name).yaml").path
        let result = try CloudFrontImporter.run(
            files: files,
            options: .init(onto: CloudFrontImportTests.global, origins: origins, functions: functions, output: output)
        )
        try result.yaml.write(toFile: output, atomically: true, encoding: .utf8)
        let report = TopologyLoader.check(path: output)
        return try #require(report.topology, "\(report.diagnostics)\n\(result.yaml)")
    }

    /// Writes the export of each distribution into `folder/name/`.
    static func export(_ topology: Topology, into folder: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try topology.distributions.flatMap { distribution in
            try CloudFrontExporter.files(for: distribution, in: topology).map { file in
                let path = folder.appendingPathComponent(file.name).path
                try file.text.write(toFile: path, atomically: true, encoding: .utf8)
                return path
            }
        }
    }

    static func cases(in folder: URL) throws -> [(files: [String], origins: [String: String], functions: String)] {
        let site = folder.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let custom = folder.appendingPathComponent("custom")
        try FileManager.default.createDirectory(at: custom, withIntermediateDirectories: true)
        return [
            ([CloudFrontImportTests.example], ["s3-site": site.path, "api": "http://127.0.0.1:9999"], CloudFrontImportTests.functions),
            (
                try CloudFrontImportTests.customInputs(in: custom), ["S3 bucket (site)": site.path, "S3-bucket-site": site.path],
                custom.appendingPathComponent("functions").path
            ),
        ]
    }

    @Test func importThenExportThenImportIsAFixedPoint() throws {
        let folder = try CloudFrontImportTests.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (index, item) in try Self.cases(in: folder).enumerated() {
            let first = try Self.importTopology(item.files, origins: item.origins, functions: item.functions, as: "first-\(index)", in: folder)
            let exported = try Self.export(first, into: folder.appendingPathComponent("export-\(index)"))
            let second = try Self.importTopology(exported, origins: item.origins, functions: item.functions, as: "second-\(index)", in: folder)
            #expect(first.distributions.map(Self.comparable) == second.distributions.map(Self.comparable))
            for id in first.distributions.flatMap(\.origins) {
                let (a, b) = (try #require(first.origin(id)), try #require(second.origin(id)))
                #expect(a.kind == b.kind, "\(id): \(a.kind) \(b.kind)")
                #expect(a.location.coordinate == b.location.coordinate, "\(id): \(a.location.coordinate) \(b.location.coordinate)")
                #expect(a.originShield == b.originShield, "\(id)")
                #expect(a.timeouts == b.timeouts && a.protocolPolicy == b.protocolPolicy)
            }
            #expect(first.functions.map(\.name) == second.functions.map(\.name))
            #expect(first.functions.map(\.runtime) == second.functions.map(\.runtime))
            // Exporting again writes the same bytes.
            let again = try Self.export(second, into: folder.appendingPathComponent("again-\(index)"))
            #expect(
                try again.map { try String(contentsOfFile: $0, encoding: .utf8) } == exported.map { try String(contentsOfFile: $0, encoding: .utf8) }
            )
        }
    }

    @Test func theExportPassesBotocoresOwnValidation() async throws {
        let folder = try CloudFrontImportTests.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String] = []
        for (index, item) in try Self.cases(in: folder).enumerated() {
            let topology = try Self.importTopology(item.files, origins: item.origins, functions: item.functions, as: "t-\(index)", in: folder)
            files += try Self.export(topology, into: folder.appendingPathComponent("export-\(index)"))
        }
        // describe-function's output has no Update… input to check; the rest do.
        files.removeAll { ($0 as NSString).lastPathComponent.hasPrefix("function.") }
        #expect(files.count == 5, "two distributions and three declared policies: \(files)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CloudFrontImportTests.root.appendingPathComponent("scripts/botocore-validate.py").path] + files
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.split(separator: "\n").filter { $0.contains(": valid ") }.count == files.count, "\(output)")
    }

    @Test func aBotocoreRefusalIsSeen() async throws {
        // The validator is not a stub: a config CloudFront's model refuses is refused.
        let folder = try CloudFrontImportTests.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bad.json").path
        try #"{"DistributionConfig": {"CallerReference": "x", "Origins": {"Quantity": "two"}, "Comment": "", "Enabled": true}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CloudFrontImportTests.root.appendingPathComponent("scripts/botocore-validate.py").path, path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
    }
}
