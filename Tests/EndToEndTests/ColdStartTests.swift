import CDNCore
import EdgesimTestSupport
import Foundation
import Testing
import Topology

/// The topology's modelled Lambda cold start: a new worker's first call waits for the model's
/// Init Duration and reports it, the worker's own start is counted apart, and warm calls pay
/// neither.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ColdStartTests {
    static let modelled = (node: 400.0, python: 300.0)

    static func topology() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-cold-\(UUID().uuidString)")
        try folder.write(files: [
            "site/n/page.txt": "node page\n", "site/p/page.txt": "python page\n",
            "fn/node/index.js": "exports.handler = async (event) => event.Records[0].cf.request;\n",
            "fn/python/handler.py": "def handler(event, context):\n    return event['Records'][0]['cf']['request']\n",
            "fn/paths/handler.py": """
            import sys

            def handler(event, context):
                body = "site imported: %s; site-packages on the path: %s" % (
                    "site" in sys.modules, any(p.endswith("site-packages") for p in sys.path))
                return {"status": "200", "body": body}
            """,
        ])
        let yaml = """
            name: cold-starts
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
            origins:
              site: { location: tokyo, static: site, cache_control: "public, max-age=60" }
            viewers:
              tokyo-home: { location: tokyo }
            functions:
              pass-node: { runtime: nodejs20.x, handler: index.handler, code: fn/node }
              pass-python: { runtime: python3.11, handler: handler.handler, code: fn/python }
              paths-python: { runtime: python3.11, handler: handler.handler, code: fn/paths }
            init_durations: { nodejs: \(Int(modelled.node)) ms, python: \(Int(modelled.python)) ms }
            distributions:
              E2COLDSTART1:
                origins: [site]
                behaviors:
                  - { path: /n/*, origin: site, functions: { viewer-request: "pass-node:1" } }
                  - { path: /p/*, origin: site, functions: { viewer-request: "pass-python:1" } }
                  - { path: /paths, origin: site, functions: { viewer-request: "paths-python:1" } }
            """
        let file = folder.appendingPathComponent("network.yaml")
        try Data(yaml.utf8).write(to: file)
        return file
    }

    @Test func aNewWorkersFirstCallFeelsTheModelledInitDurationAndReportsIt() async throws {
        try await withNetwork(try Self.topology().path) { network in
            for (path, function, modelled) in [
                ("/n/page.txt", "pass-node", Self.modelled.node), ("/p/page.txt", "pass-python", Self.modelled.python),
            ] {
                let first = try await network.request(path, from: "tokyo-home")
                #expect(first.status == 200)
                // The model is a floor: the first call cannot answer before the modelled init has passed.
                #expect(first.elapsed.inMilliseconds >= modelled, "\(path): \(first.elapsed.inMilliseconds) ms, modelled \(modelled) ms")
                for _ in 0..<3 { #expect(try await network.request(path, from: "tokyo-home").status == 200) }

                let log = try String(
                    contentsOf: network.stateDirectory.appendingPathComponent("cloudwatch/ap-northeast-1/aws/lambda/us-east-1.\(function)/NRT50.log"),
                    encoding: .utf8
                )
                let reports = log.split(separator: "\n").filter { $0.hasPrefix("REPORT ") }
                #expect(reports.count == 4, "\(log)")
                // Only the first call of the one worker reports an init, and it is the model's.
                #expect(reports.filter { $0.contains("Init Duration:") } == Array(reports.prefix(1)), "\(reports)")
                #expect(reports.first?.contains(String(format: "Init Duration: %.2f ms", modelled)) == true, "\(reports)")
            }
            // The tool's own start of each worker, apart from the model.
            #expect(try await network.counter("edgesim_lambda_spawn_duration_seconds_count", of: "NRT50") == 2)
            #expect(try await network.counter("edgesim_lambda_cold_starts_total", of: "NRT50") == 2)
        }
    }

    /// Python workers start without `site` (whose `.pth` files may import packages on every
    /// start) and get the search path it would have made, so installed packages still import.
    @Test func pythonWorkersStartWithoutSiteButKeepItsSearchPath() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let answer = try await network.request("/paths", from: "tokyo-home")
            #expect(answer.status == 200)
            #expect(String(buffer: answer.body) == "site imported: False; site-packages on the path: True")
        }
    }
}
