import Foundation
import Testing

@testable import Topology

/// A distribution's `logging:` and the `realtime_log_configs:` its behaviors name: read into the
/// model, and each mistake reported at its file:line:col.
@Suite struct LoggingTopologyTests {
    static func check(_ distribution: String, realtime: String = "") -> TopologyLoader.Report {
        DistributionRulesTopologyTests.check(distribution, sections: realtime)
    }

    static let sampled = """
        realtime_log_configs:
          sample:
            fields: [sc-status, timestamp, c-ip]
            sampling_rate: 10
            destination: logs/realtime.log
          socket: { fields: [cs-uri-stem], sampling_rate: 100, destination: "tcp://127.0.0.1:9400" }
        """

    @Test func loggingAndRealTimeLogsAreRead() throws {
        let report = Self.check(
            """
            logging: { bucket: logs-bucket.s3.amazonaws.com, prefix: cf, include_cookies: true }
            behaviors:
              - { path: /api/*, realtime_log_config: sample }
              - { path: /ws/*, realtime_log_config: socket }
            """,
            realtime: Self.sampled
        )
        let distribution = try #require(report.topology?.distributions.first, "\(report.diagnostics)")
        // CloudFront appends the `/` a prefix lacks.
        #expect(distribution.logging == StandardLogging(bucket: "logs-bucket.s3.amazonaws.com", prefix: "cf/", includeCookies: true))
        let sample = try #require(distribution.behaviors[0].realtimeLog)
        // The fields in CloudFront's fixed order, whatever order they were listed in.
        #expect(sample.fields == [.timestamp, .clientIP, .status])
        #expect(sample.samplingRate == 10)
        // A relative file is the network's output: the edge puts it under STATE/realtime-logs/.
        #expect(sample.destination == .file("logs/realtime.log"))
        #expect(distribution.behaviors[1].realtimeLog?.destination == .tcp(host: "127.0.0.1", port: 9400))
        #expect(distribution.behaviors[2].realtimeLog == nil)
        #expect(Self.check("origins: [site]").topology?.distributions.first?.logging == nil)
    }

    @Test func eachProblemIsReportedWhereItIs() {
        let cases: [(distribution: String, realtime: String, expected: String, line: Int)] = [
            ("logging: { prefix: cf/ }", "", "needs a 'bucket' field", 12),
            ("logging: { bucket: Logs_Bucket }", "", "expected an S3 bucket name", 12),
            ("logging: { bucket: logs.s3.amazonaws.com, prefix: /cf/ }", "", "expected a relative key prefix", 12),
            ("logging: { bucket: logs.s3.amazonaws.com, include_cookie: true }", "", "did you mean 'include_cookies'?", 12),
            ("behaviors:\n  - { path: /api/*, realtime_log_config: sampel }", Self.sampled, "did you mean 'sample'?", 13),
            ("", "realtime_log_configs:\n  r: { fields: [c-ipp], sampling_rate: 5, destination: a.log }", "did you mean 'c-ip'?", 14),
            ("", "realtime_log_configs:\n  r: { fields: [c-ip], sampling_rate: 0, destination: a.log }", "outside 1…100", 14),
            ("", "realtime_log_configs:\n  r: { fields: [], sampling_rate: 5, destination: a.log }", "chooses no fields", 14),
            ("", "realtime_log_configs:\n  r: { fields: [c-ip], sampling_rate: 5, destination: 'tcp://nowhere' }", "expected tcp://HOST:PORT", 14),
            ("", "realtime_log_configs:\n  r: { fields: [c-ip, c-ip], sampling_rate: 5, destination: a.log }", "lists 'c-ip' twice", 14),
        ]
        for item in cases {
            let report = Self.check(item.distribution, realtime: item.realtime)
            let messages = report.diagnostics.map(\.description).joined(separator: "\n")
            #expect(report.topology == nil, "\(item.distribution) \(item.realtime)")
            #expect(messages.contains(item.expected), "expected '\(item.expected)' in:\n\(messages)")
            #expect(messages.contains("test.yaml:\(item.line):"), "at line \(item.line): \(messages)")
        }
    }
}
