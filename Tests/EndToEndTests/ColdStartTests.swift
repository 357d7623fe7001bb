import CDNCore
import EdgesimTestSupport
import Foundation
import Testing
import Topology

/// Cold starts: a new worker's first call waits for the topology's modelled Init Duration and
/// reports it, the worker's own start is counted apart, and warm calls pay neither; a new worker
/// is an interpreter the edge started ahead of need; what an interpreter writes to stderr itself
/// reaches the function's log.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ColdStartTests {
    static let modelled = (node: 400.0, python: 300.0)

    /// The topology, with `spare_workers` when `spares` is given.
    static func topology(spares: Int? = nil) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-cold-\(UUID().uuidString)")
        try folder.write(files: [
            "site/n/page.txt": "node page\n", "site/p/page.txt": "python page\n",
            "fn/node/index.js": "exports.handler = async (event) => event.Records[0].cf.request;\n",
            "fn/python/handler.py": "def handler(event, context):\n    return event['Records'][0]['cf']['request']\n",
            "fn/paths/handler.py": """
            import sys

            def handler(event, context):
                body = "site imported: %s; site-packages on the path: %s" % (
                    "site" in sys.modules, any(p.endswith(("site-packages", "dist-packages")) for p in sys.path))
                return {"status": "200", "body": body}
            """,
            "fn/pid-node/index.js": "exports.handler = async () => ({ status: '200', body: String(process.pid) });\n",
            "fn/pid-python/handler.py": "import os\n\ndef handler(event, context):\n    return {'status': '200', 'body': str(os.getpid())}\n",
            "fn/stderr-node/index.js": """
            const fs = require('fs');
            exports.handler = async () => {
                process.stderr.write('through process.stderr\\n');
                fs.writeSync(2, 'straight to file descriptor 2\\n');
                process.exit(3);
            };
            """,
            "fn/broken-node/index.js": "throw new Error('broken at load');\n",
            "fn/stderr-python/handler.py": """
            import os

            def handler(event, context):
                os.write(2, b"python straight to file descriptor 2\\n")
                return {"status": "200", "body": "written"}
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
              pid-node: { runtime: nodejs20.x, handler: index.handler, code: fn/pid-node }
              pid-python: { runtime: python3.11, handler: handler.handler, code: fn/pid-python }
              stderr-node: { runtime: nodejs20.x, handler: index.handler, code: fn/stderr-node }
              stderr-python: { runtime: python3.11, handler: handler.handler, code: fn/stderr-python }
              broken-node: { runtime: nodejs20.x, handler: index.handler, code: fn/broken-node }
            init_durations: { nodejs: \(Int(modelled.node)) ms, python: \(Int(modelled.python)) ms }
            \(spares.map { "spare_workers: \($0)" } ?? "")
            distributions:
              E2COLDSTART1:
                origins: [site]
                behaviors:
                  - { path: /n/*, origin: site, functions: { viewer-request: "pass-node:1" } }
                  - { path: /p/*, origin: site, functions: { viewer-request: "pass-python:1" } }
                  - { path: /paths, origin: site, functions: { viewer-request: "paths-python:1" } }
                  - { path: /pid/n, origin: site, functions: { viewer-request: "pid-node:1" } }
                  - { path: /pid/p, origin: site, functions: { viewer-request: "pid-python:1" } }
                  - { path: /stderr/n, origin: site, functions: { viewer-request: "stderr-node:1" } }
                  - { path: /stderr/p, origin: site, functions: { viewer-request: "stderr-python:1" } }
                  - { path: /broken/n, origin: site, functions: { viewer-request: "broken-node:1" } }
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

    /// The edge starts one interpreter ahead for each kind of worker its functions need (Node.js
    /// per heap size, Python), before any request. A new worker's first call is served by it,
    /// and another starts behind it.
    @Test func aNewWorkerIsAnInterpreterStartedAheadOfNeed() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let edge = try network.node("NRT50").pid
            let before = try await Self.interpreters(of: edge, until: { $0.node.count == 1 && $0.python.count == 1 })
            for (path, started) in [("/pid/n", before.node), ("/pid/p", before.python)] {
                let answer = try await network.request(path, from: "tokyo-home")
                #expect(answer.status == 200)
                #expect(started.contains(Int32(String(buffer: answer.body)) ?? 0), "\(path): \(String(buffer: answer.body)), started \(started)")
            }
            // The two workers, and a new spare of each kind.
            let after = try await Self.interpreters(of: edge, until: { $0.node.count == 2 && $0.python.count == 2 })
            #expect(after.node.isSuperset(of: before.node) && after.python.isSuperset(of: before.python))
        }
    }

    /// `spare_workers` sets how many interpreters of each kind wait.
    @Test func theTopologySetsHowManySparesWait() async throws {
        try await withNetwork(try Self.topology(spares: 2).path) { network in
            let edge = try network.node("NRT50").pid
            let spares = try await Self.interpreters(of: edge, until: { $0.node.count == 2 && $0.python.count == 2 })
            #expect(spares.node.count == 2 && spares.python.count == 2)
        }
    }

    /// The bootstrap sends a handler's stdout and stderr to the function's log; what an
    /// interpreter writes to its stderr itself (Node.js's fatal errors) is added there when the
    /// process ends, and Python's goes there at once.
    @Test func whatAnInterpreterWritesToStderrReachesTheFunctionsLog() async throws {
        try await withNetwork(try Self.topology().path) { network in
            #expect(try await network.request("/stderr/n", from: "tokyo-home").status >= 500)
            #expect(try await network.request("/stderr/p", from: "tokyo-home").status == 200)
            let logs = network.stateDirectory.appendingPathComponent("cloudwatch/ap-northeast-1/aws/lambda")
            let node = try await Self.eventually("the Node.js lines in the log") {
                let text = (try? String(contentsOf: logs.appendingPathComponent("us-east-1.stderr-node/NRT50.log"), encoding: .utf8)) ?? ""
                return text.contains("straight to file descriptor 2") ? text : nil
            }
            #expect(node.contains("through process.stderr"), "\(node)")
            let python = try String(contentsOf: logs.appendingPathComponent("us-east-1.stderr-python/NRT50.log"), encoding: .utf8)
            #expect(python.contains("python straight to file descriptor 2"), "\(python)")
        }
    }

    /// A worker that never becomes ready says why in the function's log, ending with Lambda's
    /// `INIT_REPORT` line for a failed init, and the viewer gets CloudFront's execution error.
    @Test func aWorkerThatNeverBecomesReadySaysWhyInTheFunctionsLog() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let answer = try await network.request("/broken/n", from: "tokyo-home")
            #expect(answer.status >= 500)
            #expect(answer.header("X-Cache") == "LambdaExecutionError from cloudfront")
            let path = network.stateDirectory.appendingPathComponent("cloudwatch/ap-northeast-1/aws/lambda/us-east-1.broken-node/NRT50.log")
            let log = try await Self.eventually("the init report") {
                let text = (try? String(contentsOf: path, encoding: .utf8)) ?? ""
                return text.contains("INIT_REPORT") ? text : nil
            }
            let lines = log.split(separator: "\n")
            let reason = try #require(lines.first { $0.hasPrefix("edgesim: the worker did not become ready:") }, "\(log)")
            #expect(reason.contains("broken at load"), "\(reason)")
            let report = try #require(lines.first { $0.hasPrefix("INIT_REPORT ") })
            #expect(report.contains("Phase: init\tStatus: error\tError Type: Runtime.InitError"), "\(report)")
        }
    }

    /// The bootstrap processes whose parent is `parent`, by runtime, once `done` holds (within
    /// 20 s).
    static func interpreters(
        of parent: Int32,
        until done: @escaping ((node: Set<Int32>, python: Set<Int32>)) -> Bool
    ) async throws -> (node: Set<Int32>, python: Set<Int32>) {
        try await eventually("the edge's interpreters") {
            var found: (node: Set<Int32>, python: Set<Int32>) = ([], [])
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
                guard let pid = Int32(entry),
                    let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                    let fields = stat.split(separator: ")").last?.split(separator: " "), fields.count > 2, Int32(fields[1]) == parent,
                    let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map({ String(decoding: $0, as: UTF8.self) })
                else { continue }
                if command.contains("edgesim-bootstrap.cjs") { found.node.insert(pid) }
                if command.contains("edgesim_bootstrap.py") { found.python.insert(pid) }
            }
            return done(found) ? found : nil
        }
    }

    /// Polls `probe` every 50 ms until it returns a value, for up to 20 s.
    static func eventually<T>(_ what: String, _ probe: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let value = try await probe() { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        if let value = try await probe() { return value }
        Issue.record("\(what) did not come within 20 s")
        throw CancellationError()
    }
}
