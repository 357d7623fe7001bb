import Foundation
import Testing

@testable import FuzzTargets

/// Every fuzzing target's seeds (`fuzz/seeds/NAME/`, crashes once fixed among them) and corpus
/// (`fuzz/corpus/NAME/`, what fuzzing found that reaches new code) run through its parser on
/// each test run. None may crash, and each target has seeds.
@Suite(.serialized) struct FuzzCorpusTests {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz")

    static func files(_ kind: String, _ target: FuzzTarget) -> [URL] {
        let folder = fuzz.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func theSeedsAndCorpusRunThroughTheirParser(target: FuzzTarget) throws {
        let seeds = Self.files("seeds", target)
        #expect(seeds.count >= 2, "\(target.rawValue) needs seeds in fuzz/seeds/\(target.rawValue)")
        for file in seeds + Self.files("corpus", target) {
            target.run(Array(try Data(contentsOf: file)))
        }
    }

    @Test func aPackageThatClimbsOutOfItsFolderStaysIn() throws {
        let traversal = Self.fuzz.appendingPathComponent("seeds/bundle/traversal.zip")
        FuzzTarget.bundle.run(Array(try Data(contentsOf: traversal)))
        let beside = try FileManager.default.contentsOfDirectory(atPath: FuzzTarget.scratch.path)
        #expect(beside == ["bundle"], "\(beside)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/edgesim-absolute"))
    }
}
