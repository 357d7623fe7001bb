import CDNCore
import EdgesimTestSupport
import Foundation
import Testing

/// An Origin Shield through real edges and hubs: three hubs, one of them the origin's shield;
/// the origin is asked once for the whole network, and every response says which layer had it.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct OriginShieldTests {
    static func topology(origin: Int) throws -> URL {
        let yaml = """
            name: shield
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
              osaka: { lat: 34.6937, lon: 135.5023, country: JP, city: Osaka }
              seoul: { lat: 37.5665, lon: 126.9780, country: KR, city: Seoul }
            hubs:
              ap-northeast-1: { location: tokyo }
              ap-northeast-3: { location: osaka }
              ap-northeast-2: { location: seoul }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
              KIX50: { location: osaka, hub: ap-northeast-3 }
              ICN50: { location: seoul, hub: ap-northeast-2 }
            origins:
              app: { location: tokyo, url: "http://127.0.0.1:\(origin)", origin_shield: ap-northeast-1 }
            viewers:
              tokyo-home: { location: tokyo, access: 2 ms }
              osaka-home: { location: osaka, access: 2 ms }
              seoul-home: { location: seoul, access: 2 ms }
            distributions:
              E2SHIELD00001:
                origins: [app]
            """
        return try URL.scratchFolder("shield").writeTopology(yaml)
    }

    @Test func everyHubFetchesThroughTheShieldAndTheOriginIsAskedOnce() async throws {
        let origin = try PythonHTTPServer.start()
        defer { origin.stop() }
        let path = "/status/200/object?max-age=600"
        let topology = try Self.topology(origin: origin.port)
        try await withNetwork(topology.path) { network in
            // Osaka's hub misses, and so does the shield, which asks the origin.
            let first = try await network.request(path, from: "osaka-home")
            let timing = first.header("Server-Timing") ?? ""
            #expect(first.status == 200 && first.header("X-Amz-Cf-Pop") == "KIX50", "\(first.headers)")
            #expect(timing.contains("origin-shield;desc=\"ap-northeast-1 miss\"") && timing.contains("cdn-hit-layer;desc=\"Origin\""), "\(timing)")
            #expect(timing.contains("shield;dur="), "\(timing)")

            // Seoul's hub misses; the shield has it.
            let second = try await network.request(path, from: "seoul-home")
            let shielded = second.header("Server-Timing") ?? ""
            #expect(shielded.contains("cdn-hit-layer;desc=\"Origin Shield\""), "\(shielded)")
            #expect(shielded.contains("origin-shield;desc=\"ap-northeast-1 hit\"") && !shielded.contains("origin;dur="), "\(shielded)")

            // Tokyo's hub is the shield itself: a regional hit, with no shield in between.
            let third = try await network.request(path, from: "tokyo-home")
            let regional = third.header("Server-Timing") ?? ""
            #expect(regional.contains("cdn-hit-layer;desc=\"REC\"") && !regional.contains("origin-shield"), "\(regional)")

            #expect(try await origin.timesAsked("/status/200/object") == 1)
            #expect(try await network.counter("edgesim_origin_shield_fetches_total", of: "ap-northeast-2") == 1)

            // measure counts, per location, the requests that met the shield.
            let json = network.stateDirectory.appendingPathComponent("shield.json")
            let measured = try await CLI.run([
                "measure", "--state-dir", network.stateDirectory.path, "--from", "seoul-home", "--path", "/status/200/fresh?max-age=600",
                "--requests", "5", "--warmup", "0", "--json", json.path,
            ])
            #expect(measured.status == 0 && measured.stdout.contains("what the requests met"), "\(measured.stdout)\n\(measured.stderr)")
            let result = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
            let applied = (result?["locations"] as? [[String: Any]])?.first?["applied"] as? [String: Int]
            #expect(applied?["origin-shield"] == 1, "\(applied ?? [:])")

            // route shows the shield's legs.
            let route = try await CLI.run(["route", topology.path, "--from", "seoul-home"])
            #expect(route.stdout.contains("hub → shield") && route.stdout.contains("shield → origin"), "\(route.stdout)")
        }
    }
}
