import Foundation
import Testing

@testable import Topology

/// The HTTPS settings a topology can give: CloudFront's defaults when it says nothing, its
/// values when it does.
@Suite struct ViewerProtocolsTests {
    @Test func aDistributionSaysNothingAndGetsCloudFrontsDefaults() throws {
        let topology = try #require(try Fixtures.check(Fixtures.base).topology)
        let distribution = try #require(topology.distributions.first)
        #expect(distribution.securityPolicy == .tlsv1)
        #expect(distribution.httpVersions == .http2)
        #expect(distribution.behaviors.allSatisfy { $0.viewerProtocolPolicy == .allowAll })
    }

    @Test func aDistributionsPolicyVersionsAndABehaviorsProtocolPolicyAreRead() throws {
        let yaml = Fixtures.base
            .replacingOccurrences(
                of: "    origins: [site]\n",
                with: "    origins: [site]\n    security_policy: TLSv1.3_2025\n    http_versions: http1.1\n"
            )
            .replacingOccurrences(of: "      - path: /api/*\n", with: "      - path: /api/*\n        viewer_protocol_policy: https-only\n")
        let report = try Fixtures.check(yaml)
        let distribution = try #require(report.topology?.distributions.first, "\(report.diagnostics)")
        #expect(distribution.securityPolicy == .tlsv1_3_2025)
        #expect(distribution.securityPolicy.minimumTLSMinorVersion == 3)
        #expect(distribution.httpVersions == .http1_1 && !distribution.httpVersions.offersHTTP2)
        #expect(distribution.behavior(forPath: "/api/x").viewerProtocolPolicy == .httpsOnly)
        #expect(distribution.behavior(forPath: "/other").viewerProtocolPolicy == .allowAll)
    }
}
