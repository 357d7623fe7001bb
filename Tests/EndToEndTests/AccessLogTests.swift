import CDNCore
import EdgeNode
import EdgesimTestSupport
import Foundation
import Testing

/// CloudFront's standard access log and a real-time log, written by a real edge for requests
/// made with curl over HTTP/1.1 and HTTPS (HTTP/2), read back as Athena reads the files.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct AccessLogTests {
    static let domain = "logs.example.test"
    static let distribution = "E2ACCESSLOG01"

    /// The columns of the Athena table AWS documents for standard logs, in file order.
    static let athenaColumns = [
        "date", "time", "location", "bytes", "request_ip", "method", "host", "uri", "status", "referrer", "user_agent", "query_string",
        "cookie", "result_type", "request_id", "host_header", "request_protocol", "request_bytes", "time_taken", "xforwarded_for",
        "ssl_protocol", "ssl_cipher", "response_result_type", "http_version", "fle_status", "fle_encrypted_fields", "c_port",
        "time_to_first_byte", "x_edge_detailed_result_type", "sc_content_type", "sc_content_len", "sc_range_start", "sc_range_end",
    ]

    static func topology(realtimeLog: URL) throws -> URL {
        let folder = URL.scratchFolder("access-log")
        try folder.write(files: ["site/index.html": "<h1>logged</h1>\n", "site/api/items": "[1, 2]\n"])
        return try folder.writeTokyoTopology(
            name: "access-log",
            origins: "site: { location: tokyo, static: site }",
            """
            realtime_log_configs:
              api-sample:
                fields: [cs-method, sc-status, timestamp, cs-uri-stem, x-edge-result-type, c-ip]
                sampling_rate: 100
                destination: \(realtimeLog.path)
            distributions:
              \(distribution):
                domain: \(domain)
                origins: [site]
                logging: { bucket: logs-bucket.s3.amazonaws.com, prefix: cf/, include_cookies: true }
                behaviors:
                  - { path: /api/*, origin: site, realtime_log_config: api-sample }
            """
        )
    }

    /// One logged request: what curl sent and saw.
    struct Sent {
        var path: String
        var requestID: String
        var status: Int
        var https: Bool
        var httpVersion: String
        var localPort: Int
        var sizeDownloaded: Int
    }

    static func send(_ network: RunningNetwork, _ path: String, https: Bool, _ options: [String] = []) async throws -> Sent {
        let result = try await HTTPSTests.curl(
            network,
            domain,
            path,
            https: https,
            options + ["-D", "-", "-o", "/dev/null", "-w", "%{http_code} %{http_version} %{local_port} %{size_header}"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\r\n")
        let id = lines.first { $0.lowercased().hasPrefix("x-amz-cf-id:") }.map { String($0.dropFirst(12)).trimmingCharacters(in: .whitespaces) }
        let figures = (lines.last ?? "").split(separator: " ").map(String.init)
        return Sent(
            path: path,
            requestID: try #require(id, "no X-Amz-Cf-Id in \(result.stdout)"),
            status: Int(figures[figures.count - 4]) ?? 0,
            https: https,
            httpVersion: figures[figures.count - 3],
            localPort: Int(figures[figures.count - 2]) ?? 0,
            sizeDownloaded: Int(figures[figures.count - 1]) ?? 0
        )
    }

    @Test func everyEdgeWritesCloudFrontsStandardLogAndTheRealTimeLog() async throws {
        let scratch = URL.scratchFolder("access-log-out")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let realtimeLog = scratch.appendingPathComponent("realtime/api.log")
        let stateDirectory = scratch.appendingPathComponent("state")
        let network = try await RunningNetwork.start(try Self.topology(realtimeLog: realtimeLog).path, stateDirectory: stateDirectory)
        var sent: [Sent] = []
        var followed = ""
        do {
            let browser = ["-A", "Mozilla/5.0 (edgesim test)", "-e", "https://ref.example.test/a page", "-b", "session=abc; theme=dark"]
            sent.append(try await Self.send(network, "/index.html?q=a%3Db&lang=ja", https: false, browser))
            sent.append(try await Self.send(network, "/index.html?q=a%3Db&lang=ja", https: false, browser))
            sent.append(try await Self.send(network, "/index.html", https: true))
            sent.append(try await Self.send(network, "/missing.html", https: false))
            sent.append(try await Self.send(network, "/api/items", https: false))
            // `logs --access` reads the files being written (the writer flushes each second).
            try await Task.sleep(for: .seconds(2))
            let live = try await CLI.run(["logs", "--access", Self.distribution, "--state-dir", stateDirectory.path])
            #expect(live.status == 0, "\(live.stderr)")
            followed = live.stdout
        } catch {
            Issue.record(error)
            Issue.record("the network's logs:\n\(network.logs())")
        }
        let survivors = await network.stop()
        #expect(survivors.isEmpty)
        #expect(sent.map(\.status) == [200, 200, 200, 404, 200])

        // While the network ran: the header once, then a line per request.
        #expect(followed.hasPrefix(StandardLogFormat.header), "\(followed.prefix(300))")
        #expect(followed.split(separator: "\n").count == 2 + sent.count, "\(followed)")

        // Once the edge stops, its file is rolled: gzipped, named as CloudFront names it.
        let bucket = stateDirectory.appendingPathComponent("access-logs/logs-bucket.s3.amazonaws.com/cf")
        let names = try FileManager.default.contentsOfDirectory(atPath: bucket.path)
        #expect(names.count == 1, "\(names)")
        let name = try #require(names.first)
        #expect(name.wholeMatch(of: /E2ACCESSLOG01\.\d{4}-\d{2}-\d{2}-\d{2}\.NRT50-[A-Z0-9]{8}\.gz/) != nil, "\(name)")
        let text = try StandardLogFiles.text(of: bucket.appendingPathComponent(name).path)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.first == "#Version: 1.0")
        #expect(lines.dropFirst().first == "#Fields: " + StandardLogFormat.fields.joined(separator: " "))

        // Each line, read into Athena's columns, against the request that made it.
        let rows = lines.dropFirst(2).map { line in
            Dictionary(uniqueKeysWithValues: zip(Self.athenaColumns, line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)))
        }
        #expect(rows.allSatisfy { $0.count == 33 })
        let byID = Dictionary(rows.map { ($0["request_id"] ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        let viewer = try #require(network.state.viewer("tokyo-home"))
        let today = ISO8601DateFormatter().string(from: Date()).prefix(10)
        let expectedResults = ["Miss", "Hit", "Hit", "Error", "Miss"]
        for (index, request) in sent.enumerated() {
            let row = try #require(byID[request.requestID], "no line for \(request.path) (\(request.requestID))")
            let stem = String(request.path.prefix { $0 != "?" })
            #expect(row["date"] == String(today))
            #expect(row["time"]?.wholeMatch(of: /\d{2}:\d{2}:\d{2}/) != nil)
            #expect(row["location"] == "NRT50")
            #expect(row["request_ip"] == viewer.address)
            #expect(row["c_port"] == String(request.localPort))
            #expect(row["host"] == Self.domain)
            #expect(row["host_header"]?.hasPrefix(Self.domain) == true)
            #expect(row["uri"] == stem)
            #expect(row["status"] == String(request.status))
            #expect(row["result_type"] == expectedResults[index], "\(request.path): \(row["result_type"] ?? "")")
            #expect(row["response_result_type"] == expectedResults[index])
            #expect(row["x_edge_detailed_result_type"] == expectedResults[index])
            #expect(row["request_protocol"] == (request.https ? "https" : "http"))
            #expect(row["http_version"] == (request.https ? "HTTP/2.0" : "HTTP/1.1"))
            #expect(row["ssl_protocol"] == (request.https ? "TLSv1.3" : "-"))
            #expect(Int(row["bytes"] ?? "") ?? 0 >= request.sizeDownloaded, "\(row["bytes"] ?? "") < \(request.sizeDownloaded)")
            #expect(Int(row["request_bytes"] ?? "") ?? 0 > stem.count)
            #expect(row["time_taken"]?.wholeMatch(of: /\d+\.\d{3}/) != nil)
            #expect(row["time_to_first_byte"]?.wholeMatch(of: /\d+\.\d{3}/) != nil)
            #expect(row["xforwarded_for"] == "-" && row["fle_status"] == "-" && row["fle_encrypted_fields"] == "-")
            #expect(row["sc_range_start"] == "-" && row["sc_range_end"] == "-")
        }
        // What the browser-like requests sent, encoded as CloudFront encodes it.
        let first = try #require(byID[sent[0].requestID])
        #expect(first["query_string"] == "q=a%253Db&lang=ja")
        #expect(first["user_agent"] == "Mozilla/5.0%20(edgesim%20test)")
        #expect(first["referrer"] == "https://ref.example.test/a%20page")
        #expect(first["cookie"] == "session=abc;%20theme=dark")
        #expect(first["sc_content_type"]?.hasPrefix("text/html") == true, "\(first["sc_content_type"] ?? "")")
        #expect(first["sc_content_len"] == "16")
        #expect(byID[sent[2].requestID]?["query_string"] == "-" && byID[sent[2].requestID]?["cookie"] == "-")

        // The real-time log: the one /api/ request, its fields in CloudFront's order.
        let realtime = try String(contentsOf: realtimeLog, encoding: .utf8).split(separator: "\n")
        #expect(realtime.count == 1, "\(realtime)")
        let fields = realtime.first?.split(separator: "\t").map(String.init) ?? []
        #expect(fields.count == 6)
        #expect(fields.first?.wholeMatch(of: /\d{10}\.\d{3}/) != nil, "timestamp first: \(fields)")
        #expect(Array(fields.dropFirst()) == [viewer.address, "200", "GET", "/api/items", "Miss"], "\(fields)")
    }
}
