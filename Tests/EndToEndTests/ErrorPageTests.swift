import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import Testing

/// Custom error responses and the default root object through a real edge and hub: a page in
/// place of an origin's error, fetched through the cache from its own behavior; the SPA
/// fallback; a page that fails itself; error caching by `error_caching_min_ttl`.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ErrorPageTests {
    static func topology(app: Int) throws -> URL {
        let folder = URL.scratchFolder("errors")
        try folder.write(files: [
            "site/index.html": "<h1>home</h1>\n",
            "site/errors/404.html": "<h1>not here</h1>\n",
        ])
        let origins = """
            site: { location: tokyo, static: site }
            app: { location: tokyo, url: "http://127.0.0.1:\(app)" }
            """
        let rest = """
            distributions:
              E2ERRORS00001:
                origins: [site, app]
                default_root_object: index.html
                custom_error_responses:
                  - { error_code: 404, response_page_path: /errors/404.html, response_code: 404 }
                  - { error_code: 403, response_page_path: /index.html, response_code: 200 }
                  - { error_code: 503, response_page_path: /errors/gone.html, response_code: 503 }
                  - { error_code: 500, error_caching_min_ttl: 0 s }
                behaviors:
                  - { path: /status/*, origin: app }
                  - { path: "*", origin: site }
            """
        return try folder.writeTokyoTopology(name: "errors", origins: origins, rest)
    }

    @Test func pagesReplaceErrorsAndTheRootObjectServesSlash() async throws {
        let app = try PythonHTTPServer.start()
        defer { app.stop() }
        try await withNetwork(try Self.topology(app: app.port).path) { network in
            // The default root object: `/` only, whatever the query.
            let root = try await network.request("/?utm=1", from: "tokyo-home")
            #expect(root.status == 200 && String(buffer: root.body) == "<h1>home</h1>\n", "\(root.status)")

            // A 404 from the origin: the page, with the entry's status; the error is cached,
            // and so the second request asks neither the origin nor the hub again.
            let missing = try await network.request("/status/404/a", from: "tokyo-home")
            #expect(missing.status == 404)
            #expect(String(buffer: missing.body) == "<h1>not here</h1>\n")
            #expect(missing.header("X-Cache") == "Error from cloudfront")
            let timing = missing.header("Server-Timing") ?? ""
            #expect(timing.contains("error-page;desc=\"/errors/404.html\""), "\(timing)")
            let again = try await network.request("/status/404/a", from: "tokyo-home")
            #expect(again.status == 404 && String(buffer: again.body) == "<h1>not here</h1>\n")
            #expect(try await app.timesAsked("/status/404/a") == 1)

            // The SPA fallback: a 403 (cached only with max-age) gets the app's page with 200.
            let spa = try await network.request("/status/403/deep/link?max-age=60", from: "tokyo-home")
            #expect(spa.status == 200 && String(buffer: spa.body) == "<h1>home</h1>\n", "\(spa.status)")
            #expect(spa.header("X-Cache") == "Error from cloudfront")

            // A page that fails itself: the viewer gets what fetching the page got.
            let gone = try await network.request("/status/503/c", from: "tokyo-home")
            #expect(gone.status == 404, "the page is missing: \(gone.status)")

            // A 500 whose entry caches it for 0 s, and no page: the origin's error, asked each time.
            for _ in 0..<2 {
                let failed = try await network.request("/status/500/d", from: "tokyo-home")
                #expect(failed.status == 500 && String(buffer: failed.body) == "status 500 from python\n")
            }
            #expect(try await app.timesAsked("/status/500/d") == 2)

            // An error without an entry is CloudFront's as ever.
            #expect(try await network.request("/status/502/e", from: "tokyo-home").status == 502)
            #expect(try await network.counter("edgesim_custom_error_responses_total", of: "NRT50") == 4)
        }
    }
}
