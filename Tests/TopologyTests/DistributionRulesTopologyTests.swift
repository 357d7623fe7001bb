import Crypto
import Foundation
import Testing

@testable import Topology

/// `custom_error_responses:`, `default_root_object:` and `geo_restriction:` of a distribution: read into the
/// model, and every rule CloudFront checks reported at its file:line:col.
@Suite struct DistributionRulesTopologyTests {
    /// Checks a one-edge topology with these lines in its distribution.
    /// - Parameters:
    ///   - sections: Top-level sections to add after the distribution (`key_groups:`).
    ///   - folder: Where relative paths resolve.
    static func check(
        _ distribution: String,
        sections: String = "",
        in folder: URL = FileManager.default.temporaryDirectory
    )
        -> TopologyLoader.Report
    {
        let yaml = """
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
            origins:
              site: { location: tokyo, static: . }
            distributions:
              E2TEST000001:
                origins: [site]
            \(distribution.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            \(sections)

            """
        return TopologyLoader.check(yaml: yaml, file: "test.yaml", baseDirectory: folder.path)
    }

    @Test func entriesAndTheRootObjectAreRead() throws {
        let report = Self.check(
            """
            default_root_object: index.html
            custom_error_responses:
              - { error_code: 404, response_page_path: /errors/404.html, response_code: 200, error_caching_min_ttl: 30 s }
              - { error_code: 503, error_caching_min_ttl: 0 s }
            """
        )
        let distribution = try #require(report.topology?.distributions.first, "\(report.diagnostics)")
        #expect(distribution.defaultRootObject == "index.html")
        #expect(distribution.rootObjectApplied(to: "/") == "/index.html")
        #expect(distribution.rootObjectApplied(to: "/docs/") == "/docs/")
        let notFound = try #require(distribution.errorResponses[404])
        #expect(notFound.page == .init(path: "/errors/404.html", responseCode: 200))
        #expect(notFound.cachingMinimumTTL == .seconds(30))
        #expect(distribution.errorResponses[503] == CustomErrorResponse(errorCode: 503, cachingMinimumTTL: .zero))
        #expect(distribution.errorResponses[500] == nil)
    }

    @Test func eachProblemIsReportedWhereItIs() {
        let cases: [(yaml: String, expected: String, line: Int)] = [
            ("default_root_object: /index.html", "did you mean 'index.html'?", 12),
            ("default_root_object: 'index html'", "expected at most 255 of", 12),
            ("custom_error_responses:\n  - { error_code: 402 }", "CloudFront customizes only 400, 403, 404", 13),
            (
                "custom_error_responses:\n  - { error_code: 404, response_page_path: errors/404.html, response_code: 200 }",
                "did you mean '/errors/404.html'?", 13
            ),
            ("custom_error_responses:\n  - { error_code: 404, response_page_path: /404.html }", "needs both or neither", 13),
            ("custom_error_responses:\n  - { error_code: 404, response_code: 200 }", "needs both or neither", 13),
            ("custom_error_responses:\n  - { error_code: 404, response_page_path: /404.html, response_code: 201 }", "sends a page with 200, 400", 13),
            ("custom_error_responses:\n  - { error_code: 404 }\n  - { error_code: 404 }", "two entries for 404", 14),
            ("custom_error_responses:\n  - { error_code: 404, error_caching_min_ttl: soon }", "error_caching_min_ttl", 13),
            ("custom_error_responses:\n  - { error_code: 404, response_page_pth: /404.html }", "did you mean 'response_page_path'?", 13),
        ]
        for item in cases {
            let report = Self.check(item.yaml)
            let messages = report.diagnostics.map(\.description).joined(separator: "\n")
            #expect(report.topology == nil, "\(item.yaml)")
            #expect(messages.contains(item.expected), "expected '\(item.expected)' in:\n\(messages)")
            #expect(messages.contains("test.yaml:\(item.line):"), "at line \(item.line): \(messages)")
        }
    }

