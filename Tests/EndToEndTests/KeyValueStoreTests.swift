import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import Testing

/// CloudFront KeyValueStore end to end: a store from an import file, read by a 2.0 function at
/// two edges in every format `cf.kvs()` has, then changed with `edgesim kvs put` and seen at
/// both edges with no republish; a stale ETag refused; the reads counted; then a new version
/// tested at DEVELOPMENT and promoted to LIVE.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct KeyValueStoreTests {
    static let reader = """
        import cf from 'cloudfront';

        const kvs = cf.kvs();

        // njs (as CloudFront) refuses `await` inside a call's arguments: each read is awaited
        // on its own line.
        async function handler(event) {
            const uri = event.request.uri;
            if (uri === '/kvs/json') { const config = await kvs.get('config', { format: 'json' }); return answer(config.color); }
            if (uri === '/kvs/bytes') { const bytes = await kvs.get('greeting', { format: 'bytes' }); return answer(String(bytes.length)); }
            if (uri === '/kvs/exists') {
                const yes = await kvs.exists('greeting');
                const no = await kvs.exists('nope');
                return answer(String(yes) + ' ' + String(no));
            }
            if (uri === '/kvs/meta') { const meta = await kvs.meta(); return answer(meta.keyCount + ' ' + typeof meta.lastUpdatedDateTime); }
            if (uri === '/kvs/missing') { const value = await kvs.get('nope'); return answer(value); }
            if (uri === '/kvs/caught') {
                try {
                    await kvs.get('nope');
                    return answer('found');
                } catch (e) {
                    return answer('missing');
                }
            }
            if (uri === '/kvs/where') { return answer(cf.edgeLocation.name + ' ' + cf.edgeLocation.region + ' ' + typeof cf.edgeLocation.serverIp); }
            if (uri === '/kvs/other-store') { const other = await cf.kvs('00000000-0000-0000-0000-000000000000').get('greeting'); return answer(other); }
            const greeting = await kvs.get('greeting');
            return answer(greeting);
        }

        function answer(text) { return { statusCode: 200, body: text }; }
        """

    static func make() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-kvs-\(UUID().uuidString)")
        try folder.write(files: [
            "site/index.html": "home\n",
            "fn/reader.js": reader,
            "settings.json": #"{"data": [{"key": "greeting", "value": "hello"}, {"key": "config", "value": "{\"color\": \"blue\"}"}]}"#,
        ])
        let yaml = """
            name: kvs-e2e
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
              osaka: { lat: 34.6937, lon: 135.5023, country: JP, city: Osaka }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
              KIX50: { location: osaka, hub: ap-northeast-1 }
            origins:
              site: { location: tokyo, static: site }
            viewers:
              tokyo-home: { location: tokyo, access: 2 ms }
              osaka-home: { location: osaka, access: 2 ms }
            key_value_stores:
              settings: { import: settings.json, comment: read by the reader }
            functions:
              reader: { runtime: cloudfront-js-2.0, code: fn/reader.js, key_value_store: settings }
            distributions:
              E2KVS0000001:
                domain: d1kvs00000001.cloudfront.net
                origins: [site]
                behaviors:
                  - { path: /kvs*, origin: site, functions: { viewer-request: reader } }
                  - { path: "*", origin: site }
            """
        let file = folder.appendingPathComponent("network.yaml")
        try Data(yaml.utf8).write(to: file)
        return file
    }

    @Test func aFunctionReadsTheStoreInEveryFormatAndSeesAnUpdateAtEveryEdge() async throws {
        try await withNetwork(try Self.make().path) { network in
            let state = ["--state-dir", network.stateDirectory.path]
            for viewer in ["tokyo-home", "osaka-home"] {
                #expect(String(buffer: try await network.request("/kvs", from: viewer).body) == "hello")
            }
            #expect(String(buffer: try await network.request("/kvs/json", from: "tokyo-home").body) == "blue")
            #expect(String(buffer: try await network.request("/kvs/bytes", from: "tokyo-home").body) == "5")
            #expect(String(buffer: try await network.request("/kvs/exists", from: "tokyo-home").body) == "true false")
            #expect(String(buffer: try await network.request("/kvs/meta", from: "tokyo-home").body) == "2 string")
            #expect(String(buffer: try await network.request("/kvs/caught", from: "tokyo-home").body) == "missing")
            #expect(String(buffer: try await network.request("/kvs/where", from: "tokyo-home").body) == "NRT ap-northeast-1 string")
            #expect(String(buffer: try await network.request("/kvs/where", from: "osaka-home").body) == "KIX ap-northeast-1 string")
            // A missing key rejects; uncaught, it is an execution error. So is a store the
            // function is not associated with.
            for path in ["/kvs/missing", "/kvs/other-store"] {
                let reply = try await network.request(path, from: "tokyo-home")
                #expect(reply.status == 503, "\(path)")
                #expect(reply.header("X-Cache") == "FunctionExecutionError from cloudfront", "\(path)")
            }

            // A write with a stale ETag changes nothing.
            let stale = try await CLI.run(["kvs", "put", "settings", "greeting", "nope", "--if-match", "E1STALE"] + state)
            #expect(stale.status != 0)
            #expect(stale.stderr.contains("ConflictException"), "\(stale.stderr)")

            // A write reaches both edges through replication, with no republish.
            let put = try await CLI.run(["kvs", "put", "settings", "greeting", "bonjour", "--wait"] + state)
            #expect(put.status == 0, "\(put.stdout)\(put.stderr)")
            #expect(put.stdout.contains("every node switched"), "\(put.stdout)")
            for viewer in ["tokyo-home", "osaka-home"] {
                #expect(String(buffer: try await network.request("/kvs", from: viewer).body) == "bonjour", "\(viewer)")
            }
            let listed = try await CLI.run(["kvs", "list", "settings"] + state)
            #expect(listed.stdout.contains("bonjour"), "\(listed.stdout)")
            let functions = try await CLI.run(["function", "list"] + state)
            let versions = functions.stdout.split(separator: "\n").filter { $0.hasPrefix("reader ") }.map { $0.split(separator: " ")[1] }
            #expect(versions == ["1"], "the function is not republished: \(functions.stdout)")
            #expect(functions.stdout.contains("LIVE, DEVELOPMENT"), "\(functions.stdout)")

            #expect(try await network.counter("edgesim_function_kvs_reads_total", of: "NRT50") >= 8)

            // TestFunction through the registry reads the store's current data.
            let event = CLI.packageRoot.appendingPathComponent("examples/events/cff-viewer-request.json").path
            let tested = try await CLI.run(["function", "test", "reader", "--event", event, "--json"] + state)
            #expect(tested.status == 0, "\(tested.stdout)\(tested.stderr)")
            #expect(tested.stdout.contains("bonjour") && tested.stdout.contains("\"Stage\" : \"LIVE\""), "\(tested.stdout)")

            // DEVELOPMENT and LIVE: a new version is tested before it serves, then promoted.
            let second = network.stateDirectory.appendingPathComponent("reader2.js")
            try Data(Self.reader.replacingOccurrences(of: "return answer(greeting);", with: "return answer('v2 ' + greeting);").utf8).write(
                to: second
            )
            let published = try await CLI.run(
                [
                    "function", "publish", "reader", "--code", second.path, "--runtime", "cloudfront-js-2.0", "--handler", "reader2.js", "--kvs",
                    "settings",
                ]
                    + state
            )
            #expect(published.status == 0 && published.stdout.contains("DEVELOPMENT"), "\(published.stdout)\(published.stderr)")
            let development = try await CLI.run(["function", "test", "reader", "--stage", "development", "--event", event, "--json"] + state)
            #expect(development.stdout.contains("v2 bonjour") && development.stdout.contains("DEVELOPMENT"), "\(development.stdout)")
            #expect(String(buffer: try await network.request("/kvs", from: "tokyo-home").body) == "bonjour", "LIVE still serves")
            let promoted = try await CLI.run(["function", "promote", "reader", "--wait"] + state)
            #expect(promoted.status == 0 && promoted.stdout.contains("reader:2 is LIVE"), "\(promoted.stdout)\(promoted.stderr)")
            for viewer in ["tokyo-home", "osaka-home"] {
                #expect(String(buffer: try await network.request("/kvs", from: viewer).body) == "v2 bonjour", "\(viewer)")
            }
        }
    }
}
