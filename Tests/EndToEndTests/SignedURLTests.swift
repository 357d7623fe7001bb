import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import Testing

/// Signed URLs and cookies through a real edge: a key group from PEM files openssl made, URLs
/// and cookies from `edgesim sign`, CloudFront's 403s, and the parameters kept out of the
/// cache key.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct SignedURLTests {
    static let domain = "d1signed00001.cloudfront.net"

    /// Runs openssl, failing the test on an error.
    static func openssl(_ arguments: [String]) async throws {
        let result = try await CLI.run(external: "/usr/bin/openssl", arguments)
        #expect(result.status == 0, "openssl \(arguments): \(result.stderr)")
    }

    static func topology() async throws -> URL {
        let folder = URL.scratchFolder("signed")
        try folder.write(files: ["site/index.html": "<h1>home</h1>\n", "site/paid/video.txt": "the paid video\n"])
        let key = folder.appendingPathComponent("private.pem").path
        try await openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key])
        try await openssl(["pkey", "-in", key, "-pubout", "-out", folder.appendingPathComponent("public.pem").path])
        let origins = """
            site: { location: tokyo, static: site }
            """
        let rest = """
            key_groups:
              paid: { public_keys: { K2JCJMDEHXQW5F: public.pem } }
            distributions:
              E2SIGNED00001:
                domain: \(domain)
                origins: [site]
                behaviors:
                  - { path: /paid/*, origin: site, trusted_key_groups: [paid] }
            """
        return try folder.writeTokyoTopology(name: "signed", origins: origins, rest)
    }

    /// `edgesim sign` for the paid video.
    static func sign(_ folder: URL, _ extra: [String]) async throws -> String {
        let result = try await CLI.run(
            [
                "sign", "http://\(domain)/paid/video.txt", "--key-pair-id", "K2JCJMDEHXQW5F", "--private-key",
                folder.appendingPathComponent("private.pem").path,
            ]
                + extra
        )
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func onlySignedRequestsReachAProtectedBehavior() async throws {
        let file = try await Self.topology()
        let folder = file.deletingLastPathComponent()
        try await withNetwork(file.path) { network in
            #expect(try await network.request("/index.html", from: "tokyo-home").status == 200)
            let unsigned = try await network.request("/paid/video.txt", from: "tokyo-home")
            #expect(unsigned.status == 403 && unsigned.header("Content-Type") == "text/xml")
            #expect(String(buffer: unsigned.body).contains("<Code>MissingKey</Code>"), "\(String(buffer: unsigned.body))")

            // A signed URL, twice with different signatures: CloudFront's parameters are not in
            // the cache key, so the second is a hit.
            let signed = try await Self.sign(folder, ["--expires", "+1h"])
            let target = String(signed.dropFirst("http://\(Self.domain)".count))
            let first = try await network.request(target, from: "tokyo-home")
            #expect(first.status == 200 && String(buffer: first.body) == "the paid video\n", "\(first.status) \(String(buffer: first.body))")
            let custom = try await Self.sign(folder, ["--expires", "+2h", "--ip-address", "127.0.0.0/8"])
            let second = try await network.request(String(custom.dropFirst("http://\(Self.domain)".count)), from: "tokyo-home")
            #expect(second.status == 200 && second.header("X-Cache") == "Hit from cloudfront", "\(second.status)")

            // Expired, and tampered with.
            let expired = try await Self.sign(folder, ["--expires", "1000000000"])
            let late = try await network.request(String(expired.dropFirst("http://\(Self.domain)".count)), from: "tokyo-home")
            #expect(late.status == 403 && String(buffer: late.body).contains("<Code>AccessDenied</Code>"))
            #expect(late.header("Server-Timing")?.contains("the URL expired") == true, "\(late.header("Server-Timing") ?? "")")
            #expect(try await network.request(target + "&extra=1", from: "tokyo-home").status == 403)

            // Signed cookies, as `edgesim sign --cookies` gives them to curl.
            let cookies = try await Self.sign(folder, ["--expires", "+1h", "--cookies"])
            let value = try #require(cookies.split(separator: "'").dropFirst().first.map(String.init), "\(cookies)")
            let withCookies = try await network.request("/paid/video.txt", from: "tokyo-home", headers: [("Cookie", value)])
            #expect(withCookies.status == 200, "\(withCookies.status) \(String(buffer: withCookies.body))")
            #expect(try await network.counter("edgesim_signed_url_denials_total", of: "NRT50") == 3)
        }
    }
}
