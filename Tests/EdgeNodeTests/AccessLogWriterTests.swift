import CDNCore
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
import Topology

@testable import EdgeNode

/// The standard log's encoding and files, and the real-time log's lines, without a network.
@Suite struct AccessLogWriterTests {
    static func record(at date: Date, path: String = "/a b.html", query: String? = "x=%3D") -> AccessRecord {
        var record = AccessRecord(
            distributionID: "E2ACCESSLOG01",
            distributionDomain: "d1.cloudfront.net",
            edgeLocation: "NRT50",
            standard: true,
            realtimeConfig: "rt",
            clientIP: "127.0.1.1",
            clientPort: 50_123,
            method: "GET",
            hostHeader: "www.example.test",
            uriStem: path,
            query: query,
            requestFields: [.userAgent: "curl/8.0 \"quoted\"", .cookie: "a=1", .accept: "*/*"],
            includesCookies: false,
            scheme: "https",
            protocolVersion: "HTTP/2.0",
            status: 206,
            resultType: "Miss",
            responseResultType: "Miss",
            detailedResultType: "OriginShieldHit",
            requestID: "abc123==",
            contentType: "text/html",
            contentLength: 100,
            contentRange: "bytes 100-199/1000",
            country: "JP",
            pathPattern: "*",
            arrived: .now
        )
        record.complete(sent: 512, received: 80, tlsProtocol: "TLSv1.3")
        record.finished = date
        record.timeTaken = .milliseconds(82)
        record.timeToFirstByte = .microseconds(1500)
        return record
    }

    /// 2026-12-03 17:59:59 UTC.
    static let lastSecondOfAnHour = Date(timeIntervalSince1970: 1_796_320_799)

    @Test func aLineHasCloudFrontsFieldsAndEncoding() {
        let fields = StandardLogFormat.line(Self.record(at: Self.lastSecondOfAnHour)).split(separator: "\t", omittingEmptySubsequences: false)
        #expect(fields.count == StandardLogFormat.fields.count)
        let named = Dictionary(uniqueKeysWithValues: zip(StandardLogFormat.fields, fields.map(String.init)))
        #expect(named["date"] == "2026-12-03" && named["time"] == "17:59:59")
        #expect(named["cs-uri-stem"] == "/a%20b.html")
        #expect(named["cs-uri-query"] == "x=%253D")
        #expect(named["cs(User-Agent)"] == "curl/8.0%20%22quoted%22")
        #expect(named["cs(Cookie)"] == "-", "cookies are logged only with include_cookies")
        #expect(named["time-taken"] == "0.082" && named["time-to-first-byte"] == "0.002")
        #expect(named["sc-range-start"] == "100" && named["sc-range-end"] == "199")
        #expect(named["ssl-protocol"] == "TLSv1.3" && named["ssl-cipher"] == "-")
        #expect(named["x-edge-detailed-result-type"] == "OriginShieldHit")
        #expect(named["c-port"] == "50123" && named["sc-bytes"] == "512" && named["cs-bytes"] == "80")
        #expect(StandardLogFormat.encode("") == "-")
        #expect(StandardLogFormat.encode("é{}") == "%C3%A9%7B%7D")
    }

    @Test func filesAreHourlyAndGzippedOnceTheirHourIsOver() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-access-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        let logging = StandardLogging(bucket: "logs.s3.amazonaws.com", prefix: "cf/")
        let settings = AccessLogWriter.Settings(edge: "NRT50", stateDirectory: state.path, standard: ["E2ACCESSLOG01": logging], realtime: [:])
        var writer = StandardLogWriter(settings: settings, logger: Logger(label: "test"))
        let files = StandardLogFiles(stateDirectory: state.path)
        let folder = files.folder(for: logging)
        func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

        writer.write([Self.record(at: Self.lastSecondOfAnHour)], now: Self.lastSecondOfAnHour)
        let open = try names()
        #expect(open.count == 1 && open[0].hasPrefix("E2ACCESSLOG01.2026-12-03-17.NRT50-") && !open[0].hasSuffix(".gz"), "\(open)")

        // The next hour's request opens the next file; the last hour's is rolled.
        let next = Self.lastSecondOfAnHour.addingTimeInterval(2)
        writer.write([Self.record(at: next, path: "/b")], now: next)
        let rolled = try names()
        #expect(rolled.count == 2 && rolled[0].hasSuffix(".gz") && rolled[1].contains(".2026-12-03-18.") && !rolled[1].hasSuffix(".gz"), "\(rolled)")
        writer.rollAll()
        #expect(try names().allSatisfy { $0.hasSuffix(".gz") })

        // Read back whole, in hour order, by the reader `edgesim logs --access` uses.
        let found = files.files(distribution: "E2ACCESSLOG01")
        #expect(found.count == 2)
        let texts = try found.map { try StandardLogFiles.text(of: $0.path) }
        #expect(texts.allSatisfy { $0.hasPrefix(StandardLogFormat.header) && $0.split(separator: "\n").count == 3 })
        #expect(texts[1].contains("\t/b\t"))
        #expect(files.files(distribution: "E2OTHER000001").isEmpty)
    }

    @Test func realTimeLinesGoToATCPSocketInCloudFrontsOrder() async throws {
        let received = Received()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.pipeline.addHandler(Collector(received: received)) }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let config = RealtimeLogConfig(
            name: "rt",
            fields: [.country, .status, .timestamp, .uriStem, .headersCount],
            samplingRate: 100,
            destination: .tcp(host: "127.0.0.1", port: port)
        )
        let writer = RealtimeLogWriter(configs: ["rt": config], stateDirectory: "/tmp", logger: Logger(label: "test"))
        await writer.write([Self.record(at: Self.lastSecondOfAnHour), Self.record(at: Self.lastSecondOfAnHour, path: "/second")])
        await writer.close()
        for _ in 0..<100 where received.text.withLock { $0.split(separator: "\n").count } < 2 { try await Task.sleep(for: .milliseconds(20)) }
        let lines = received.text.withLock { $0 }.split(separator: "\n")
        #expect(lines.first == "1796320799.000\t206\t/a%20b.html\tJP\t3", "\(lines)")
        #expect(lines.count == 2 && lines[1].contains("/second"))
    }

    final class Received: Sendable {
        let text = Mutex("")
    }

    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received: Received
        init(received: Received) { self.received = received }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data))
            received.text.withLock { $0 += text }
        }
    }
}
