import EdgesimTestSupport
import Foundation
import Testing

/// Two edges behind one hub and the registry, with one function, `stamp`, at both viewer
/// stages of every request: viewer-request stamps the request with its version, viewer-response
/// stamps the response with its own version and the request's. A response that mixed versions
/// would read `v2 req=1`.
enum ReplicationTopology {
    /// The handler of version N.
    static func stamp(_ version: Int) -> String {
        """
        'use strict';
        const VERSION = '\(version)';
        exports.handler = async (event) => {
            const cf = event.Records[0].cf;
            if (cf.config.eventType === 'viewer-request') {
                cf.request.headers['x-stamp-request'] = [{ key: 'X-Stamp-Request', value: VERSION }];
                return cf.request;
            }
            const seen = (cf.request.headers['x-stamp-request'] || [{ value: 'none' }])[0].value;
            cf.response.headers['x-stamp'] = [{ key: 'X-Stamp', value: `v${VERSION} req=${seen}` }];
            return cf.response;
        };
        """
    }

    /// Publishes `stamp2/` as version 2 of `stamp`.
    static func publishVersion2(_ folder: URL, state: String) async throws {
        let code = folder.appendingPathComponent("stamp2").path
        let published = try await CLI.run([
            "function", "publish", "stamp", "--code", code, "--runtime", "nodejs", "--handler", "index.handler", "--state-dir", state,
        ])
        #expect(published.stdout.contains("stamp:2"), "\(published.stderr)")
    }

    /// Associates `stamp:2` with both viewer stages, as one config epoch.
    static func associateVersion2(state: String) async throws {
        let associated = try await CLI.run([
            "associate", "E2REPLICATION1", "--event", "viewer-request", "--event", "viewer-response", "--function", "stamp:2", "--state-dir", state,
        ])
        #expect(associated.status == 0, "\(associated.stderr)")
    }

    /// Writes the site, version 1 of `stamp` and `network.yaml`; returns the folder.
    static func make() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-replication-\(UUID().uuidString)")
        let yaml = """
            name: replication
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
              osaka: { lat: 34.6937, lon: 135.5023, country: JP, city: Osaka }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
              KIX50: { location: osaka, hub: ap-northeast-1 }
            origins:
              site: { location: tokyo, static: site, cache_control: "public, max-age=60" }
            viewers:
              tokyo-home: { location: tokyo, access: 2 ms }
              osaka-office: { location: osaka, access: 2 ms }
            functions:
              stamp: { runtime: nodejs20.x, handler: index.handler, code: stamp1 }
            distributions:
              E2REPLICATION1:
                origins: [site]
                behaviors:
                  - { path: "*", origin: site, functions: { viewer-request: "stamp:1", viewer-response: "stamp:1" } }
            """
        try folder.write(files: ["stamp1/index.js": stamp(1), "stamp2/index.js": stamp(2), "site/page.txt": "page\n", "network.yaml": yaml])
        return folder
    }
}
