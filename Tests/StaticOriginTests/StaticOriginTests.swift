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
        let services = StaticOrigin.build(
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

    @Test func aURLOriginIsNotOneToRun() throws {
        let tokyo = Location(name: "tokyo", coordinate: GeoPoint(latitude: 35.68, longitude: 139.65))
        let url = OriginSpec(id: "api", location: tokyo, kind: .url("http://127.0.0.1:9000"))
        #expect(throws: OriginSettingsError.self) { try OriginSettings(url) }
        let folder = OriginSpec(id: "site", location: tokyo, kind: .staticFolder(path: "/srv/site"), cacheControl: "max-age=5")
        let settings = try OriginSettings(folder)
        #expect(settings.folder == "/srv/site" && settings.cacheControl == "max-age=5")
    }
}
