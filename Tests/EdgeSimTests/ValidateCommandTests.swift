import Foundation
import Testing

@Suite struct ValidateCommandTests {
    @Test(arguments: ["topologies/minimal.yaml", "topologies/global.yaml"])
    func readyTopologiesAreValid(file: String) throws {
        let result = try CLI.run(["validate", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(file): valid"))
    }

    @Test func problemsArePrintedOnePerLineWithTheirPosition() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("broken.yaml")
        let text = try String(contentsOf: CLI.packageRoot.appendingPathComponent("topologies/minimal.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "hub: ap-northeast-1 }\n  KIX50", with: "hub: ap-northeast-9 }\n  KIX50")
            .replacingOccurrences(of: "access: 4 ms", with: "access: 4 lightyears")
            .replacingOccurrences(of: "static: sites/demo", with: "static: \(CLI.packageRoot.path)/topologies/sites/demo")
        try Data(text.utf8).write(to: file)

        let result = try CLI.run(["validate", file.path, "topologies/minimal.yaml"])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(result.stderr)")
        for line in lines {
            #expect(line.wholeMatch(of: /.+broken\.yaml:\d+:\d+: error: .+/) != nil, "\(line)")
        }
        #expect(lines.first?.contains("broken.yaml:14:34: error: edge 'NRT50' names unknown hub 'ap-northeast-9'") == true, "\(lines)")
        #expect(lines.last?.contains("malformed duration '4 lightyears'") == true)
        #expect(result.stdout.contains("topologies/minimal.yaml: valid"), "a valid file beside a broken one is still reported valid")
    }

    @Test func aMissingFileIsAnErrorNotACrash() throws {
        let result = try CLI.run(["validate", "no/such/topology.yaml"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("no/such/topology.yaml:1:1: error: cannot read the file"))
    }
}
