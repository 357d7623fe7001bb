import EdgesimTestSupport
import Foundation
import Testing

/// The chaos soak's short form (`scripts/chaos`, 40 s on the minimal topology): faults together
/// under load, and every check but the convergence goal's time must pass. The goal's figure (2 s)
/// is the long run's business, on a quiet machine (BENCHMARKS.md); a test never asserts a time.
@Suite(.serialized) struct ChaosSoakTests {
    @Test func aShortSoakLosesNoAcknowledgedWriteAndConvergesAfterEveryWave() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-chaos-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("chaos.json")
        let run = try await CLI.run(
            external: "/usr/bin/env",
            [
                "python3", "scripts/chaos", "--seconds", "40", "--seed", "5", "--topology", "topologies/minimal.yaml",
                "--binary", CLI.executable.path, "--json", report.path,
            ],
            timeout: .seconds(400)
        )
        let data = try Data(contentsOf: report)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let checks = try #require(json["checks"] as? [[String: Any]])
        #expect(checks.count == 9, "\(run.stdout)")
        for check in checks {
            let name = check["check"] as? String ?? ""
            if name.contains("the goal") { continue }
            #expect(check["passed"] as? Bool == true, "\(name): \(check["figures"] ?? "") — \(run.stdout)\n\(run.stderr.suffix(3000))")
        }
        let faults = try #require(json["faults"] as? [[String: Any]])
        #expect(faults.count >= 2, "\(run.stderr.suffix(2000))")
        #expect((json["publishes"] as? Int ?? 0) >= 3)
    }
}
