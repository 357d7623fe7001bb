import CDNCore
import EdgesimTestSupport
import Foundation
import Testing

/// Origins spoken to over HTTPS: a URL origin whose certificate chains to the network's CA, one
/// whose certificate does not (CloudFront's 502), and a match-viewer origin that gets each
/// viewer's own protocol.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct HTTPSOriginTests {
    static let domain = "d1httpsorigin1.cloudfront.net"

    @Test func originsOverHTTPSAreVerifiedAndMatchViewerFollowsTheViewersProtocol() async throws {
        // The network's CA exists before `up` (which keeps it), so the origins can hold
        // certificates it issued; the untrusted one's comes from a CA nobody trusts.
        let state = RunningNetwork.scratchDirectory()
        let files = TLSFiles(stateDirectory: state.path)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-https-origin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let networkCA = try CertificateAuthority(name: "test network CA")
        try networkCA.write(certificateFile: files.authorityCertificate, keyFile: files.authorityKey)
        func certificate(_ name: String, by ca: CertificateAuthority) throws -> (chain: String, key: String) {
            let issued = try ca.issue(names: ["localhost"])
            let chain = folder.appendingPathComponent("\(name).pem").path
            let key = folder.appendingPathComponent("\(name)-key.pem").path
            try Data(issued.chainPEM.utf8).write(to: URL(fileURLWithPath: chain))
            try Data(issued.keyPEM.utf8).write(to: URL(fileURLWithPath: key))
            return (chain, key)
        }
        let content = ["m/https.txt": "over https\n", "m/http.txt": "over https\n"]
        let trusted = try PythonHTTPServer.start(tls: try certificate("trusted", by: networkCA), files: content)
        defer { trusted.stop() }
        let untrusted = try PythonHTTPServer.start(tls: try certificate("untrusted", by: try CertificateAuthority(name: "stranger")))
        defer { untrusted.stop() }
        let plain = try PythonHTTPServer.start(files: ["m/https.txt": "over http\n", "m/http.txt": "over http\n"])
        defer { plain.stop() }

        try folder.write(files: [
            "site/index.html": "home\n",
            "network.yaml": """
            name: https-origins
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
            origins:
              site: { location: tokyo, static: site }
              secure: { location: tokyo, url: "https://localhost:\(trusted.port)" }
              stranger: { location: tokyo, url: "https://localhost:\(untrusted.port)" }
              either: { location: tokyo, url: "https://localhost:\(trusted.port)", protocol_policy: match-viewer, http_port: \(plain.port) }
            viewers:
              tokyo-home: { location: tokyo }
            distributions:
              E2HTTPSORIGIN1:
                domain: \(Self.domain)
                origins: [site, secure, stranger, either]
                behaviors:
                  - { path: /down/*, origin: secure }
                  - { path: /bad/*, origin: stranger }
                  - { path: /m/*, origin: either }
            """,
        ])
        try await withNetwork(folder.appendingPathComponent("network.yaml").path, stateDirectory: state) { network in
            let verified = try await HTTPSTests.curl(network, Self.domain, "/down/hello.txt", https: false, ["-i"])
            #expect(verified.stdout.hasPrefix("HTTP/1.1 200"), "\(verified.stdout)")
            #expect(verified.stdout.hasSuffix("hello from python\n"), "\(verified.stdout)")

            let refused = try await HTTPSTests.curl(network, Self.domain, "/bad/x.txt", https: false, ["-i"])
            #expect(refused.stdout.hasPrefix("HTTP/1.1 502"), "a certificate no trusted CA issued: \(refused.stdout)")
            #expect(refused.stdout.contains("X-Cache: Error from cloudfront"), "\(refused.stdout)")

            // match-viewer: an HTTPS viewer's miss goes to the origin's HTTPS port, a plain one's
            // to its HTTP port (through the hub both ways).
            let overTLS = try await HTTPSTests.curl(network, Self.domain, "/m/https.txt")
            #expect(overTLS.stdout == "over https\n", "\(overTLS)")
            let overPlain = try await HTTPSTests.curl(network, Self.domain, "/m/http.txt", https: false)
            #expect(overPlain.stdout == "over http\n", "\(overPlain)")
        }
    }
}
