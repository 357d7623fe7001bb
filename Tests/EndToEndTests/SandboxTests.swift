import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import Testing

/// A handler that walks the state directory finds nothing of the network's: not its token or
/// keys, not the state file, not another function's code or bundle. It runs as its function's
/// own user (when the network runs as root) in a clean environment, with a /tmp of its own.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct SandboxTests {
    /// What the handlers try to read, from the state directory (four folders above their code).
    static let targets = [
        "token": "registry/token", "key": "registry/signing-key", "ca": "tls/ca-key.pem", "state": "network.json",
        "catalog": "registry/catalog.json", "other": "replica/NRT50/functions/peekpy-1/index.py",
        "bundle": "replica/NRT50/bundles/peekpy/1.zip",
    ]

    static var node: String {
        let tries = targets.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ")
        return """
            const fs = require('fs'), path = require('path'), os = require('os');
            exports.handler = async () => {
              const state = path.resolve(__dirname, '../../../..');
              const result = { uid: process.getuid(), env: Object.keys(process.env).sort(), cwd: process.cwd() };
              for (const [name, file] of Object.entries({ \(tries) })) {
                try { fs.readFileSync(path.join(state, file)); result[name] = 'read'; } catch (error) { result[name] = error.code; }
              }
              try { fs.writeFileSync(path.join(os.tmpdir(), 'scratch'), 'x'); result.tmp = 'written'; } catch (error) { result.tmp = error.code; }
              return { status: '200', body: JSON.stringify(result) };
            };
            """
    }

    static var python: String {
        let tries = targets.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ")
        return """
            import errno, json, os, tempfile

            def handler(event, context):
                state = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../../.."))
                result = {"uid": os.getuid(), "env": sorted(os.environ), "cwd": os.getcwd()}
                for name, file in {\(tries)}.items():
                    try:
                        open(os.path.join(state, file), "rb").read()
                        result[name] = "read"
                    except OSError as error:
                        result[name] = errno.errorcode.get(error.errno, str(error))
                with open(os.path.join(tempfile.gettempdir(), "scratch"), "w") as scratch:
                    scratch.write("x")
                result["tmp"] = "written"
                return {"status": "200", "body": json.dumps(result)}
            """
    }

    static func ask(_ network: RunningNetwork, _ path: String) async throws -> [String: Any] {
        let reply = try await network.request(path, from: "tokyo-home")
        #expect(reply.status == 200, "\(path): \(String(buffer: reply.body))")
        return try #require(
            try JSONSerialization.jsonObject(with: Data(reply.body.readableBytesView)) as? [String: Any],
            "\(String(buffer: reply.body))"
        )
    }

    @Test func aHandlerThatWalksTheStateDirectoryFindsNothingOfTheNetworks() async throws {
        let folder = URL.scratchFolder("sandbox")
        try folder.write(files: [
            "site/index.html": "<h1>sandbox</h1>\n", "fn/peek/index.js": Self.node, "fn/peekpy/index.py": Self.python,
        ])
        let topology = try folder.writeTokyoTopology(
            name: "sandbox",
            origins: "site: { location: tokyo, static: site }",
            """
            functions:
              peek: { runtime: nodejs, handler: index.handler, code: fn/peek }
              peekpy: { runtime: python, handler: index.handler, code: fn/peekpy }
            distributions:
              E2SANDBOX0001:
                domain: sandbox.example.test
                origins: [site]
                behaviors:
                  - { path: /node, origin: site, functions: { viewer-request: "peek:1" } }
                  - { path: /python, origin: site, functions: { viewer-request: "peekpy:1" } }
                  - { path: "*", origin: site }
            """
        )
        try await withNetwork(topology.path) { network in
            let root = geteuid() == 0
            var users: [Int] = []
            for path in ["/node", "/python"] {
                let found = try await Self.ask(network, path)
                let allowed: Set = ["HOME", "LANG", "PATH", "PYTHONUNBUFFERED", "TMPDIR", "TZ", "EDGESIM_PYTHON_PATH"]
                let environment = (found["env"] as? [String]) ?? []
                #expect(Set(environment).isSubset(of: allowed), "\(path) sees the edge's environment: \(environment)")
                #expect(found["tmp"] as? String == "written", "\(path): \(found)")
                // Its working directory is its code's folder, as Lambda's is its task root.
                let code = path == "/node" ? "/functions/peek-1" : "/functions/peekpy-1"
                #expect((found["cwd"] as? String)?.hasSuffix(code) == true, "\(path): \(found)")
                guard root else { continue }
                // As root the network runs each function as a user of its own.
                let uid = try #require(found["uid"] as? Int)
                #expect(uid >= 0x4000_0000, "\(path) runs as uid \(uid)")
                users.append(uid)
                for name in Self.targets.keys where !(path == "/python" && name == "other") {
                    #expect(found[name] as? String == "EACCES", "\(path) could reach \(name): \(found[name] ?? "nil")")
                }
            }
            if root { #expect(Set(users).count == 2, "each function has its own user: \(users)") }
        }
    }
}
