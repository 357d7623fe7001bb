import CDNCore
import Crypto
import EdgesimTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// CloudFront Functions at a real edge, run by njs: the shipped examples through the cache,
/// each failure CloudFront maps, the sandbox, throttling, the logs, and a CloudFront Function
/// beside Lambda@Edge on one behavior.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CloudFrontFunctionTests {
    /// Functions that misbehave on purpose, one way per path.
    static let trouble = """
        function handler(event) {
            var request = event.request;
            switch (request.uri) {
            case '/t/throw': throw new Error('thrown on purpose');
            case '/t/uppercase': request.headers['X-Upper'] = { value: 'no' }; return request;
            case '/t/host': request.headers.host = { value: 'evil.example' }; return request;
            case '/t/disallowed': request.headers['x-forwarded-proto'] = { value: 'https' }; return request;
            case '/t/event': return event;
            case '/t/nothing': return undefined;
            case '/t/fs': require('fs'); return request;
            case '/t/process': return { statusCode: 200, body: typeof process + ' ' + typeof setTimeout + ' ' + typeof require('crypto').createHmac };
            case '/t/memory': var hog = new Uint8Array(3 * 1024 * 1024); hog.fill(1); return request;
            case '/t/badbase64': return { statusCode: 200, body: { encoding: 'base64', data: '%%%' } };
            case '/t/state': counter = (typeof counter === 'number' ? counter : 0) + 1; return { statusCode: 200, body: 'calls seen: ' + counter };
            case '/t/date': return { statusCode: 200, body: String(Date.now() === new Date().getTime()) };
            case '/t/log': console.log('logged from ' + request.uri); return request;
            }
            return request;
        }
        var counter;
        """

    static let loop = """
        function handler(event) { while (true) {} }
        """

    static let multi = """
        function handler(event) {
            var request = event.request;
            var seen = request.querystring.a.multiValue.map(function (v) { return v.value; }).join(',');
            request.headers['x-query-seen'] = { value: seen };
            request.headers['x-cookie-seen'] = { value: request.cookies.session ? request.cookies.session.value : 'none' };
            request.querystring.a.multiValue = [{ value: 'first' }];
            return request;
        }
        """

    /// Origin helpers (2.0): another origin by id, the chosen origin changed field by field, and
    /// two bad asks.
    static let route = """
        import cf from 'cloudfront';

        function handler(event) {
            var uri = event.request.uri;
            if (uri.indexOf('/route/select') === 0) { cf.selectRequestOriginById('echo'); event.request.uri = '/search' + uri; }
            else if (uri.indexOf('/route/update') === 0) cf.updateRequestOrigin({ originPath: '/search', customHeaders: { 'x-added': 'by-function' } });
            else if (uri.indexOf('/route/unknown') === 0) cf.selectRequestOriginById('nowhere');
            else if (uri.indexOf('/route/ip') === 0) cf.updateRequestOrigin({ domainName: '10.0.0.1' });
            else if (uri.indexOf('/route/group') === 0) {
                cf.createRequestOriginGroup({ originIds: ['echo', 'site'], failoverCriteria: { statusCodes: [404] } });
            }
            return event.request;
        }
        """

    /// Writes the sites, the functions and `network.yaml`; `echo` is the port of a
    /// ``PythonHTTPServer`` (it answers with the request it got, as JSON).
    static func make(echo: Int) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-cff-\(UUID().uuidString)")
        try folder.write(files: [
            "site/index.html": "<h1>home</h1>\n", "site/docs/index.html": "docs index\n", "site/ja/page.txt": "japanese page\n",
            "site/page.txt": "page\n", "site/t/log": "logged\n", "site/paid/video.txt": "video\n", "site/origin/x.txt": "x\n",
            "site/route/group/g.txt": "from the group's secondary\n",
            "fn/trouble.js": trouble, "fn/loop.js": loop, "fn/multi.js": multi, "fn/route.js": route,
        ])
        let examples = CLI.packageRoot.appendingPathComponent("examples").path
        let yaml = """
            name: cff-e2e
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, country_name: Japan, city: Tokyo, time_zone: Asia/Tokyo }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
            origins:
              site: { location: tokyo, static: site, cache_control: "public, max-age=60" }
              echo: { location: tokyo, url: "http://127.0.0.1:\(echo)" }
            viewers:
              tokyo-home: { location: tokyo, access: 2 ms }
            functions:
              index-rewrite: { runtime: cloudfront-js-1.0, code: \(examples)/cloudfront-functions/index-rewrite.js }
              by-country: { runtime: cloudfront-js-2.0, code: \(examples)/cloudfront-functions/redirect-by-country.js }
              security: { runtime: cloudfront-js-2.0, code: \(examples)/cloudfront-functions/security-headers.js }
              normalize: { runtime: cloudfront-js-1.0, code: \(examples)/cloudfront-functions/normalize-cache-key.js }
              token: { runtime: cloudfront-js-2.0, code: \(examples)/cloudfront-functions/hmac-token.js }
              trouble: { runtime: cloudfront-js-1.0, code: fn/trouble.js }
              loop: { runtime: cloudfront-js-2.0, code: fn/loop.js }
              multi: { runtime: cloudfront-js-1.0, code: fn/multi.js }
              route: { runtime: cloudfront-js-2.0, code: fn/route.js }
              select: { runtime: nodejs, handler: index.handler, code: \(examples)/functions/origin-select }
            distributions:
              E2CFF0000001:
                domain: d1cff00000001.cloudfront.net
                origins: [site, echo]
                behaviors:
                  - { path: /docs*, origin: site, functions: { viewer-request: index-rewrite, viewer-response: security } }
                  - { path: /page.txt, origin: site, functions: { viewer-request: by-country } }
                  - { path: /search*, origin: echo, functions: { viewer-request: normalize } }
                  - { path: /paid/*, origin: site, functions: { viewer-request: token } }
                  - { path: /t/*, origin: site, functions: { viewer-request: trouble } }
                  - { path: /loop, origin: site, functions: { viewer-request: loop } }
                  - { path: /multi*, origin: echo, functions: { viewer-request: multi } }
                  - { path: /route/update*, origin: echo, functions: { viewer-request: route } }
                  - { path: /route/*, origin: site, functions: { viewer-request: route } }
                  - { path: /origin/*, origin: site, cache_key: { cookies: [origin] }, functions: { viewer-request: index-rewrite, origin-request: "select:1" } }
                  - { path: "*", origin: site }
            """
        let file = folder.appendingPathComponent("network.yaml")
        try Data(yaml.utf8).write(to: file)
        return file
    }

    static func run(_ body: (RunningNetwork) async throws -> Void) async throws {
        let echo = try PythonHTTPServer.start()
        defer { echo.stop() }
        try await withNetwork(try make(echo: echo.port).path) { network in try await body(network) }
    }

    static func ask(_ network: RunningNetwork, _ path: String, headers: [(String, String)] = []) async throws -> ViewerClient.Reply {
        let edge = try network.node("NRT50")
        let viewer = try #require(network.state.viewer("tokyo-home"))
        return try await ViewerClient.get(
            host: edge.host,
            port: edge.port,
            path: path,
            from: viewer.address,
            hostHeader: "d1cff00000001.cloudfront.net",
            headers: headers
        )
    }

    @Test func theExamplesRewriteRedirectAndAddHeadersThroughTheCache() async throws {
        try await Self.run { network in
            // index.html for a folder, keyed by the rewritten uri: the second form is a hit.
            let docs = try await Self.ask(network, "/docs")
            #expect(docs.status == 200)
            #expect(String(buffer: docs.body) == "docs index\n")
            let again = try await Self.ask(network, "/docs/")
            #expect(String(buffer: again.body) == "docs index\n")
            #expect(again.header("X-Cache") == "Hit from cloudfront")
            // viewer-response ran on the hit too: its headers and its cookie.
            #expect(again.header("Strict-Transport-Security")?.hasPrefix("max-age=63072000") == true)
            #expect(again.header("X-Frame-Options") == "DENY")
            #expect(again.header("Set-Cookie") == "returning=1; Path=/; Secure; Max-Age=86400")
            #expect(again.header("Edgesim-Functions") == "index-rewrite:1, security:1")
            #expect(again.header("Server-Timing")?.contains("viewer-request;dur=") == true)

            // The viewer's country (Tokyo: JP) is in a CloudFront Function's viewer-request.
            let redirected = try await Self.ask(network, "/page.txt")
            #expect(redirected.status == 302)
            #expect(redirected.header("Location") == "/ja/page.txt")
            #expect(redirected.header("X-Cache") == "FunctionGeneratedResponse from cloudfront")
            #expect(redirected.header("Server") == "CloudFront")

            // One cache entry for parameters in any order, tracking parameters dropped; the
            // origin sees the normalized query.
            let first = try await Self.ask(network, "/search?b=2&utm_source=x&a=1")
            let echoed = String(buffer: first.body)
            #expect(echoed.contains("/search?a=1&b=2"), "\(echoed)")
            let second = try await Self.ask(network, "/search?a=1&fbclid=y&b=2")
            #expect(second.header("X-Cache") == "Hit from cloudfront")

            // An HMAC token with the allowed crypto: refused without it, served with it.
            let refused = try await Self.ask(network, "/paid/video.txt")
            #expect(refused.status == 403)
            #expect(String(buffer: refused.body) == "a valid token is required\n")
            #expect(refused.header("X-Cache") == "FunctionGeneratedResponse from cloudfront")
            let mac = HMAC<SHA256>.authenticationCode(for: Data("/paid/video.txt".utf8), using: SymmetricKey(data: Data("edgesim-example-key".utf8)))
            let token = mac.map { String(format: "%02x", $0) }.joined()
            let served = try await Self.ask(network, "/paid/video.txt?token=\(token)")
            #expect(served.status == 200)
            #expect(String(buffer: served.body) == "video\n")
        }
    }

    @Test func eachFailureGetsCloudFrontsStatusAndXCache() async throws {
        try await Self.run { network in
            let cases: [(String, UInt, String)] = [
                ("/t/throw", 503, "FunctionExecutionError"),
                ("/t/fs", 503, "FunctionExecutionError"),
                ("/t/uppercase", 502, "FunctionValidationError"),
                ("/t/host", 502, "FunctionValidationError"),
                ("/t/disallowed", 502, "FunctionValidationError"),
                ("/t/event", 502, "FunctionValidationError"),
                ("/t/nothing", 502, "FunctionValidationError"),
                ("/t/badbase64", 502, "FunctionValidationError"),
            ]
            for (path, status, result) in cases {
                let reply = try await Self.ask(network, path)
                #expect(reply.status == status, "\(path): \(reply.status) \(String(buffer: reply.body))")
                #expect(reply.header("X-Cache") == "\(result) from cloudfront", "\(path)")
            }
            // The 502 page names the rule that was broken, as CloudFront's does.
            let upper = String(buffer: try await Self.ask(network, "/t/uppercase").body)
            #expect(upper.contains("request.headers must have header names in lower case"), "\(upper)")
            // Last: 3 MB in one typed array, over the 2 MB limit, written in a few milliseconds:
            // allocating it as 40,000 small objects took long enough on a loaded machine to be
            // a stopped run, which throttles the function (FunctionThrottledError).
            let memory = try await Self.ask(network, "/t/memory")
            #expect(memory.status == 503)
            #expect(memory.header("X-Cache") == "FunctionExecutionError from cloudfront")
            // The edge keeps serving.
            let home = try await Self.ask(network, "/index.html")
            #expect(home.status == 200)
        }
    }

    @Test func theSandboxHasNoProcessNoTimersNoStateAndAFrozenClock() async throws {
        try await Self.run { network in
            let globals = String(buffer: try await Self.ask(network, "/t/process").body)
            #expect(globals == "undefined undefined function")
            // Top-level state starts again on every request.
            for _ in 0..<3 {
                let state = String(buffer: try await Self.ask(network, "/t/state").body)
                #expect(state == "calls seen: 1")
            }
            let frozen = String(buffer: try await Self.ask(network, "/t/date").body)
            #expect(frozen == "true")
        }
    }

    @Test func valueMapsShowEveryValueAndAChangedMultiValueWins() async throws {
        try await Self.run { network in
            let reply = try await Self.ask(network, "/multi?a=1&a=2&b=3", headers: [("Cookie", "session=abc; theme=dark")])
            let echoed = String(buffer: reply.body)
            #expect(echoed.contains("/multi?a=first&b=3"), "\(echoed)")
            #expect(echoed.lowercased().contains("\"x-query-seen\": \"1,2\""), "\(echoed)")
            #expect(echoed.lowercased().contains("\"x-cookie-seen\": \"abc\""), "\(echoed)")
        }
    }

    @Test func theOriginHelpersSendTheRequestElsewhere() async throws {
        try await Self.run { network in
            let selected = try await Self.ask(network, "/route/select/a.txt")
            #expect(
                selected.status == 200 && String(buffer: selected.body).contains("/search/route/select/a.txt"),
                "\(String(buffer: selected.body))"
            )
            let updated = try await Self.ask(network, "/route/update/b.txt")
            let echoed = String(buffer: updated.body)
            #expect(updated.status == 200 && echoed.contains("/search/route/update/b.txt"), "\(echoed)")
            #expect(echoed.lowercased().contains("\"x-added\": \"by-function\""), "\(echoed)")
            // A group made by the function: the echo server has no such file (404), so the site answers.
            let grouped = try await Self.ask(network, "/route/group/g.txt")
            #expect(grouped.status == 200 && String(buffer: grouped.body) == "from the group's secondary\n", "\(grouped.status)")
            #expect(grouped.header("Server-Timing")?.contains("origin-failover;desc=\"echo 404, then site\"") == true)
            for path in ["/route/unknown", "/route/ip"] {
                let refused = try await Self.ask(network, path)
                #expect(refused.status == 502, "\(path)")
                #expect(refused.header("X-Cache") == "FunctionValidationError from cloudfront", "\(path)")
            }
        }
    }

    @Test func aLoopIsStoppedAndThrottledWhileTheEdgeKeepsServing() async throws {
        try await Self.run { network in
            let stopped = try await Self.ask(network, "/loop")
            #expect(stopped.status == 503)
            #expect(stopped.header("X-Cache") == "FunctionThrottledError from cloudfront")
            // Throttled now: answered without running (no worker is stopped again).
            let throttled = try await Self.ask(network, "/loop")
            #expect(throttled.header("X-Cache") == "FunctionThrottledError from cloudfront")
            #expect(String(buffer: throttled.body).contains("throttled"))
            let docs = try await Self.ask(network, "/docs/")
            #expect(docs.status == 200)
            let errors = try await network.counter("edgesim_lambda_errors_total", of: "NRT50")
            #expect(errors >= 2)
        }
    }

    @Test func aCloudFrontFunctionAndLambdaEdgeRunOnOneBehaviorInCloudFrontsOrder() async throws {
        try await Self.run { network in
            // index-rewrite (CloudFront Function, viewer-request) then origin-select
            // (Lambda@Edge, origin-request), which sees the rewritten uri.
            let reply = try await Self.ask(network, "/origin/x.txt")
            #expect(reply.status == 200, "\(String(buffer: reply.body))")
            #expect(reply.header("Edgesim-Functions") == "index-rewrite:1, select:1")
        }
    }

    @Test func logsGoToUsEast1WhateverTheEdge() async throws {
        try await Self.run { network in
            let reply = try await Self.ask(network, "/t/log")
            let requestID = try #require(reply.header("X-Amz-Cf-Id"))
            let log = try String(
                contentsOf: network.stateDirectory.appendingPathComponent("cloudwatch/us-east-1/aws/cloudfront/function/trouble/NRT50.log"),
                encoding: .utf8
            )
            #expect(log.contains("\(requestID) START DistributionID: E2CFF0000001"), "\(log)")
            #expect(log.contains("\(requestID) logged from /t/log"))
            #expect(log.contains("\(requestID) END"))
            // Each run's compute utilization, as CloudWatch's FunctionComputeUtilization.
            let runs = try await network.counter("edgesim_function_compute_utilization_count", of: "NRT50")
            #expect(runs >= 1)
        }
    }
}
