import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Real Node.js and Python handlers at a real edge: each stage, each example, each failure
/// CloudFront maps, the logs and the metrics. One network serves the whole suite's checks in
/// each test, to keep cold starts few.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct LambdaEdgeTests {
    static func run(arguments: [String] = [], _ body: (RunningNetwork) async throws -> Void) async throws {
        let echo = try PythonHTTPServer.start()
        defer { echo.stop() }
        try await withNetwork(try LambdaTopology.make(echo: echo.port).path, arguments: arguments) { network in try await body(network) }
    }

    static func ask(
        _ network: RunningNetwork,
        _ path: String,
        method: HTTPMethod = .GET,
        headers: [(String, String)] = [],
        body: String? = nil
    ) async throws -> ViewerClient.Reply {
        let edge = try network.node("NRT50")
        let viewer = try #require(network.state.viewer("tokyo-home"))
        return try await ViewerClient.get(
            method: method,
            host: edge.host,
            port: edge.port,
            path: path,
            from: viewer.address,
            hostHeader: "d1lambda00001.cloudfront.net",
            headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        )
    }

    static func text(_ network: RunningNetwork, _ path: String, headers: [(String, String)] = []) async throws -> String {
        String(buffer: try await ask(network, path, headers: headers).body)
    }

    @Test func viewerRequestRewritesTheURIAndSoTheCacheKey() async throws {
        try await Self.run { network in
            let b = try await Self.ask(network, "/experiment", headers: [("Cookie", "experiment=b")])
            #expect(String(buffer: b.body) == "variant b\n")
            let a = try await Self.ask(network, "/experiment")
            #expect(String(buffer: a.body) == "variant a\n")
            #expect(try await Self.ask(network, "/experiment", headers: [("Cookie", "experiment=b")]).header("X-Cache") == "Hit from cloudfront")
            // The function's stage is timed, and the response names the version that ran.
            #expect(a.header("Server-Timing")?.contains("viewer-request;dur=") == true, "\(a.headers)")
            #expect(a.header("Edgesim-Functions") == "ab-test:1")
        }
    }

    @Test func originRequestSeesDeviceHeadersAndRoutesByThem() async throws {
        try await Self.run { network in
            let phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
            let answer1 = try await Self.text(network, "/d/index.html", headers: [("User-Agent", phone)])
            #expect(answer1 == "mobile page\n")
            let desktop = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"
            let answer2 = try await Self.text(network, "/d/index.html", headers: [("User-Agent", desktop)])
            #expect(answer2 == "desktop page\n")
        }
    }

    @Test func generatedResponsesAreNotCachedAndDoNotSeeGeoHeaders() async throws {
        try await Self.run { network in
            let hello = try await Self.ask(network, "/hello")
            #expect(hello.status == 200)
            #expect(hello.header("X-Cache") == "LambdaGeneratedResponse from cloudfront")
            #expect(hello.header("Content-Type") == "application/json")
            // viewer-request runs before CloudFront adds CloudFront-Viewer-Country.
            #expect(String(buffer: hello.body).contains("\"country\": \"?\""))
            #expect(try await Self.ask(network, "/hello").header("X-Cache") == "LambdaGeneratedResponse from cloudfront")
            let answer3 = try await Self.text(network, "/hello.b64")
            #expect(answer3 == "hello in base64\n")

            let blocked = try await Self.ask(network, "/img/logo.txt", headers: [("Referer", "https://evil.test/page")])
            #expect(blocked.status == 403)
            let allowed = try await Self.ask(network, "/img/logo.txt", headers: [("Referer", "https://www.example.com/page")])
            #expect(allowed.status == 200)

            #expect(try await Self.ask(network, "/api/data").status == 401)
            #expect(try await Self.ask(network, "/api/data", headers: [("Authorization", "Bearer t")]).status == 404)
            let expired = try await Self.ask(network, "/api/data", headers: [("Cookie", "session=expired")])
            #expect(expired.status == 302 && expired.header("Location") == "/login?next=%2Fapi%2Fdata")
        }
    }

    @Test func originResponseChangesAreCached() async throws {
        try await Self.run { network in
            let first = try await Self.ask(network, "/secure/page.txt")
            #expect(first.header("Strict-Transport-Security")?.hasPrefix("max-age=63072000") == true)
            #expect(first.header("Referrer-Policy") == "same-origin")
            #expect(first.header("Server-Timing")?.contains("origin-response;dur=") == true, "\(first.headers)")
            #expect(first.header("Edgesim-Functions") == "security:1")
            let second = try await Self.ask(network, "/secure/page.txt")
            #expect(second.header("X-Cache") == "Hit from cloudfront")
            #expect(second.header("Server-Timing")?.contains("origin-response") == false && second.header("Edgesim-Functions") == nil)
            #expect(second.header("X-Frame-Options") == "DENY")
        }
    }

    @Test func originRequestCanSwitchTheOriginAndRewriteTheBody() async throws {
        try await Self.run { network in
            let answer4 = try await Self.text(network, "/pick/x.txt")
            #expect(answer4 == "from site\n")
            let answer5 = try await Self.text(network, "/pick/x.txt", headers: [("Cookie", "origin=media")])
            #expect(answer5 == "from media\n")

            let echoed = try await Self.ask(
                network,
                "/echo/form",
                method: .POST,
                headers: [("Content-Type", "application/json")],
                body: "{\"name\": \"ada\"}"
            )
            #expect(echoed.status == 200, "\(echoed.headers) \(String(buffer: echoed.body))")
            let text = String(buffer: echoed.body)
            #expect(text.contains("\"ADA\"") && text.contains("us-east-1.rewrite"), "\(text)")
        }
    }

    @Test func handlersMayCallOtherServices() async throws {
        let echo = try PythonHTTPServer.start()
        defer { echo.stop() }
        try await withNetwork(try LambdaTopology.make(echo: echo.port).path) { network in
            let reply = try await Self.ask(network, "/call?lookup=http://127.0.0.1:\(echo.port)/ping")
            #expect(String(buffer: reply.body) == "service said 200: pong\n")
        }
    }

    @Test func failuresGetCloudFrontsStatusAndXCache() async throws {
        try await Self.run { network in
            let cases: [(String, Int, String)] = [
                ("/t/throw", 500, "LambdaExecutionError"), ("/t/reject", 500, "LambdaExecutionError"),
                ("/t/callback", 500, "LambdaExecutionError"), ("/t/crash", 500, "LambdaExecutionError"),
                ("/t/memory", 500, "LambdaExecutionError"), ("/t/loop", 503, "LambdaLimitExceeded"),
                ("/t/disallowed", 502, "LambdaValidationError"), ("/t/204", 502, "LambdaValidationError"),
                ("/t/badbase64", 502, "LambdaValidationError"), ("/t/host", 502, "LambdaValidationError"),
                ("/t/status", 502, "LambdaValidationError"), ("/t/uri", 502, "LambdaValidationError"),
                ("/vr/page.txt", 502, "LambdaValidationError"), ("/py/anything", 500, "LambdaExecutionError"),
            ]
            for (path, status, result) in cases {
                let reply = try await Self.ask(network, path)
                #expect(reply.status == status, "\(path)")
                #expect(reply.header("X-Cache") == "\(result) from cloudfront", "\(path)")
            }
            // The edge and the function keep serving after every failure.
            #expect(try await Self.ask(network, "/t/context").status == 200)
            let answer6 = try await Self.text(network, "/t/context")
            #expect(answer6 == "us-east-1.trouble 1 true")
            // viewer-request's event has the viewer's Host, as CloudFront's always does (AWS's
            // sign-in redirect example reads it).
            let host = try await Self.text(network, "/t/hostread")
            #expect(host == "Host=d1lambda00001.cloudfront.net")
            #expect(try await Self.ask(network, "/index.html").status == 200)
        }
    }

    /// Four workers per function version, 64 invocations waiting: a burst of 90 slow calls
    /// gets some throttled with CloudFront's 503, and the rest served.
    @Test func aBurstPastTheQueueIsThrottled() async throws {
        try await Self.run { network in
            let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<90 {
                    group.addTask {
                        let reply = try await Self.ask(network, "/t/slow")
                        return "\(reply.status) \(reply.header("X-Cache") ?? "")"
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect((statuses["503 LambdaLimitExceeded from cloudfront"] ?? 0) > 0, "\(statuses)")
            #expect((statuses["404 Error from cloudfront"] ?? 0) >= 4, "\(statuses)")
            #expect(try await Self.ask(network, "/t/context").status == 200)
        }
    }

    @Test func anEdgePastItsLimitShedsLoadWith503AndKeepsServing() async throws {
        try await Self.run(arguments: ["--edge-max-in-flight", "2"]) { network in
            let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        let reply = try await Self.ask(network, "/t/slow")
                        return "\(reply.status) \(reply.header("X-Cache") ?? "") \(reply.header("Retry-After") ?? "-")"
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect((statuses["503 Error from cloudfront 1"] ?? 0) > 0, "\(statuses)")
            #expect(statuses.filter { !$0.key.hasPrefix("503") }.values.reduce(0, +) >= 2, "the two in its limit are served: \(statuses)")
            #expect(try await Self.ask(network, "/t/context").status == 200)
            #expect(try await network.counter("edgesim_errors_total", of: "NRT50") > 0)
        }
    }

    @Test func logsAndMetricsLandWhereLambdaEdgePutsThem() async throws {
        try await Self.run { network in
            let logged = try await Self.ask(network, "/t/log")
            #expect(logged.status == 200)
            let invalid = try await Self.ask(network, "/t/disallowed")
            let requestID = try #require(invalid.header("X-Amz-Cf-Id"))

            let root = network.stateDirectory.appendingPathComponent("cloudwatch/ap-northeast-1")
            let functionLog = try String(contentsOf: root.appendingPathComponent("aws/lambda/us-east-1.trouble/NRT50.log"), encoding: .utf8)
            #expect(functionLog.contains("START RequestId:") && functionLog.contains("END RequestId:"))
            #expect(functionLog.contains("\tINFO\tlogged from the handler"))
            #expect(functionLog.contains("Init Duration:") && functionLog.contains("Memory Size: 128 MB"))
            let validationLog = try String(
                contentsOf: root.appendingPathComponent("aws/cloudfront/LambdaEdge/E2LAMBDA00001/NRT50.log"),
                encoding: .utf8
            )
            #expect(validationLog.contains(requestID) && validationLog.contains("function:trouble:1"))

            #expect(try await network.counter("edgesim_lambda_invocations_total", of: "NRT50") >= 2)
            #expect(try await network.counter("edgesim_lambda_cold_starts_total", of: "NRT50") >= 1)
            #expect(try await network.counter("edgesim_lambda_errors_total", of: "NRT50") >= 1)

            let logs = try await CLI.run(["logs", "--function", "trouble", "--state-dir", network.stateDirectory.path])
            #expect(logs.status == 0, "\(logs.stderr)")
            #expect(logs.stdout.contains("logged from the handler"))
        }
    }
}
