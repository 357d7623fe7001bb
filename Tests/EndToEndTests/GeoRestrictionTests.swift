import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import Testing

/// Geo restriction through a real edge: viewers by their location's country, an allow list and
/// a block list, CloudFront's 403 or the custom error page for 403, shown and counted.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct GeoRestrictionTests {
    static func topology() throws -> URL {
        let folder = URL.scratchFolder("geo")
        try folder.write(files: [
            "site/index.html": "<h1>home</h1>\n",
            "site/errors/403.html": "<h1>not in your country</h1>\n",
        ])
        let yaml = """
            name: geo
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
              sydney: { lat: -33.8688, lon: 151.2093, country: AU, city: Sydney }
              sea: { lat: 0, lon: 160 }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
            origins:
              site: { location: tokyo, static: site }
            viewers:
              tokyo-home: { location: tokyo, access: 2 ms }
              sydney-home: { location: sydney, access: 2 ms }
              at-sea: { location: sea, access: 2 ms }
            distributions:
              E2GEOALLOW001:
                domain: allow.example.test
                origins: [site]
                geo_restriction: { restriction_type: whitelist, locations: [JP] }
              E2GEOBLOCK001:
                domain: block.example.test
                origins: [site]
                geo_restriction: { restriction_type: blacklist, locations: [AU] }
                custom_error_responses:
                  - { error_code: 403, response_page_path: /errors/403.html, response_code: 403 }
            """
        return try folder.writeTopology(yaml)
    }

    @Test func viewersAreServedOrRefusedByTheirCountry() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let edge = try network.node("NRT50")
            func ask(_ domain: String, from viewer: String) async throws -> ViewerClient.Reply {
                let address = try #require(network.state.viewer(viewer)?.address)
                return try await ViewerClient.get(host: edge.host, port: edge.port, path: "/index.html", from: address, hostHeader: domain)
            }
            #expect(try await ask("allow.example.test", from: "tokyo-home").status == 200)
            let refused = try await ask("allow.example.test", from: "sydney-home")
            #expect(refused.status == 403)
            #expect(refused.header("X-Cache") == "Error from cloudfront")
            #expect(String(buffer: refused.body).contains("configured to block access from your country"))
            #expect(refused.header("Server-Timing")?.contains("geo-blocked;desc=\"AU\"") == true)
            // A viewer whose country is unknown is served, as at CloudFront.
            #expect(try await ask("allow.example.test", from: "at-sea").status == 200)

            // The block list, with a custom error page for 403.
            #expect(try await ask("block.example.test", from: "tokyo-home").status == 200)
            let page = try await ask("block.example.test", from: "sydney-home")
            #expect(page.status == 403 && String(buffer: page.body) == "<h1>not in your country</h1>\n", "\(page.status)")
            #expect(page.header("Server-Timing")?.contains("error-page;desc=\"/errors/403.html\"") == true)
            #expect(try await network.counter("edgesim_geo_blocked_total", of: "NRT50") == 2)
        }
    }
}
