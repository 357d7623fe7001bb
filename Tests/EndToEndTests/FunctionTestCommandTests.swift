import EdgesimTestSupport
import Foundation
import Testing

/// `edgesim function test` with no network: CloudFront's TestFunction for a CloudFront Function
/// (the wrapped output, its console lines, the compute utilization, an error and its exit
/// status) and the same command for a Lambda@Edge version, on the shipped sample events.
@Suite struct FunctionTestCommandTests {
    static func topology() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-ftest-\(UUID().uuidString)")
        let examples = CLI.packageRoot.appendingPathComponent("examples").path
        try folder.write(files: [
            "site/index.html": "home\n",
            "fn/logs.js":
                "function handler(event) { console.log('saw ' + event.request.uri); event.request.uri = '/rewritten'; return event.request; }\n",
            "fn/throws.js": "function handler(event) { throw new Error('broken on purpose'); }\n",
            "store.json": #"{"data": [{"key": "/old-home", "value": "/from-the-store"}]}"#,
            "network.yaml": """
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
            origins:
              site: { location: tokyo, static: site }
            key_value_stores:
              redirects: { import: store.json }
            functions:
              logs: { runtime: cloudfront-js-1.0, code: fn/logs.js }
              throws: { runtime: cloudfront-js-1.0, code: fn/throws.js }
              redirects: { runtime: cloudfront-js-2.0, code: \(examples)/cloudfront-functions/kvs-redirects.js, key_value_store: redirects }
              select: { runtime: nodejs, handler: index.handler, code: \(examples)/functions/origin-select }
            distributions:
              E2FTEST00001:
                origins: [site]
                behaviors:
                  - { path: "*", origin: site }
            """,
        ])
        return folder.appendingPathComponent("network.yaml").path
    }

    static func event(_ name: String) -> String { CLI.packageRoot.appendingPathComponent("examples/events/\(name)").path }

    static func test(_ function: String, _ event: String, _ topology: String) async throws -> (CLI.Result, [String: Any]) {
        let result = try await CLI.run(["function", "test", function, "--event", Self.event(event), "--topology", topology, "--json"])
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result, object)
    }

    @Test func aCloudFrontFunctionReportsItsOutputLogsAndUtilization() async throws {
        let topology = try Self.topology()
        let (result, object) = try await Self.test("logs", "cff-viewer-request.json", topology)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let output = try #require(object["FunctionOutput"] as? String)
        #expect(output.hasPrefix("{\"request\":") && output.contains("/rewritten"), "\(output)")
        #expect(object["FunctionExecutionLogs"] as? [String] == ["saw /old-home"])
        #expect(object["FunctionErrorMessage"] as? String == "")
        #expect(Int(object["ComputeUtilization"] as? String ?? "") != nil)
        #expect(object["Stage"] as? String == "LIVE")

        let (failed, failure) = try await Self.test("throws", "cff-viewer-request.json", topology)
        #expect(failed.status == 1)
        #expect((failure["FunctionErrorMessage"] as? String)?.contains("broken on purpose") == true)
    }

    @Test func aFunctionReadsItsStoreAndLambdaEdgeRunsOnACloudFrontEvent() async throws {
        let topology = try Self.topology()
        let (redirect, object) = try await Self.test("redirects", "cff-viewer-request.json", topology)
        #expect(redirect.status == 0, "\(redirect.stdout)\(redirect.stderr)")
        #expect((object["FunctionOutput"] as? String)?.contains("/from-the-store") == true, "\(object)")

        let (lambda, result) = try await Self.test("select", "lambda-origin-request.json", topology)
        #expect(lambda.status == 0, "\(lambda.stdout)\(lambda.stderr)")
        #expect((result["FunctionOutput"] as? String)?.contains("\"uri\"") == true, "\(result)")
        #expect((result["FunctionExecutionLogs"] as? [String])?.contains { $0.hasPrefix("REPORT RequestId:") } == true)
        #expect(result["ComputeUtilization"] == nil)
    }
}
