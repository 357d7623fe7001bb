import CDNCore
import EdgesimTestSupport
import Foundation
import HTTPTypes
import Logging
import NIOCore
import ServiceLifecycle
import Testing
import Topology

@testable import StaticOrigin

/// The built-in origin, built as the CLI builds it and run in this process on ephemeral ports.
@Suite struct StaticOriginTests {
    @Test func servesTheFolderS3StyleWithTheTopologysCacheControl() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-origin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("<h1>hi</h1>\n".utf8).write(to: folder.appendingPathComponent("index.html"))
        let ports = AsyncStream.makeStream(of: (Int, Int).self)
        var logger = Logger(label: "origin-test")
        logger.logLevel = .warning
        let services = try StaticOrigin.build(
            OriginSettings(id: "site", folder: folder.path, cacheControl: "public, max-age=60"),
            onReady: { ports.continuation.yield(($0, $1)) },
            logger: logger
        )
        try await withServicesRunning(services, logger: logger) {
            var next = ports.stream.makeAsyncIterator()
            let (port, adminPort) = try #require(await next.next())

            let page = try await ViewerClient.get(port: port, path: "/index.html", from: nil)
            #expect(page.status == 200 && page.header("Cache-Control") == "public, max-age=60")
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true && page.header("ETag") != nil)
            let etag = try #require(page.header("ETag"))
            let revalidated = try await ViewerClient.get(port: port, path: "/index.html", from: nil, headers: [("If-None-Match", etag)])
            #expect(revalidated.status == 304)
            let range = try await ViewerClient.get(port: port, path: "/index.html", from: nil, headers: [("Range", "bytes=0-3")])
            #expect(range.status == 206 && range.body.readableBytes == 4)
            let missing = try await ViewerClient.get(port: port, path: "/nope", from: nil)
            #expect(missing.status == 404 && missing.header("Cache-Control") == nil)
            let health = try await ViewerClient.get(port: adminPort, path: "/health", from: nil)
            #expect(health.status == 200)
            let metrics = try await ViewerClient.get(port: adminPort, path: "/metrics", from: nil)
            let text = String(buffer: metrics.body)
            #expect(text.contains("result=\"Origin\""), "\(text)")
        }
    }

    @Test func onePortAnswersHTTPSUnderTheNetworkCAsCertificateAndPlainHTTP() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-origin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("site"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("<h1>hi</h1>\n".utf8).write(to: folder.appendingPathComponent("site/index.html"))
        let minimal = CLI.packageRoot.appendingPathComponent("topologies/minimal.yaml").path
        let topology = try #require(TopologyLoader.check(path: minimal).topology)
        let files = TLSFiles(stateDirectory: folder.appendingPathComponent("state").path)
        try files.prepare(for: topology)
        var settings = OriginSettings(id: "site", folder: folder.appendingPathComponent("site").path)
        settings.tlsFiles = files
        let ports = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "origin-test")
        logger.logLevel = .warning
        let services = try StaticOrigin.build(settings, onReady: { port, _ in ports.continuation.yield(port) }, logger: logger)
        try await withServicesRunning(services, logger: logger) {
            var next = ports.stream.makeAsyncIterator()
            let port = try #require(await next.next())
            let tls = try ViewerTLSClient(certificateAuthority: files.authorityCertificate, serverName: "site.s3.amazonaws.com")
            let secure = try await ViewerClient.get(port: port, path: "/index.html", from: nil, tls: tls)
            #expect(secure.status == 200 && String(buffer: secure.body) == "<h1>hi</h1>\n")
            let plain = try await ViewerClient.get(port: port, path: "/index.html", from: nil)
            #expect(plain.status == 200 && String(buffer: plain.body) == "<h1>hi</h1>\n")
            // Its certificate is for its S3-style domain, not any other name.
            let other = try ViewerTLSClient(certificateAuthority: files.authorityCertificate, serverName: "other.s3.amazonaws.com")
            await #expect(throws: (any Error).self) { _ = try await ViewerClient.get(port: port, path: "/", from: nil, tls: other) }
        }
    }

    @Test func aURLOriginIsNotOneToRun() throws {
        let tokyo = Location(name: "tokyo", coordinate: GeoPoint(latitude: 35.68, longitude: 139.65))
        let url = OriginSpec(id: "api", location: tokyo, kind: .url("http://127.0.0.1:9000"))
        #expect(throws: OriginSettingsError.self) { try OriginSettings(url) }
        let folder = OriginSpec(id: "site", location: tokyo, kind: .staticFolder(path: "/srv/site"), cacheControl: "max-age=5")
        let settings = try OriginSettings(folder)
        #expect(settings.folder == "/srv/site" && settings.cacheControl == "max-age=5")
    }
}
