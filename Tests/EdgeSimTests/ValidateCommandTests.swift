import EdgesimTestSupport
import Foundation
import Testing

@Suite struct ValidateCommandTests {
    @Test(arguments: ["topologies/minimal.yaml", "topologies/global.yaml"])
    func readyTopologiesAreValid(file: String) async throws {
        let result = try await CLI.run(["validate", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(file): valid"))
    }

    @Test func problemsArePrintedOnePerLineWithTheirPosition() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("broken.yaml")
        let text = try String(contentsOf: CLI.packageRoot.appendingPathComponent("topologies/minimal.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "hub: ap-northeast-1 }\n  KIX50", with: "hub: ap-northeast-9 }\n  KIX50")
            .replacingOccurrences(of: "access: 4 ms", with: "access: 4 lightyears")
            .replacingOccurrences(of: "static: sites/demo", with: "static: \(CLI.packageRoot.path)/topologies/sites/demo")
        try Data(text.utf8).write(to: file)

        let result = try await CLI.run(["validate", file.path, "topologies/minimal.yaml"])
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

    @Test func aMissingFileIsAnErrorNotACrash() async throws {
        let result = try await CLI.run(["validate", "no/such/topology.yaml"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("no/such/topology.yaml:1:1: error: cannot read the file"))
    }
}

@Suite struct ValidateFuzzTests {
    /// A thousand mutated copies of the global topology, checked by one real `edgesim validate`
    /// run: it must exit 0 or 1 (never die on a signal), and print only well-formed problem lines.
    @Test func aThousandMutatedFilesThroughTheRealCommand() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try String(contentsOf: CLI.packageRoot.appendingPathComponent("topologies/global.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "static: sites/demo", with: "static: \(CLI.packageRoot.path)/topologies/sites/demo")
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let fragments = [":", "- ", "[", "}", "&x ", "*x", "'", "\"", "\t", "~", "1e999", "-0", "$LATEST", "100%", "NRT57", "é", "\u{7F}"]
        var random = SystemRandomNumberGenerator()
        var files: [String] = []
        for index in 0..<1000 {
            var mutated = lines
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let at = Int.random(in: 0..<mutated.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: mutated.remove(at: at)
                case 1: mutated.insert(mutated[Int.random(in: 0..<mutated.count, using: &random)], at: at)
                case 2:
                    var line = Array(mutated[at])
                    line.insert(contentsOf: fragments.randomElement(using: &random)!, at: Int.random(in: 0...line.count, using: &random))
                    mutated[at] = String(line)
                default: mutated[at] = String(mutated[at].prefix(Int.random(in: 0...mutated[at].count, using: &random)))
                }
            }
            let file = folder.appendingPathComponent("mutant-\(index).yaml")
            try Data(mutated.joined(separator: "\n").utf8).write(to: file)
            files.append(file.path)
        }
        let result = try await CLI.run(["validate", "--quiet"] + files, timeout: .seconds(300))
        #expect(result.status == 0 || result.status == 1)
        for line in result.stderr.split(separator: "\n") {
            #expect(line.wholeMatch(of: /.+mutant-\d+\.yaml:\d+:\d+: (error|warning): .+/) != nil, "\(line)")
        }
    }
}
