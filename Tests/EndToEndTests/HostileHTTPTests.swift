import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing

/// Requests no well-behaved client sends, over raw sockets, at an edge and at the built-in
/// origin: each gets a clean answer or a closed connection, nothing reaches past what it should,
/// and the node keeps serving.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct HostileHTTPTests {
    static let domain = "hostile.example.test"

    /// A site with a secret beside it and symlinks that point out of it.
    static func topology() throws -> URL {
        let folder = URL.scratchFolder("hostile")
        try folder.write(files: [
            "site/index.html": "<h1>hostile</h1>\n", "site/split/x.txt": "split\n", "outside/secret.txt": "SECRET\n",
            "fn/split/index.js": """
            exports.handler = async (event) => {
              const response = event.Records[0].cf.response;
              response.headers['x-split'] = [{ key: 'X-Split', value: 'a\\r\\nSet-Cookie: injected=1' }];
              return response;
            };
            """,
        ])
        let site = folder.appendingPathComponent("site")
        try FileManager.default.createSymbolicLink(atPath: site.appendingPathComponent("leak.txt").path, withDestinationPath: "../outside/secret.txt")
        try FileManager.default.createSymbolicLink(
            atPath: site.appendingPathComponent("escape").path,
            withDestinationPath: folder.appendingPathComponent("outside").path
        )
        try FileManager.default.createSymbolicLink(atPath: site.appendingPathComponent("inside.html").path, withDestinationPath: "index.html")
        return try folder.writeTokyoTopology(
            name: "hostile",
            origins: "site: { location: tokyo, static: site, cache_control: \"max-age=60\" }",
            """
            functions:
              split: { runtime: nodejs, handler: index.handler, code: fn/split }
            distributions:
              E2HOSTILE0001:
                domain: \(domain)
                origins: [site]
                behaviors:
                  - { path: /split/*, origin: site, functions: { viewer-response: "split:1" } }
                  - { path: "*", origin: site }
            """
        )
    }

    static func exchange(_ network: RunningNetwork, _ text: String, node: String = "NRT50") async throws -> String {
        let target = try network.node(node)
        return try await RawConnection.exchange(text, host: target.host, port: target.port)
    }

    @Test func smugglingFloodsAndMalformedTargetsGetA400AndAClose() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let host = "Host: \(Self.domain)\r\n"
            let refused = [
                "POST / HTTP/1.1\r\n\(host)Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n",
                "POST / HTTP/1.1\r\n\(host)Content-Length: 4\r\nContent-Length: 40\r\n\r\nabcd",
                "GET / HTTP/1.1\r\n\(host)X-Folded: a\r\n b\r\n\r\n",
                "GET / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n",
                "GET index.html HTTP/1.1\r\n\(host)\r\n",
                "GET / HTTP/1.1\r\n\(host)X-Bad: a\u{0}b\r\n\r\n",
            ]
            for request in refused {
                let answer = try await Self.exchange(network, request)
                #expect(answer.hasPrefix("HTTP/1.1 400 "), "\(request.debugDescription) → \(answer.prefix(120))")
                #expect(!answer.contains("/smuggled") && answer.components(separatedBy: "HTTP/1.1 ").count == 2, "one answer, then the close")
            }
            // A head past CloudFront's 20,480 bytes, made of many small fields: 413 and a close.
            let flood = (0..<2_500).map { "X-\($0): v\r\n" }.joined()
            let flooded = try await Self.exchange(network, "GET / HTTP/1.1\r\n\(host)\(flood)\r\n")
            #expect(flooded.hasPrefix("HTTP/1.1 413 "), "\(flooded.prefix(120))")
            // A body declared past the 64 MB the edge holds: 413 before any of it is read.
            let oversize = try await Self.exchange(network, "POST / HTTP/1.1\r\n\(host)Content-Length: 67108865\r\n\r\nfirst bytes")
            #expect(oversize.hasPrefix("HTTP/1.1 413 ") && oversize.contains("larger than 67108864 bytes"), "\(oversize.prefix(200))")

            // An absolute-form target is read as its origin form, for the distribution it names.
            let absolute = try await Self.exchange(
                network,
                "GET http://\(Self.domain)/index.html HTTP/1.1\r\n\(host)Connection: close\r\n\r\n"
            )
            #expect(absolute.hasPrefix("HTTP/1.1 200 ") && absolute.contains("<h1>hostile</h1>"), "\(absolute.prefix(200))")
            #expect(try await network.request("/index.html", from: "tokyo-home").status == 200, "the edge keeps serving")
        }
    }

    @Test func theBuiltInOriginServesNothingOutsideItsFolder() async throws {
        try await withNetwork(try Self.topology().path) { network in
            for path in [
                "/../outside/secret.txt", "/%2e%2e/outside/secret.txt", "/%252e%252e/outside/secret.txt", "/..%2foutside/secret.txt",
                "/leak.txt", "/escape/secret.txt", "//etc/hostname", "/%2fetc/hostname",
            ] {
                let answer = try await Self.exchange(network, "GET \(path) HTTP/1.1\r\nHost: site\r\nConnection: close\r\n\r\n", node: "site")
                #expect(!answer.contains("SECRET") && !answer.hasPrefix("HTTP/1.1 200"), "\(path) → \(answer.prefix(160))")
            }
            // A symlink that stays inside the folder is served, through the edge too.
            let inside = try await network.request("/inside.html", from: "tokyo-home")
            #expect(inside.status == 200 && String(buffer: inside.body) == "<h1>hostile</h1>\n")
            let leak = try await network.request("/leak.txt", from: "tokyo-home")
            #expect(leak.status == 404 || leak.status == 403, "\(leak.status)")
            #expect(!String(buffer: leak.body).contains("SECRET"))
        }
    }

    @Test func aHandlersCRLFIsAValidationErrorNeverASplitResponse() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let answer = try await Self.exchange(network, "GET /split/x.txt HTTP/1.1\r\nHost: \(Self.domain)\r\nConnection: close\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 502 "), "\(answer.prefix(200))")
            #expect(!answer.lowercased().contains("set-cookie: injected"), "\(answer)")
            #expect(answer.contains("X-Cache: LambdaValidationError from cloudfront"), "\(answer.prefix(400))")
            #expect(try await network.request("/index.html", from: "tokyo-home").status == 200)
        }
    }

    /// Connections that send half a head and stall hold a connection each and nothing else:
    /// requests on other connections are answered at once.
    @Test func stalledClientsDoNotStopTheEdge() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let edge = try network.node("NRT50")
            var stalled: [any Channel] = []
            defer { for channel in stalled { channel.close(promise: nil) } }
            for _ in 0..<64 {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: edge.host, port: edge.port).get()
                try await channel.writeAndFlush(ByteBuffer(string: "GET /index.html HTTP/1.1\r\nHost: \(Self.domain)\r\nX-Slow: ")).get()
                stalled.append(channel)
            }
            for _ in 0..<5 {
                let answer = try await network.request("/index.html", from: "tokyo-home")
                #expect(answer.status == 200)
            }
            let held = stalled.filter { $0.isActive }.count
            #expect(held == stalled.count, "a stalled connection is held until its head timeout (20 s)")
        }
    }
}
