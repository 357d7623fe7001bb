import CDNCore
import Crypto
import EdgesimTestSupport
import Foundation
import SwiftASN1
import Testing
import X509

/// HTTPS at the edges, driven with curl as a user would: the network's CA, SNI, HTTP/2 by
/// ALPN, the viewer protocol policies, the security policy, and the handshake's round trips on
/// the viewer's emulated link.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct HTTPSTests {
    static let main = "d1https000001.cloudfront.net"
    static let custom = "www.example.test"
    static let modern = "tls13.example.test"
    static let own = "own.example.test"
    static let alias = "cdn.alias.test"
    static let wildcardAlias = "shop.alias.test"

    /// One edge, four distributions: the main one with a default-style domain and a behavior
    /// per viewer protocol policy, one with its own domain (a certificate the network's CA
    /// issues), TLS 1.2 or newer and HTTP/1.1 only, one that accepts TLS 1.3 only, and one with
    /// the user's own certificate files, from a CA of theirs.
    static func topology() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-https-\(UUID().uuidString)")
        let issued = try CertificateAuthority(name: "user CA").issue(names: [own])
        try folder.write(files: [
            "own/chain.pem": issued.chainPEM,
            "own/key.pem": issued.keyPEM,
            "site/index.html": "<h1>home</h1>\n",
            "site/secure/a.txt": "secret\n",
            "site/moved/b.txt": "moved\n",
            "network.yaml": """
            name: https-e2e
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
            origins:
              site: { location: tokyo, static: site, cache_control: "public, max-age=60" }
            viewers:
              tokyo-home: { location: tokyo, access: 10 ms }
            distributions:
              E2HTTPS000001:
                domain: \(main)
                origins: [site]
                behaviors:
                  - { path: /secure/*, viewer_protocol_policy: https-only }
                  - { path: /moved/*, viewer_protocol_policy: redirect-to-https }
              E2HTTPS000002:
                domain: \(custom)
                aliases: [\(alias), "*.\(wildcardAlias)"]
                origins: [site]
                security_policy: TLSv1.2_2021
                http_versions: http1.1
              E2HTTPS000003:
                domain: \(modern)
                origins: [site]
                security_policy: TLSv1.3_2025
              E2HTTPS000004:
                domain: \(own)
                origins: [site]
                certificate: { chain: own/chain.pem, key: own/key.pem }
            """,
        ])
        return folder.appendingPathComponent("network.yaml")
    }

    /// curl from the viewer's address to the edge, trusting the network's CA; `name` is both
    /// the SNI and the Host.
    static func curl(
        _ network: RunningNetwork,
        _ name: String,
        _ path: String,
        https: Bool = true,
        _ options: [String] = []
    ) async throws -> CLI.Result {
        let edge = try network.node("NRT50")
        let viewer = try #require(network.state.viewer("tokyo-home"))
        let ca = try #require(network.state.certificateAuthority)
        let httpsPort = try #require(edge.httpsPort)
        let port = https ? httpsPort : edge.port
        let scheme = https ? "https" : "http"
        // Both ports resolve to the edge, so a redirect to HTTPS can be followed.
        let resolve = ["--resolve", "\(name):\(edge.port):\(edge.host)", "--resolve", "\(name):\(httpsPort):\(edge.host)"]
        let arguments =
            ["-sS", "--max-time", "20", "--interface", viewer.address, "--cacert", ca] + resolve + options + ["\(scheme)://\(name):\(port)\(path)"]
        return try await CLI.run(external: "/usr/bin/curl", arguments)
    }

    @Test func theEdgeServesHTTPSOverHTTP2AndHTTP11ToAClientThatTrustsTheNetworksCA() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let ca = try await CLI.run(["ca", "--state-dir", network.stateDirectory.path])
            #expect(ca.status == 0 && ca.stdout.hasSuffix("/tls/ca.pem\n"), "\(ca)")

            let h2 = try await Self.curl(network, Self.main, "/index.html", ["-i", "-w", "\n%{http_version}"])
            #expect(h2.status == 0, "\(h2.stderr)")
            #expect(h2.stdout.hasPrefix("HTTP/2 200"), "\(h2.stdout)")
            #expect(h2.stdout.contains("<h1>home</h1>"))
            #expect(h2.stdout.lowercased().contains("x-amz-cf-pop: nrt50"))
            #expect(h2.stdout.hasSuffix("\n2"))
            #expect(h2.stdout.contains(/via: 2\.0 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)/), "Via names the viewer's HTTP version")

            let h1 = try await Self.curl(network, Self.main, "/index.html", ["-i", "--http1.1"])
            #expect(h1.status == 0, "\(h1.stderr)")
            #expect(h1.stdout.hasPrefix("HTTP/1.1 200"), "\(h1.stdout)")
            #expect(h1.stdout.contains("X-Cache: Hit from cloudfront"), "the cache is shared by both protocols: \(h1.stdout)")

            // A distribution whose HTTP versions are http1.1 offers no HTTP/2 in ALPN.
            let only1 = try await Self.curl(network, Self.custom, "/index.html", ["-o", "/dev/null", "-w", "%{http_version}"])
            #expect(only1.status == 0 && only1.stdout == "1.1", "\(only1)")
        }
    }

    @Test func sniPicksTheDistributionsCertificateAndAnUnknownNameGetsTheDefaultOne() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let custom = try await Self.curl(network, Self.custom, "/index.html", ["-v", "-o", "/dev/null"])
            #expect(custom.status == 0, "\(custom.stderr)")
            #expect(custom.stderr.contains("subject: CN=\(Self.custom)"), "\(custom.stderr)")

            let main = try await Self.curl(network, Self.main, "/index.html", ["-v", "-o", "/dev/null"])
            #expect(main.stderr.contains("subject: CN=\(Self.main)"), "\(main.stderr)")

            // The user's own certificate, from their own CA: the network's CA does not vouch for it.
            let own = try await Self.curl(network, Self.own, "/index.html", ["-v", "-k", "-o", "/dev/null"])
            #expect(own.stderr.contains("subject: CN=\(Self.own)") && own.stderr.contains("CN=user CA"), "\(own.stderr)")

            // A cloudfront.net name no distribution has: the default certificate, which covers it.
            let other = try await Self.curl(network, "dzzzzzzzzzzzzz.cloudfront.net", "/index.html", ["-v", "-o", "/dev/null"])
            #expect(other.stderr.contains("subject: CN=*.cloudfront.net"), "\(other.stderr)")
            #expect(other.status == 0, "its name verifies against the wildcard: \(other.stderr)")

            // Any other name: the default certificate too, which a verifying client refuses.
            let stranger = try await Self.curl(network, "stranger.example.org", "/index.html", ["-v", "-o", "/dev/null"])
            #expect(stranger.status == 60, "curl's 'peer certificate cannot be authenticated': \(stranger.stderr)")
            #expect(stranger.stderr.contains("CN=*.cloudfront.net"), "\(stranger.stderr)")
        }
    }

    /// A distribution's aliases are names of its own: its certificate covers them, SNI and the
    /// Host pick it by them, and GeoDNS answers them (as a user's CNAME to it would resolve).
    @Test func aliasesAreServedUnderTheDistributionsCertificateSNIHostAndDNS() async throws {
        try await withNetwork(try Self.topology().path) { network in
            for name in [Self.alias, "a.\(Self.wildcardAlias)"] {
                // Verified against the network's CA under the alias; HTTP/1.1 only, as the
                // distribution (not the default context, which offers HTTP/2) says.
                let reply = try await Self.curl(network, name, "/index.html", ["-v", "-w", "%{http_version}"])
                #expect(reply.status == 0, "\(name): \(reply.stderr)")
                #expect(reply.stderr.contains("subject: CN=\(Self.custom)"), "\(name): \(reply.stderr)")
                #expect(reply.stdout.hasSuffix("<h1>home</h1>\n1.1"), "\(name): \(reply.stdout)")
            }
            // A wildcard alias covers one label, not two.
            let deeper = try await Self.curl(network, "a.b.\(Self.wildcardAlias)", "/index.html", ["-v", "-o", "/dev/null"])
            #expect(deeper.status == 60 && deeper.stderr.contains("CN=*.cloudfront.net"), "\(deeper.stderr)")

            // Over plain HTTP the Host picks the distribution among the four this edge serves.
            let plain = try await Self.curl(network, Self.alias, "/index.html", https: false, ["-i"])
            #expect(plain.stdout.hasPrefix("HTTP/1.1 200"), "\(plain.stdout)")
            let unknown = try await Self.curl(network, "nobody.alias.test", "/index.html", https: false, ["-i"])
            #expect(unknown.stdout.hasPrefix("HTTP/1.1 403"), "\(unknown.stdout)")

            let dns = try network.node("dns")
            let edge = try network.node("NRT50")
            #expect(try await GeoDNSTests.dig(dns.port, Self.alias) == [edge.host])
            #expect(try await GeoDNSTests.dig(dns.port, "x.\(Self.wildcardAlias)") == [edge.host])
        }
    }

    @Test func viewerProtocolPoliciesRedirectOrRefusePlainHTTPWithCloudFrontsStatuses() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let port = try #require(try network.node("NRT50").httpsPort)
            let format = ["-o", "/dev/null", "-w", "%{http_code} %{redirect_url}"]
            let get = try await Self.curl(network, Self.main, "/moved/b.txt?x=1", https: false, format)
            #expect(get.stdout == "301 https://\(Self.main):\(port)/moved/b.txt?x=1", "\(get)")
            let head = try await Self.curl(network, Self.main, "/moved/b.txt", https: false, ["-I"])
            #expect(head.stdout.hasPrefix("HTTP/1.1 301"), "\(head.stdout)")
            #expect(head.stdout.contains("X-Cache: Redirect from cloudfront"), "\(head.stdout)")

            let post = try await Self.curl(network, Self.main, "/moved/b.txt", https: false, ["-X", "POST", "-d", "x=1"] + format)
            #expect(post.stdout.hasPrefix("307 https://"), "\(post)")
            let old = try await Self.curl(network, Self.main, "/moved/b.txt", https: false, ["--http1.0", "-X", "POST", "-d", "x=1"] + format)
            #expect(old.stdout.hasPrefix("403"), "an HTTP/1.0 POST cannot follow a 307: \(old)")

            let followed = try await Self.curl(network, Self.main, "/moved/b.txt", https: false, ["-L", "-w", "%{http_code} %{scheme}"])
            #expect(followed.stdout == "moved\n200 HTTPS", "\(followed)")

            let refused = try await Self.curl(network, Self.main, "/secure/a.txt", https: false, format)
            #expect(refused.stdout.hasPrefix("403"), "\(refused)")
            let served = try await Self.curl(network, Self.main, "/secure/a.txt")
            #expect(served.stdout == "secret\n", "\(served)")
            let plain = try await Self.curl(network, Self.main, "/index.html", https: false, format)
            #expect(plain.stdout.hasPrefix("200"), "allow-all serves plain HTTP: \(plain)")
        }
    }

    @Test func theSecurityPolicyRefusesOlderTLSInTheHandshakeAndTheEdgeKeepsServing() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let tls11 = try await Self.curl(network, Self.custom, "/index.html", ["--tlsv1.1", "--tls-max", "1.1", "-o", "/dev/null"])
            #expect(tls11.status != 0, "TLSv1.2_2021 refuses TLS 1.1: \(tls11)")
            let tls12 = try await Self.curl(network, Self.modern, "/index.html", ["--tls-max", "1.2", "-o", "/dev/null"])
            #expect(tls12.status != 0, "TLSv1.3_2025 refuses TLS 1.2: \(tls12)")
            let tls13 = try await Self.curl(network, Self.modern, "/index.html", ["-o", "/dev/null", "-w", "%{http_code}"])
            #expect(tls13.stdout == "200", "\(tls13)")

            // Plain HTTP and garbage on the HTTPS port: closed, and the edge serves on.
            let edge = try network.node("NRT50")
            let port = try #require(edge.httpsPort)
            let plain = try await CLI.run(external: "/usr/bin/curl", ["-sS", "--max-time", "10", "http://\(edge.host):\(port)/"])
            #expect(plain.status != 0, "\(plain)")
            let after = try await Self.curl(network, Self.main, "/index.html", ["-o", "/dev/null", "-w", "%{http_code}"])
            #expect(after.stdout == "200", "\(after)")
            // Each refused handshake is counted once its connection has closed (a viewer's close
            // crosses its emulated link too): two below the policies, and plain HTTP.
            var counted = 0.0
            for _ in 0..<100 where counted < 3 {
                counted = try await network.counter("edgesim_errors_total{node=\"NRT50\",role=\"edge\",kind=\"tls_handshake\"}", of: "NRT50")
                if counted < 3 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(counted >= 3, "handshake failures counted: \(counted)")
        }
    }

    /// Each security policy offers its own TLS 1.2 suites: TLSv1 still a SHA-1 CBC one,
    /// TLSv1.2_2021 only ECDHE with AEAD.
    @Test func theSecurityPolicyChoosesTheTLS12CipherSuites() async throws {
        try await withNetwork(try Self.topology().path) { network in
            func handshake(_ name: String, _ cipher: String) async throws -> Int32 {
                try await Self.curl(network, name, "/index.html", ["-o", "/dev/null", "--tls-max", "1.2", "--ciphers", cipher]).status
            }
            let legacy = try await handshake(Self.main, "ECDHE-ECDSA-AES128-SHA")
            let refused = try await handshake(Self.custom, "ECDHE-ECDSA-AES128-SHA")
            let chacha = try await handshake(Self.custom, "ECDHE-ECDSA-CHACHA20-POLY1305")
            let gcm = try await handshake(Self.custom, "ECDHE-ECDSA-AES256-GCM-SHA384")
            #expect(legacy == 0 && chacha == 0 && gcm == 0, "\(legacy) \(chacha) \(gcm)")
            #expect(refused == 35, "curl's 'SSL connect error' when no suite is shared: \(refused)")
        }
    }

    @Test func aNewHTTPSConnectionPaysItsHandshakesRoundTripsOnTheViewersLink() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let rtt = try #require(network.state.viewer("tokyo-home")?.rttMilliseconds) / 1_000
            let timing = ["-o", "/dev/null", "-w", "%{time_starttransfer}"]
            _ = try await Self.curl(network, Self.main, "/index.html")  // cached from here on
            // The shaper never delivers a byte early, so these are floors, whatever the machine:
            // TCP's handshake, TLS 1.3's one round trip, then the request.
            let tls13 = try #require(Double(try await Self.curl(network, Self.main, "/index.html", timing).stdout))
            #expect(tls13 >= 3 * rtt, "TLS 1.3: \(tls13) s for an RTT of \(rtt) s")
            // TLS 1.2's full handshake takes two.
            let tls12 = try #require(Double(try await Self.curl(network, Self.main, "/index.html", ["--tls-max", "1.2"] + timing).stdout))
            #expect(tls12 >= 4 * rtt, "TLS 1.2: \(tls12) s for an RTT of \(rtt) s")
            let plain = try #require(Double(try await Self.curl(network, Self.main, "/index.html", https: false, timing).stdout))
            #expect(plain >= 2 * rtt, "plain HTTP: \(plain) s for an RTT of \(rtt) s")

            // A second connection in one curl resumes the first's TLS 1.2 session: one round
            // trip of the two is saved, three remain (TCP, the abbreviated handshake, the request).
            let edge = try network.node("NRT50")
            let url = "https://\(Self.main):\(try #require(edge.httpsPort))/index.html"
            let twice = try await Self.curl(
                network,
                Self.main,
                "/index.html",
                [
                    "-v", "--http1.1", "--tls-max", "1.2", "-H", "Connection: close", "-o", "/dev/null", "-w", "%{time_starttransfer}\n",
                    "-o", "/dev/null", url,
                ]
            )
            #expect(twice.stderr.contains("SSL re-using session ID"), "\(twice.stderr)")
            let resumed = try #require(twice.stdout.split(separator: "\n").last.flatMap { Double($0) }, "\(twice.stdout)")
            #expect(resumed >= 3 * rtt, "resumed TLS 1.2: \(resumed) s for an RTT of \(rtt) s")

            // TLS 1.3 resumes from a ticket: the certificate is sent once for both connections, and
            // the round trips stay three (TLS 1.3's handshake is one round trip either way).
            let again = try await Self.curl(
                network,
                Self.main,
                "/index.html",
                ["-v", "--http1.1", "-H", "Connection: close", "-o", "/dev/null", "-w", "%{time_starttransfer}\n", "-o", "/dev/null", url]
            )
            #expect(again.stderr.components(separatedBy: "TLS handshake, Certificate (11)").count == 2, "one certificate: \(again.stderr)")
            let resumed13 = try #require(again.stdout.split(separator: "\n").last.flatMap { Double($0) }, "\(again.stdout)")
            #expect(resumed13 >= 3 * rtt, "resumed TLS 1.3: \(resumed13) s for an RTT of \(rtt) s")
        }
    }

    @Test func aHubServesItsReplicationFeedOverTLSOnlyAndItsCacheToPlainHTTP() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let hub = try network.node("ap-northeast-1")
            let ca = try #require(network.state.certificateAuthority)
            let path = "/.edgesim/replication/bundles/none/1"
            let plain = try await ViewerClient.get(host: hub.host, port: hub.port, path: path, from: nil)
            #expect(plain.status == 403, "\(plain.status) \(String(buffer: plain.body))")
            let tls = try ViewerTLSClient(certificateAuthority: ca, serverName: TLSFiles.hubName(hub.id))
            let secure = try await ViewerClient.get(host: hub.host, port: hub.port, path: path, from: nil, tls: tls)
            #expect(secure.status == 404, "over TLS the feed answers (no such bundle): \(secure.status)")
            // The edge's cache fetches to the same port stay plain HTTP.
            let served = try await Self.curl(network, Self.main, "/index.html", https: false, ["-o", "/dev/null", "-w", "%{http_code}"])
            #expect(served.stdout == "200", "\(served)")
        }
    }

    @Test func measureOverHTTPSReportsConnectTLSAndFirstByteApartForNewAndKeptConnections() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let json = network.stateDirectory.appendingPathComponent("measure.json").path
            let report = network.stateDirectory.appendingPathComponent("measure.html").path
            let run = try await CLI.run([
                "measure", "--state-dir", network.stateDirectory.path, "--https", "--requests", "21", "--concurrency", "3",
                "--json", json, "--report", report,
            ])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("new connections against kept-alive ones (HTTPS"), "\(run.stdout)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
            let location = try #require((object["locations"] as? [[String: Any]])?.first)
            #expect((location["outcomes"] as? [String: Int])?["2xx"] == 21, "\(location)")
            let connections = try #require(location["connections"] as? [String: Any], "\(location)")
            let connect = try #require((connections["connect"] as? [String: Double])?["p50"], "\(connections)")
            let handshake = try #require((connections["handshake"] as? [String: Double])?["p50"], "\(connections)")
            let rtt = try #require(network.state.viewer("tokyo-home")?.rttMilliseconds)
            // Each connection's connect and TLS hold TCP's modelled round trip and TLS 1.3's: a
            // floor the shaper guarantees (where the split falls depends on which side's loop
            // ran first). Over an odd number of connections the two medians are at least one
            // connection's total, so their sum keeps the floor.
            #expect(connections["opened"] as? Int == 3, "\(connections)")
            #expect(connect + handshake >= 2 * rtt, "\(connections)")
            #expect(connections["firstByteKept"] != nil && connections["firstByteNew"] != nil, "\(connections)")
            let html = try String(contentsOfFile: report, encoding: .utf8)
            #expect(html.contains("TLS p50 ms") && html.contains("Over HTTPS."))
        }
    }

    @Test func headlessChromiumLoadsAPageFromAnEdgeOverHTTPS() async throws {
        try await withNetwork(try Self.topology().path) { network in
            guard let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile) else {
                throw NetworkError("this test needs Chromium (Debian: apt-get install chromium); .ci/run installs it")
            }
            let edge = try network.node("NRT50")
            let port = try #require(edge.httpsPort)
            // Chromium trusts the distribution's certificate by its public key's pin (an import
            // into its certificate store needs NSS's tools); the name must still match.
            let chain = try String(contentsOfFile: network.stateDirectory.appendingPathComponent("tls/E2HTTPS000001.pem").path, encoding: .utf8)
            let end = try #require(chain.range(of: "-----END CERTIFICATE-----"))
            let leaf = try Certificate(pemEncoded: String(chain[..<end.upperBound]))
            var serializer = DER.Serializer()
            try serializer.serialize(leaf.publicKey)
            let pin = Data(SHA256.hash(data: serializer.serializedBytes)).base64EncodedString()
            let profile = network.stateDirectory.appendingPathComponent("chromium-profile")
            let page = try await CLI.run(
                external: browser,
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
                    "--host-resolver-rules=MAP \(Self.main) \(edge.host)", "--ignore-certificate-errors-spki-list=\(pin)",
                    "--dump-dom", "https://\(Self.main):\(port)/index.html",
                ],
                timeout: .seconds(90)
            )
            #expect(page.stdout.contains("<h1>home</h1>"), "\(page.stdout)\n\(page.stderr.suffix(2000))")
        }
    }

    @Test func upIssuesTheNetworksCertificatesWithTheUsersOwnCA() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-user-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (certificate, key) = (folder.appendingPathComponent("ca.pem").path, folder.appendingPathComponent("ca-key.pem").path)
        try CertificateAuthority(name: "user CA").write(certificateFile: certificate, keyFile: key)
        try await withNetwork(try Self.topology().path, arguments: ["--ca", certificate, "--ca-key", key]) { network in
            let used = try #require(network.state.certificateAuthority)
            #expect(try String(contentsOfFile: used, encoding: .utf8) == String(contentsOfFile: certificate, encoding: .utf8))
            // curl trusts the user's CA file itself, and the edge's certificate chains to it.
            let edge = try network.node("NRT50")
            let port = try #require(edge.httpsPort)
            let reply = try await CLI.run(
                external: "/usr/bin/curl",
                [
                    "-sS", "--cacert", certificate, "--resolve", "\(Self.main):\(port):\(edge.host)", "-o", "/dev/null", "-w", "%{http_code}",
                    "https://\(Self.main):\(port)/index.html",
                ]
            )
            #expect(reply.stdout == "200", "\(reply)")
        }
        // A CA file that is not there: up refuses, naming it.
        let missing = try await CLI.run([
            "up", try Self.topology().path, "--ca", folder.appendingPathComponent("nope.pem").path, "--ca-key", key, "--state-dir",
            folder.appendingPathComponent("state").path,
        ])
        #expect(missing.status != 0 && missing.stderr.contains("nope.pem does not exist"), "\(missing.stderr)")
    }
}
