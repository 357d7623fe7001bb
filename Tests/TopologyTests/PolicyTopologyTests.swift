import Foundation
import Testing

@testable import Topology

/// `cache_policies:`, `origin_request_policies:` and `response_headers_policies:`, and the
/// behaviors that name them or AWS's managed ones: read into the model, every rule reported
/// at its file:line:col.
@Suite struct PolicyTopologyTests {
    static let policies = """
        cache_policies:
          api-cache:
            ttl: { min: 0 s, default: 60 s, max: 1 h }
            cache_key: { headers: [Authorization], query_strings: [page], cookies: { all_except: [tracking] }, accept_encoding: [gzip] }
        origin_request_policies:
          forward-more:
            headers: [X-Api-Version]
            cloudfront_headers: [CloudFront-Viewer-Country]
            cookies: all
            query_strings: { all_except: [utm_source] }
        response_headers_policies:
          app:
            cors:
              allow_origins: ['https://app.example.com', 'https://*.example.org']
              allow_methods: [GET, POST]
              allow_headers: [Content-Type]
              allow_credentials: true
              expose_headers: [X-Request-Id]
              max_age: 10 min
              origin_override: true
            security_headers:
              content_type_options: { override: true }
              frame_options: { value: DENY, override: false }
              strict_transport_security: { max_age: 365 d, include_subdomains: true, override: true }
              xss_protection: { protection: true, mode_block: true, override: false }
            custom_headers:
              - { header: X-Served-By, value: edgesim, override: true }
            remove_headers: [Server, X-Powered-By]
            server_timing: { enabled: true, sampling_rate: 25 }
        """

    static func behaviors(_ lines: String) -> String { "behaviors:\n" + lines.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }

    @Test func declaredAndManagedPoliciesAreReadIntoTheirBehaviors() throws {
        let report = DistributionRulesTopologyTests.check(
            Self.behaviors(
                """
                - { path: '/api/*', cache_policy: api-cache, origin_request_policy: forward-more, response_headers_policy: app }
                - { path: '/static/*', cache_policy: Managed-CachingOptimized, origin_request_policy: 88a5eaf4-2fd4-4709-b370-b4c650ea3fcf, response_headers_policy: SimpleCORS, compress: true }
                - { path: '*', ttl: { default: 5 s }, response_headers_policy: Managed-SecurityHeadersPolicy }
                """
            ),
            sections: Self.policies
        )
        let behaviors = try #require(report.topology?.distributions.first?.behaviors, "\(report.diagnostics)")
        let api = behaviors[0]
        #expect(api.cachePolicy == "api-cache")
        #expect(api.defaultTTL == .seconds(60) && api.maximumTTL == .seconds(3600))
        #expect(api.cacheKey.headers == ["authorization"] && api.cacheKey.queryStrings == .only(["page"]))
        #expect(api.cacheKey.cookies == .allExcept(["tracking"]) && api.cacheKey.acceptEncodings == [.gzip])
        let forwarding = try #require(api.originRequestPolicy)
        #expect(forwarding.headers == .only(["x-api-version"]) && forwarding.cloudFrontHeaders == ["cloudfront-viewer-country"])
        #expect(forwarding.queryStrings == .allExcept(["utm_source"]) && forwarding.cookies == .all)
        let app = try #require(api.responseHeadersPolicy)
        let cors = try #require(app.cors)
        #expect(cors.maxAge == 600 && cors.allowCredentials && cors.originOverride)
        #expect(cors.allowOrigin(for: "https://app.example.com") == "https://app.example.com")
        #expect(cors.allowOrigin(for: "https://shop.example.org") == "https://shop.example.org")
        #expect(cors.allowOrigin(for: "https://a.b.example.org") == nil && cors.allowOrigin(for: "https://evil.com") == nil)
        #expect(
            app.headers.map { "\($0.name): \($0.value)" } == [
                "X-Content-Type-Options: nosniff", "X-Frame-Options: DENY", "Strict-Transport-Security: max-age=31536000; includeSubDomains",
                "X-XSS-Protection: 1; mode=block", "X-Served-By: edgesim",
            ]
        )
        #expect(app.removedHeaders == ["server", "x-powered-by"] && app.serverTiming == .init(enabled: true, samplingRate: 25))

