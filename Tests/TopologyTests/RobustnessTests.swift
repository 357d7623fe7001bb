import Foundation
import Testing

@testable import Topology

/// Bad input must give errors, never a crash or a hang.
@Suite struct RobustnessTests {
    /// Text that tends to break YAML and the meaning checks when dropped into a file.
    static let fragments = [
        ":", "-", "[", "]", "{", "}", ",", "#", "&a", "*a", "!!int", "'", "\"", "|", ">", "? ", "\t", "\n", "  ", "~", "null", "true",
        "99999999999999999999999", "-1e400", "nan", "NaN ms", "1e308 s", "$LATEST", "0%", "101%", "\u{0}", "é", "🛰️", "<<: *a", "%YAML 1.2",
        "---", "...", "registry", "NRT50", "ap-northeast-1", "loss: 100%", "static: /", "url: http://", "port: -1",
    ]

    /// One random edit: delete, insert, duplicate, swap or truncate.
    static func mutate(_ text: String, using random: inout SeededGenerator) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = Int.random(in: 0..<lines.count, using: &random)
        switch Int.random(in: 0..<7, using: &random) {
        case 0:
            lines.remove(at: index)
        case 1:
            lines.insert(lines[index], at: Int.random(in: 0...lines.count, using: &random))
        case 2:
            lines.swapAt(index, Int.random(in: 0..<lines.count, using: &random))
        case 3:
            var line = Array(lines[index])
            let at = Int.random(in: 0...line.count, using: &random)
            line.insert(contentsOf: fragments.randomElement(using: &random)!, at: at)
            lines[index] = String(line)
        case 4:
            var line = Array(lines[index])
            if !line.isEmpty { line.removeSubrange(Int.random(in: 0..<line.count, using: &random)..<line.count) }
            lines[index] = String(line)
        case 5:
            let words = lines[index].split(separator: " ")
            if let word = words.randomElement(using: &random) {
                lines[index] = lines[index].replacingOccurrences(of: word, with: fragments.randomElement(using: &random)!)
            }
        default:
            return String(text.prefix(Int.random(in: 0...text.count, using: &random)))
        }
        return lines.joined(separator: "\n")
    }

    @Test func aThousandMutatedFilesNeverCrashOrHang() throws {
        var random = SeededGenerator(seed: 2026)
        let folder = try Fixtures.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sources = [Fixtures.base, try String(contentsOfFile: Fixtures.topology("minimal"), encoding: .utf8)]
        var invalid = 0
        for round in 0..<1000 {
            var text = sources[round % sources.count]
            for _ in 0..<Int.random(in: 1...4, using: &random) { text = Self.mutate(text, using: &random) }
            let report = TopologyLoader.check(yaml: text, file: "mutant.yaml", baseDirectory: folder.path)
            if report.topology == nil {
                invalid += 1
                #expect(!report.diagnostics.isEmpty, "an invalid file must say why:\n\(text)")
            }
            for diagnostic in report.diagnostics {
                let location = try #require(diagnostic.location)
                #expect(location.line >= 1 && location.column >= 1)
                #expect(diagnostic.description.hasPrefix("mutant.yaml:\(location.line):\(location.column): "))
            }
        }
        #expect(invalid > 500, "the mutations should break most files")
    }

    @Test func aliasesThatMultiplyAreRefused() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 { yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        yaml += "hubs: *a9\nedges: *a9\norigins: *a9\nviewers: *a9\n"
        let report = try Fixtures.check(yaml)
        #expect(report.topology == nil)
        #expect(!report.diagnostics.isEmpty)
        let bomb =
            "hubs: &h\n  ap-northeast-1: { location: &l [" + String(repeating: "1, ", count: 1000)
            + "1] }\ndistributions: { E2X00001: { origins: *l } }\n"
        #expect(try Fixtures.check(bomb).topology == nil)
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() throws {
        let deep = "hubs: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let report = try Fixtures.check(deep)
        #expect(report.diagnostics.first?.code == .syntax)
    }

    @Test func filesThatAreNotTopologies() throws {
        let folder = try Fixtures.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = folder.appendingPathComponent("binary.yaml")
        try Data([0x68, 0x75, 0x62, 0x73, 0x3A, 0x0A, 0x20, 0xFF, 0xFE]).write(to: binary)
        let report = TopologyLoader.check(path: binary.path)
        #expect(report.diagnostics.first?.code == .unreadable)
        #expect(report.diagnostics.first?.location?.line == 2)
        #expect(TopologyLoader.check(path: folder.path).diagnostics.first?.code == .unreadable)
        #expect(TopologyLoader.check(path: folder.appendingPathComponent("missing.yaml").path).diagnostics.first?.code == .unreadable)
        for text in ["", "just text", "- a\n- list", "42", "hubs: 7", "hubs:\n  ap-northeast-1: ~\n"] {
            let report = try Fixtures.check(text)
            #expect(report.topology == nil && !report.diagnostics.isEmpty, "\(text)")
        }
    }
}

@Suite struct DiagnosticTests {
    @Test func aProblemIsAlwaysOneLine() throws {
        let report = try Fixtures.check(Fixtures.base.replacingOccurrences(of: "access: 8 ms", with: "access: \"8\\nparsecs\\t\""))
        let line = try #require(report.diagnostics.first { $0.code == .malformedUnit }).description
        #expect(!line.contains("\n") && !line.contains("\t"))
        #expect(line.contains("8\\nparsecs"))
    }
}
