import Foundation
import Testing

@testable import Topology

/// `origin_groups:` of a distribution and the origins' timeouts: read into the model, and each
/// of CloudFront's rules reported at its file:line:col with a suggestion where one helps.
@Suite struct OriginGroupTopologyTests {
    static func check(origin: String = "", distribution: String) -> TopologyLoader.Report {
        let yaml = """
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
            origins:
              site: { location: tokyo, static: . }
              backup: { location: tokyo, url: "http://127.0.0.1:8080"\(origin) }
            distributions:
              E2TEST000001:
                origins: [site, backup]
            \(distribution.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))

            """
        return TopologyLoader.check(yaml: yaml, file: "test.yaml", baseDirectory: FileManager.default.temporaryDirectory.path)
    }

    @Test func aGroupAndTimeoutsAreRead() throws {
        let report = Self.check(
            origin: ", connection_attempts: 1, connection_timeout: 2 s, response_timeout: 60 s",
            distribution: """
                origin_groups:
                  both: { members: [site, backup], failover_criteria: [500, 503] }
                behaviors:
                  - { path: "*", origin: both }
                """
        )
        let topology = try #require(report.topology, "\(report.diagnostics)")
        let distribution = try #require(topology.distributions.first)
        var group = try #require(distribution.originGroup("both"))
        group.source = nil
        #expect(group == OriginGroup(id: "both", primary: "site", secondary: "backup", failoverStatuses: [500, 503]))
        #expect(distribution.members(of: "both") == ["site", "backup"] && distribution.members(of: "site") == ["site"])
        #expect(distribution.behaviors.last?.origin == "both")
        #expect(
            topology.origin("backup")?.timeouts
                == OriginTimeouts(connectionAttempts: 1, connectionTimeout: .seconds(2), responseTimeout: .seconds(60))
        )
        #expect(topology.origin("site")?.timeouts == OriginTimeouts())
        #expect(!report.diagnostics.contains { $0.message.contains("used by no cache behavior") }, "\(report.diagnostics)")
    }

    @Test func eachProblemIsReportedWhereItIs() {
        let group = "origin_groups:\n  both: "
        let cases: [(origin: String, yaml: String, expected: String, line: Int)] = [
            ("", group + "{ members: [site], failover_criteria: [503] }", "has 1 member: CloudFront wants exactly two", 14),
            ("", group + "{ members: [site, bakup], failover_criteria: [503] }", "did you mean 'backup'?", 14),
            ("", group + "{ members: [site, site], failover_criteria: [503] }", "its two members must differ", 14),
            ("", group + "{ members: [site, backup], failover_criteria: [501] }", "CloudFront fails over on 400, 403, 404, 416, 500", 14),
            ("", group + "{ members: [site, backup], failover_criteria: [] }", "needs at least one", 14),
            ("", "origin_groups:\n  site: { members: [site, backup], failover_criteria: [503] }", "has the id of the origin 'site'", 14),
            (
                "", group + "{ members: [site, backup], failover_criteria: [503] }\nbehaviors:\n  - { path: '*', origin: bth }",
                "did you mean 'both'?", 16
            ),
            (", connection_attempts: 4", "", "'connection_attempts' of origin 'backup' is 4, outside 1…3", 9),
            (", connection_timeout: 11 s", "", "CloudFront allows 1–10 s", 9),
            (", response_timeout: 0.5 s", "", "CloudFront allows 1–120 s", 9),
        ]
        for item in cases {
            let report = Self.check(origin: item.origin, distribution: item.yaml)
            let messages = report.diagnostics.map(\.description).joined(separator: "\n")
            #expect(report.topology == nil, "\(item.yaml)")
            #expect(messages.contains(item.expected), "expected '\(item.expected)' in:\n\(messages)")
            #expect(messages.contains("test.yaml:\(item.line):"), "at line \(item.line): \(messages)")
        }
    }
}