        let statics = behaviors[1]
        #expect(statics.cachePolicy == "CachingOptimized" && statics.minimumTTL == .seconds(1))
        #expect(statics.cacheKey.acceptEncodings == [.gzip, .br] && statics.compress)
        #expect(statics.originRequestPolicy?.name == "CORS-S3Origin")
        #expect(statics.responseHeadersPolicy?.cors?.allowOrigin(for: "https://anything.example") == "*")
        // The legacy settings stay as they were beside a response headers policy.
        #expect(behaviors[2].cachePolicy == nil && behaviors[2].defaultTTL == .seconds(5))
        #expect(behaviors[2].responseHeadersPolicy?.headers.first { $0.override }?.name == "X-Content-Type-Options")
    }

    @Test func anOriginRequestPolicyForwardsAllViewerHeadersOrAllBut() throws {
        let report = DistributionRulesTopologyTests.check(
            Self.behaviors("- { path: '*', cache_policy: Managed-CachingOptimized, origin_request_policy: every }"),
            sections: "origin_request_policies:\n  every: { headers: all_viewer }\n  most: { headers: { all_except: [X-Secret] } }"
        )
        let behavior = try #require(report.topology?.distributions.first?.behaviors.first, "\(report.diagnostics)")
        #expect(behavior.originRequestPolicy?.headers == .all)
        let named = DistributionRulesTopologyTests.check(
            Self.behaviors("- { path: '*', cache_policy: Managed-CachingOptimized, origin_request_policy: most }"),
            sections: "origin_request_policies:\n  most: { headers: { all_except: [X-Secret] } }"
        )
        #expect(
            named.topology?.distributions.first?.behaviors.first?.originRequestPolicy?.headers == .allExcept(["x-secret"]),
            "\(named.diagnostics)"
        )
    }

    @Test func managedPoliciesHaveTheSpecsSettings() throws {
        let disabled = try #require(NamedCachePolicy.managed.first { $0.id == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" })
        #expect(disabled.name == "CachingDisabled" && disabled.maximumTTL == .zero && disabled.cacheKey.acceptEncodings.isEmpty)
        let amplify = try #require(NamedCachePolicy.managed.first { $0.name == "Amplify" })
        #expect(amplify.minimumTTL == .seconds(2) && amplify.maximumTTL == .seconds(600) && amplify.cacheKey.cookies == .all)
        #expect(OriginRequestPolicy.managed.first { $0.name == "AllViewerExceptHostHeader" }?.headers == .allExcept(["host"]))
        #expect(OriginRequestPolicy.managed.first { $0.name == "AllViewerAndCloudFrontHeaders-2022-06" }?.cloudFrontHeaders.count == 21)
        #expect(Set(NamedCachePolicy.managed.map(\.id)).count == 7 && Set(OriginRequestPolicy.managed.map(\.id)).count == 7)
        #expect(Set(ResponseHeadersPolicy.managed.map(\.id)).count == 5)
    }

    @Test func selectionsJoinAsCloudFrontJoinsThem() {
        typealias S = CacheKeyPolicy.Selection
        #expect(S.only(["a"]).union(.all) == .all)
        #expect(S.none.union(.only(["a"])) == .only(["a"]))
        #expect(S.only(["a"]).union(.only(["b", "a"])) == .only(["a", "b"]))
        #expect(S.only(["a"]).union(.allExcept(["a", "b"])) == .allExcept(["b"]))
        #expect(S.allExcept(["a"]).union(.allExcept(["b"])) == .allExcept(["a", "b"]))
        #expect(S.allExcept(["a"]).keeps("b") && !S.allExcept(["a"]).keeps("a"))
    }

    @Test func eachProblemIsReportedWhereItIs() {
        let cases: [(behavior: String, policies: String, expected: String)] = [
            ("{ path: '*', cache_policy: CachingOptimised }", "", "did you mean 'CachingOptimized'?"),
            ("{ path: '*', cache_policy: api-cache, ttl: { default: 5 s } }", Self.policies, "both a cache_policy and legacy"),
            ("{ path: '*', origin_request_policy: Managed-AllViewer }", "", "no cache_policy"),
            ("{ path: '*', response_headers_policy: simple-cors }", "", "unknown response headers policy"),
            ("{ path: '*' }", "cache_policies:\n  CachingOptimized: {}", "name of an AWS managed policy"),
            ("{ path: '*' }", "response_headers_policies:\n  Managed-Thing: {}", "name of an AWS managed policy"),
            ("{ path: '*' }", "cache_policies:\n  p: { cache_key: { headers: [Accept-Encoding] } }", "through 'accept_encoding"),
            ("{ path: '*' }", "origin_request_policies:\n  p: { headers: [Authorization] }", "only forwards from a cache policy"),
            ("{ path: '*' }", "origin_request_policies:\n  p: { headers: [X-Amz-Cf-Id] }", "does not let a policy forward"),
            ("{ path: '*' }", "origin_request_policies:\n  p: { headers: every }", "expected none, all_viewer"),
            ("{ path: '*' }", "origin_request_policies:\n  p: { cloudfront_headers: [X-Country] }", "not one of CloudFront's headers"),
            ("{ path: '*' }", "response_headers_policies:\n  p: { remove_headers: [Content-Length] }", "does not let a policy remove"),
            ("{ path: '*' }", "response_headers_policies:\n  p: { cors: { allow_origins: ['example.com'] } }", "is not an origin"),
            ("{ path: '*' }", "response_headers_policies:\n  p: { cors: { allow_origins: ['*'], allow_credentials: true } }", "browsers refuse"),
            ("{ path: '*' }", "response_headers_policies:\n  p: { cors: { allow_origins: ['*'], allow_methods: [GETS] } }", "did you mean 'GET'?"),
            ("{ path: '*' }", "response_headers_policies:\n  p: { security_headers: { frame_options: { value: ALLOW } } }", "DENY or SAMEORIGIN"),
            (
                "{ path: '*' }", "response_headers_policies:\n  p: { security_headers: { xss_protection: { mode_block: true, report_uri: /r } } }",
                "CloudFront takes one"
            ),
            (
                "{ path: '*' }", "response_headers_policies:\n  p: { custom_headers: [{ header: X-Cache, value: x }] }",
                "not a header a policy may set"
            ),
            ("{ path: '*' }", "response_headers_policies:\n  p: { server_timing: { sampling_rate: 150 } }", "outside 0…100"),
        ]
        for item in cases {
            let report = DistributionRulesTopologyTests.check(Self.behaviors("- " + item.behavior), sections: item.policies)
            let messages = report.diagnostics.map(\.description).joined(separator: "\n")
            #expect(report.topology == nil, "\(item.behavior) \(item.policies)")
            #expect(messages.contains(item.expected), "expected '\(item.expected)' in:\n\(messages)")
            #expect(messages.contains("test.yaml:"), "with a place: \(messages)")
        }
    }

    @Test func anOriginShieldIsAHub() throws {
        let yaml = """
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
              osaka: { lat: 34.6937, lon: 135.5023, country: JP, city: Osaka }
            hubs:
              ap-northeast-1: { location: tokyo }
              ap-northeast-3: { location: osaka }
            edges:
              KIX50: { location: osaka, hub: ap-northeast-3 }
            origins:
              site: { location: tokyo, static: ., origin_shield: SHIELD }
            viewers:
              osaka-home: { location: osaka }
            distributions:
              E2TEST000001: { origins: [site] }
            """
        let folder = FileManager.default.temporaryDirectory.path
        let report = TopologyLoader.check(
            yaml: yaml.replacingOccurrences(of: "SHIELD", with: "ap-northeast-1"),
            file: "test.yaml",
            baseDirectory: folder
        )
        let topology = try #require(report.topology, "\(report.diagnostics)")
        #expect(topology.shieldHubs == ["ap-northeast-1"])
        #expect(topology.shield(for: "site", at: "ap-northeast-3") == "ap-northeast-1" && topology.shield(for: "site", at: "ap-northeast-1") == nil)
        let route = try topology.route(viewer: "osaka-home", distribution: nil)
        #expect(route.shield?.id == "ap-northeast-1" && route.hops.map(\.to) == ["KIX50", "ap-northeast-3", "ap-northeast-1", "site"])

        let wrong = TopologyLoader.check(
            yaml: yaml.replacingOccurrences(of: "SHIELD", with: "ap-northeast-9"),
            file: "test.yaml",
            baseDirectory: folder
        )
        let messages = wrong.diagnostics.map(\.description).joined(separator: "\n")
        #expect(wrong.topology == nil && messages.contains("test.yaml:10:54:") && messages.contains("not a hub; did you mean"), "\(messages)")
    }
}
