import Crypto
import Foundation
import SwiftASN1
import X509
import Yams

extension TopologyParser {
    /// `certificate: { chain: FILE, key: FILE }` of a distribution: its own certificate, as an
    /// ACM certificate would be, instead of one the network's CA issues. The files are checked
    /// here, where they are named: each must exist and be PEM, the key must be the chain's first
    /// certificate's, that certificate must be valid now and cover the distribution's domain and
    /// every alias (CloudFront refuses an alias its certificate does not cover).
    func parseCertificate(_ node: Node, names: [String], in what: String) throws -> DistributionSpec.OwnCertificate? {
        guard let fields = try reader.fields(node, what: "'certificate' of \(what)", allowed: ["chain", "key"]),
            let chain = try fields.string("chain", required: true), let key = try fields.string("key", required: true)
        else { return nil }
        let files = DistributionSpec.OwnCertificate(chain: absolutePath(chain), key: absolutePath(key))
        func problem(_ field: String, _ message: String) throws -> DistributionSpec.OwnCertificate? {
            try report(.invalidValue, "'\(field)' of 'certificate' of \(what): \(message)", field: field, of: fields)
            return nil
        }
        guard let chainText = try? String(contentsOfFile: files.chain, encoding: .utf8) else {
            return try problem("chain", "no readable file at '\(chain)' (resolved to \(files.chain))")
        }
        guard let keyText = try? String(contentsOfFile: files.key, encoding: .utf8) else {
            return try problem("key", "no readable file at '\(key)' (resolved to \(files.key))")
        }
        guard let end = chainText.range(of: "-----END CERTIFICATE-----"),
            let leaf = try? Certificate(pemEncoded: String(chainText[..<end.upperBound]))
        else { return try problem("chain", "'\(chain)' holds no PEM certificate") }
        guard let privateKey = try? Certificate.PrivateKey(pemEncoded: keyText) else {
            return try problem("key", "'\(key)' holds no PEM private key (PKCS#8, SEC1 or PKCS#1)")
        }
        guard privateKey.publicKey == leaf.publicKey else {
            return try problem("key", "'\(key)' is not the private key of the certificate in '\(chain)'")
        }
        let now = Date()
        if leaf.notValidAfter < now {
            return try problem("chain", "the certificate in '\(chain)' expired on \(leaf.notValidAfter.formatted(.iso8601))")
        }
        if leaf.notValidBefore > now {
            return try problem("chain", "the certificate in '\(chain)' is not valid before \(leaf.notValidBefore.formatted(.iso8601))")
        }
        let covered = leaf.dnsNames.map { $0.lowercased() }
        for name in names where !covered.contains(where: { HostName.name($0, covers: name) || $0 == name }) {
            let listed = covered.isEmpty ? "no DNS names" : covered.joined(separator: ", ")
            return try problem("chain", "the certificate in '\(chain)' does not cover \(name) (it names \(listed))")
        }
        return files
    }
}

extension Certificate {
    /// The DNS names of its subject alternative names, as written.
    public var dnsNames: [String] {
        let alternatives = (try? extensions.subjectAlternativeNames) ?? nil
        return (alternatives ?? SubjectAlternativeNames()).compactMap { name in
            if case .dnsName(let dns) = name { return dns }
            return nil
        }
    }
}
