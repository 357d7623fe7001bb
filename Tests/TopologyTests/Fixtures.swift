import Foundation
import Testing

@testable import Topology

/// Paths and helpers shared by the Topology suites.
enum Fixtures {
    /// The package's root folder, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A ready topology's path.
    static func topology(_ name: String) -> String { packageRoot.appendingPathComponent("topologies/\(name).yaml").path }

    /// A fresh folder under the system's temporary folder, with a `site` folder and a `fn` function folder in it.
    static func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("site"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("fn"), withIntermediateDirectories: true)
        try Data("exports.handler = async (event) => event.Records[0].cf.request;\n".utf8).write(to: folder.appendingPathComponent("fn/index.js"))
        return folder
    }

    /// A small valid topology that the validation tests break one line at a time.
    static let base = """
        locations:
          tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo, time_zone: Asia/Tokyo }
          osaka: { lat: 34.6937, lon: 135.5023, country: JP, city: Osaka }
        hubs:
          ap-northeast-1: { location: tokyo }
        edges:
          NRT50: { location: tokyo, hub: ap-northeast-1 }
          KIX50: { location: osaka, hub: ap-northeast-1 }
        origins:
          site: { location: tokyo, static: site }
        viewers:
          home: { location: tokyo, access: 8 ms }
          office: { location: osaka }
        functions:
          auth: { runtime: nodejs20.x, handler: index.handler, code: fn }
        distributions:
          E2TEST000001:
            origins: [site]
            behaviors:
              - path: /api/*
                functions:
                  viewer-request: auth:1

        """

    /// Checks a document in a scratch folder, where `site` and `fn` exist.
    static func check(_ yaml: String) throws -> TopologyLoader.Report {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        return TopologyLoader.check(yaml: yaml, file: "test.yaml", baseDirectory: folder.path)
    }

    /// Loads a document that must be valid.
    static func load(_ yaml: String) throws -> Topology {
        let report = try check(yaml)
        let topology = try #require(report.topology, "\(report.diagnostics)")
        return topology
    }
}

/// A small, fast, seeded generator, so random tests repeat exactly (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
