import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import Topology

/// A distribution's own certificate files, checked where the topology names them: each problem
/// is an error at the line and column of the field that names the file.
@Suite struct OwnCertificateTests {
    /// A self-signed certificate for some names, valid over an interval, and its key, as PEM.
    static func certificate(names: [String], from: Date = Date() - 3_600, to: Date = Date() + 86_400) throws -> (chain: String, key: String) {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(names.first ?? "x") }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: .init(key.publicKey),
            notValidBefore: from,
            notValidAfter: to,
            issuer: subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { SubjectAlternativeNames(names.map { .dnsName($0) }) },
            issuerPrivateKey: .init(key)
        )
        return (try certificate.serializeAsPEM().pemString + "\n", key.pemRepresentation + "\n")
    }

    /// Checks the base topology with `certificate: {chain: chain.pem, key: key.pem}` on its
    /// distribution (domain `www.example.test`), the files written first.
    static func check(chain: String?, key: String?) throws -> TopologyLoader.Report {
        let folder = try Fixtures.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        if let chain { try Data(chain.utf8).write(to: folder.appendingPathComponent("chain.pem")) }
        if let key { try Data(key.utf8).write(to: folder.appendingPathComponent("key.pem")) }
        let yaml = Fixtures.base.replacingOccurrences(
            of: "    origins: [site]\n",
            with: "    origins: [site]\n    domain: www.example.test\n    certificate:\n      chain: chain.pem\n      key: key.pem\n"
        )
        return TopologyLoader.check(yaml: yaml, file: "test.yaml", baseDirectory: folder.path)
    }

    @Test func aValidCertificateForTheDomainIsTaken() throws {
        let files = try Self.certificate(names: ["*.example.test"])
        let report = try Self.check(chain: files.chain, key: files.key)
        let distribution = try #require(report.topology?.distributions.first, "\(report.diagnostics)")
        #expect(distribution.certificate?.chain.hasSuffix("/chain.pem") == true)
    }

    @Test(arguments: [
        ("a missing chain", "chain", "no readable file"),
        ("a missing key", "key", "no readable file"),
        ("a key of another certificate", "key", "is not the private key"),
        ("an expired certificate", "chain", "expired on"),
        ("a certificate for other names", "chain", "does not cover www.example.test"),
        ("a file that is not PEM", "chain", "holds no PEM certificate"),
    ])
    func aBadCertificateIsAnErrorAtItsField(_ name: String, field: String, message: String) throws {
        let good = try Self.certificate(names: ["www.example.test"])
        let other = try Self.certificate(names: ["www.example.test"])
        let files: (String?, String?) =
            switch name {
            case "a missing chain": (nil, good.key)
            case "a missing key": (good.chain, nil)
            case "a key of another certificate": (good.chain, other.key)
            case "an expired certificate": try Self.certificate(names: ["www.example.test"], from: Date() - 86_400 * 10, to: Date() - 86_400)
            case "a certificate for other names": try Self.certificate(names: ["a.b.example.test", "example.test"])
            default: ("not a certificate\n", good.key)
            }
        let report = try Self.check(chain: files.0, key: files.1)
        #expect(report.topology == nil)
        let diagnostic = try #require(report.diagnostics.first { $0.message.contains(message) }, "\(name): \(report.diagnostics)")
        #expect(diagnostic.code == .invalidValue)
        // The base's line 18 gains `domain:` and `certificate:`: chain is line 21, key line 22.
        #expect(diagnostic.location?.line == (field == "chain" ? 21 : 22), "\(diagnostic)")
        #expect(diagnostic.location?.column == (field == "chain" ? 14 : 12), "the file's name: \(diagnostic)")
    }

    @Test func theCertificateMustCoverEveryAlias() throws {
        let folder = try Fixtures.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try Self.certificate(names: ["www.example.test", "*.shop.example.test"])
        try Data(files.chain.utf8).write(to: folder.appendingPathComponent("chain.pem"))
        try Data(files.key.utf8).write(to: folder.appendingPathComponent("key.pem"))
        func check(_ aliases: String) -> TopologyLoader.Report {
            let yaml = Fixtures.base.replacingOccurrences(
                of: "    origins: [site]\n",
                with:
                    "    origins: [site]\n    domain: www.example.test\n    aliases: \(aliases)\n    certificate: { chain: chain.pem, key: key.pem }\n"
            )
            return TopologyLoader.check(yaml: yaml, file: "test.yaml", baseDirectory: folder.path)
        }
        #expect(check("[a.shop.example.test, \"*.shop.example.test\"]").topology != nil)
        let uncovered = check("[a.shop.example.test, cdn.example.test]")
        #expect(uncovered.diagnostics.contains { $0.message.contains("does not cover cdn.example.test") }, "\(uncovered.diagnostics)")
    }

    @Test func wildcardsCoverOneLabel() {
        #expect(HostName.name("*.example.test", covers: "www.example.test"))
        #expect(!HostName.name("*.example.test", covers: "example.test"))
        #expect(!HostName.name("*.example.test", covers: "a.b.example.test"))
        #expect(HostName.name("example.test", covers: "example.test"))
    }
}
