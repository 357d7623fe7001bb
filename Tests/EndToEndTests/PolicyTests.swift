import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Cache, origin request and response headers policies through a real edge and hub, with a
/// Python origin that echoes what it got and answers with the headers it is asked for.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct PolicyTests {
    static func topology(origin: Int) throws -> URL {
        let origins = """
            python: { location: tokyo, url: "http://127.0.0.1:\(origin)" }
            """
        let rest = """
            cache_policies:
              by-query: { cache_key: { query_strings: all } }
            origin_request_policies:
              api:
                headers: [X-Api-Version]
                cloudfront_headers: [CloudFront-Viewer-Country]
                cookies: [session]
                query_strings: { all_except: [utm_source] }
            response_headers_policies:
              app:
                cors: { allow_origins: ['https://app.example.com'], allow_methods: [GET, POST], allow_headers: [content-type], max_age: 10 min }
                security_headers: { content_type_options: { override: true }, frame_options: { value: DENY, override: true } }
                custom_headers: [{ header: X-Served-By, value: edgesim, override: false }]
                remove_headers: [X-Powered-By]
                server_timing: { enabled: false }
            distributions:
              E2POLICIES001:
                origins: [python]
                behaviors:
                  - { path: '/search*', cache_policy: Managed-CachingDisabled, origin_request_policy: api }
                  - { path: '/multi*', ttl: { default: 0 s, max: 0 s } }
                  - { path: '/respond-with*', cache_policy: by-query, response_headers_policy: app }
                  - { path: '*', cache_policy: 658327ea-f89d-4fab-a63d-7e88639e58f6, response_headers_policy: Managed-SimpleCORS }
            """
        return try URL.scratchFolder("policies").writeTokyoTopology(name: "policies", origins: origins, rest)
    }

    /// What the Python origin says it got.
    struct Echo: Decodable {
        var path: String
        var headers: [String: String]

        init(_ reply: ViewerClient.Reply) throws { self = try JSONDecoder().decode(Echo.self, from: Data(reply.body.readableBytesView)) }

        func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
    }

    @Test func theOriginGetsWhatTheKeyAndTheOriginRequestPolicyNameAndNoMore() async throws {
        let origin = try PythonHTTPServer.start()
        defer { origin.stop() }
        try await withNetwork(try Self.topology(origin: origin.port).path) { network in
            let asked: [(String, String)] = [
                ("X-Api-Version", "2"), ("X-Other", "not forwarded"), ("Cookie", "session=abc; tracking=1"), ("Accept-Language", "ja"),
            ]
            let policed = try Echo(try await network.request("/search?q=1&utm_source=ads", from: "tokyo-home", headers: asked))
            #expect(policed.path == "/search?q=1", "\(policed.path)")
            #expect(policed.header("X-Api-Version") == "2" && policed.header("CloudFront-Viewer-Country") == "JP", "\(policed.headers)")
            #expect(policed.header("X-Other") == nil && policed.header("Accept-Language") == nil, "\(policed.headers)")
            #expect(policed.header("Cookie") == "session=abc" && policed.header("User-Agent") == "Amazon CloudFront", "\(policed.headers)")
            #expect(policed.header("Host")?.hasPrefix("127.0.0.1") == true, "the origin's, not the viewer's: \(policed.headers)")
            #expect(policed.header("X-Forwarded-For") != nil && policed.header("X-Amz-Cf-Id") != nil)

            // The legacy settings forward the viewer's headers, as CloudFront's did.
            let legacy = try Echo(try await network.request("/multi?q=1&utm_source=ads", from: "tokyo-home", headers: asked))
            #expect(legacy.path == "/multi?q=1&utm_source=ads" && legacy.header("X-Other") == "not forwarded", "\(legacy.headers)")
            #expect(legacy.header("CloudFront-Viewer-Country") == "JP", "\(legacy.headers)")
        }
    }

    @Test func responseHeadersPoliciesAddCORSSecurityAndCustomHeadersAndRemoveOthers() async throws {
        let origin = try PythonHTTPServer.start()
        defer { origin.stop() }
        try await withNetwork(try Self.topology(origin: origin.port).path) { network in
            let path = "/respond-with?X-Powered-By=python&X-Frame-Options=SAMEORIGIN&X-Served-By=python"
            let app = [("Origin", "https://app.example.com")]
            let first = try await network.request(path, from: "tokyo-home", headers: app)
            let hit = try await network.request(path, from: "tokyo-home", headers: app)
            #expect(hit.header("X-Cache") == "Hit from cloudfront", "\(hit.headers)")
            for reply in [first, hit] {
                #expect(reply.status == 200 && reply.header("X-Powered-By") == nil, "\(reply.headers)")
                #expect(reply.header("X-Frame-Options") == "DENY" && reply.header("X-Content-Type-Options") == "nosniff", "\(reply.headers)")
                #expect(reply.header("X-Served-By") == "python", "the origin's wins without override: \(reply.headers)")
                #expect(reply.header("Access-Control-Allow-Origin") == "https://app.example.com" && reply.header("Vary") == "Origin")
                #expect(reply.header("Access-Control-Allow-Methods") == nil, "only a preflight gets the methods: \(reply.headers)")
                #expect(reply.header("Server-Timing") == nil, "the policy turns it off: \(reply.headers)")
                #expect(reply.header("X-Amz-Cf-Id") != nil && reply.header("Via") != nil)
            }
            // Pragma: server-timing always gets it; an origin the policy does not allow gets no CORS.
            let asked = try await network.request(path, from: "tokyo-home", headers: app + [("Pragma", "server-timing")])
            #expect(asked.header("Server-Timing")?.contains("cors;desc=\"allowed\"") == true, "\(asked.headers)")
            let stranger = try await network.request(path, from: "tokyo-home", headers: [("Origin", "https://evil.example")])
            #expect(stranger.header("Access-Control-Allow-Origin") == nil && stranger.header("X-Frame-Options") == "DENY")

            // A preflight goes to the origin and comes back with the policy's three headers.
            let preflight = try await network.request(
                "/respond-with",
                method: .OPTIONS,
                from: "tokyo-home",
                headers: app + [("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type")]
            )
            #expect(preflight.status == 204, "\(preflight.status)")
            #expect(preflight.header("Access-Control-Allow-Methods") == "GET, POST", "\(preflight.headers)")
            #expect(preflight.header("Access-Control-Allow-Headers") == "content-type" && preflight.header("Access-Control-Max-Age") == "600")

            // A managed policy by name, and the managed cache policy by id, on the default behavior.
            let simple = try await network.request("/down/hello.txt", from: "tokyo-home", headers: [("Origin", "https://any.example")])
            #expect(simple.status == 200 && simple.header("Access-Control-Allow-Origin") == "*", "\(simple.headers)")
            #expect(simple.header("Server-Timing") != nil, "no server_timing in the policy keeps edgesim's")
            #expect(try await network.counter("edgesim_cors_requests_total", of: "NRT50") >= 5)
        }
    }
}