    @Test func geoRestrictionIsReadAndChecked() throws {
        let report = Self.check("geo_restriction: { restriction_type: blacklist, locations: [AU, NZ] }")
        let distribution = try #require(report.topology?.distributions.first, "\(report.diagnostics)")
        #expect(distribution.geoRestriction == GeoRestriction(kind: .blacklist, countries: ["AU", "NZ"]))
        #expect(distribution.geoRestriction.blocks(country: "AU") && !distribution.geoRestriction.blocks(country: "JP"))
        #expect(!distribution.geoRestriction.blocks(country: nil))
        #expect(GeoRestriction(kind: .whitelist, countries: ["JP"]).blocks(country: "AU"))
        let cases: [(yaml: String, expected: String)] = [
            ("geo_restriction: { restriction_type: whitelist, locations: [jp] }", "did you mean 'JP'?"),
            ("geo_restriction: { restriction_type: whitelist }", "with no 'locations'"),
            ("geo_restriction: { restriction_type: none, locations: [JP] }", "none without locations"),
            ("geo_restriction: { restriction_type: allowlist, locations: [JP] }", "expected one of: none, whitelist, blacklist"),
            ("geo_restriction: { locations: [JP] }", "needs a 'restriction_type'"),
        ]
        for item in cases {
            let messages = Self.check(item.yaml).diagnostics.map(\.description).joined(separator: "\n")
            #expect(messages.contains(item.expected) && messages.contains("test.yaml:12:"), "expected '\(item.expected)' at line 12 in:\n\(messages)")
        }
    }

    @Test func keyGroupsAreReadAndTrustedByBehaviors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(P256.Signing.PrivateKey().publicKey.pemRepresentation.utf8).write(to: folder.appendingPathComponent("public.pem"))
        try Data("not a key\n".utf8).write(to: folder.appendingPathComponent("junk.pem"))
        func check(_ groups: String, trusted: String) -> TopologyLoader.Report {
            Self.check("behaviors:\n  - { path: /paid/*, trusted_key_groups: \(trusted) }", sections: "key_groups:\n  \(groups)", in: folder)
        }
        let report = check("paid: { public_keys: { K2JCJMDEHXQW5F: public.pem } }", trusted: "[paid]")
        let topology = try #require(report.topology, "\(report.diagnostics)")
        #expect(topology.keyGroups.first?.keys.map(\.id) == ["K2JCJMDEHXQW5F"])
        #expect(topology.distributions.first?.behaviors.first?.trustedKeyGroups == ["paid"])
        let cases: [(groups: String, trusted: String, expected: String)] = [
            ("paid: { public_keys: { K2JCJMDEHXQW5F: missing.pem } }", "[paid]", "no file at 'missing.pem'"),
            ("paid: { public_keys: { K2JCJMDEHXQW5F: junk.pem } }", "[paid]", "is not a PEM public key"),
            ("paid: { public_keys: {} }", "[paid]", "has no public keys"),
            ("paid: { public_keys: { k1: public.pem } }", "[paid]", "public key id 'k1'"),
            ("paid: { public_keys: { K1: public.pem } }", "[pade]", "did you mean 'paid'?"),
        ]
        for item in cases {
            let messages = check(item.groups, trusted: item.trusted).diagnostics.map(\.description).joined(separator: "\n")
            #expect(messages.contains(item.expected) && messages.contains("test.yaml:"), "expected '\(item.expected)' in:\n\(messages)")
        }
    }

    @Test func compressionKeysAreRead() throws {
        let report = Self.check(
            """
            behaviors:
              - { path: /a/*, compress: true }
              - { path: /b/*, compress: true, cache_key: { accept_encoding: [gzip] } }
              - { path: "*" }
            """
        )
        let behaviors = try #require(report.topology?.distributions.first?.behaviors, "\(report.diagnostics)")
        #expect(behaviors[0].compress && behaviors[0].cacheKey.acceptEncodings == [.gzip, .br])
        #expect(behaviors[1].cacheKey.acceptEncodings == [.gzip])
        #expect(!behaviors[2].compress && behaviors[2].cacheKey.acceptEncodings.isEmpty)
        for (yaml, expected) in [
            ("behaviors:\n  - { path: '*', compress: true, cache_key: { headers: [accept-encoding] } }", "turns CloudFront's compression off"),
            ("behaviors:\n  - { path: '*', compress: true, cache_key: { accept_encoding: [zstd] } }", "expected gzip or br"),
        ] {
            let messages = Self.check(yaml).diagnostics.map(\.description).joined(separator: "\n")
            #expect(messages.contains(expected) && messages.contains("test.yaml:"), "expected '\(expected)' in:\n\(messages)")
        }
    }
}
