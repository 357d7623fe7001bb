import Crypto
import Foundation
import SwiftASN1
import X509

/// A network's own certificate authority: an ECDSA P-256 key and a self-signed CA certificate,
/// made once per state directory (or the user's own). It issues the edges' certificates, so a
/// viewer that trusts this one file (`curl --cacert`, a browser's import) trusts the whole
/// network, as a real viewer trusts CloudFront through the public CAs.
public struct CertificateAuthority: Sendable {
    /// How long what it issues stays valid: 397 days, the most browsers accept for a leaf.
    public static let leafValidity: TimeInterval = 397 * 86_400
    /// How long the authority itself stays valid: ten years.
    public static let validity: TimeInterval = 10 * 365 * 86_400

    /// The authority's certificate.
    public let certificate: Certificate
    private let key: Certificate.PrivateKey

    /// Makes a new authority.
    /// - Parameter name: Its common name, which a browser shows.
    public init(name: String, now: Date = Date()) throws {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName {
            OrganizationName("edgesim")
            CommonName(name)
        }
        certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-3_600),
            notValidAfter: now.addingTimeInterval(Self.validity),
            issuer: subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key
        )
        self.key = key
    }

    /// Reads an authority from its PEM files.
    /// - Throws: ``TLSFileError`` naming the file that is missing, unreadable, not a CA, or
    ///   whose key does not match.
    public init(certificateFile: String, keyFile: String) throws {
        let certificate = try Self.read(certificateFile, as: "a PEM certificate") { try Certificate(pemEncoded: $0) }
        let key = try Self.read(keyFile, as: "a PEM private key") { try Certificate.PrivateKey(pemEncoded: $0) }
        guard key.publicKey == certificate.publicKey else {
            throw TLSFileError(path: keyFile, problem: "is not the private key of the certificate in \(certificateFile)")
        }
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else {
            throw TLSFileError(path: certificateFile, problem: "is not a certificate authority (its basic constraints do not say CA)")
        }
        self.certificate = certificate
        self.key = key
    }

    /// Writes the certificate (readable by all) and the key (by its owner only).
    public func write(certificateFile: String, keyFile: String) throws {
        try Self.write(certificate.serializeAsPEM().pemString, to: certificateFile, permissions: 0o644)
        try Self.write(key.serializeAsPEM().pemString, to: keyFile, permissions: 0o600)
    }

    /// Issues a server certificate for some DNS names (`*.cloudfront.net` may be one of them).
    /// - Returns: The certificate chain (the leaf, then this authority) and the leaf's key, as PEM.
    public func issue(names: [String], now: Date = Date()) throws -> IssuedCertificate {
        let leafKey = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(leafKey.publicKey)
        let leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3_600),
            notValidAfter: now.addingTimeInterval(Self.leafValidity),
            issuer: certificate.subject,
            subject: try DistinguishedName { CommonName(names.first ?? "edgesim") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(
                    names.map { name in Self.ipv4Bytes(name).map { .ipAddress(ASN1OctetString(contentBytes: $0[...])) } ?? .dnsName(name) }
                )
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: key
        )
        return IssuedCertificate(
            chainPEM: try leaf.serializeAsPEM().pemString + "\n" + certificate.serializeAsPEM().pemString + "\n",
            keyPEM: leafKey.pemRepresentation + "\n",
            certificate: leaf
        )
    }

    /// An IPv4 literal's four bytes (a name given as one is an IP address SAN), else `nil`.
    static func ipv4Bytes(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let bytes = parts.compactMap { UInt8($0) }
        return parts.count == 4 && bytes.count == 4 ? bytes : nil
    }

    /// Whether a certificate was issued by this authority (its issuer name and signature).
    public func issued(_ other: Certificate) -> Bool {
        other.issuer == certificate.subject && certificate.publicKey.isValidSignature(other.signature, for: other)
    }

    static func read<T>(_ path: String, as kind: String, _ parse: (String) throws -> T) throws -> T {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw TLSFileError(path: path, problem: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist")
        }
        do { return try parse(text) } catch { throw TLSFileError(path: path, problem: "is not \(kind) (\(error))") }
    }

    static func write(_ text: String, to path: String, permissions: mode_t) throws {
        do { try Durable.write(Data(text.utf8), to: path, permissions: permissions) } catch {
            throw TLSFileError(path: path, problem: "cannot be written (\(error))")
        }
    }
}

/// A certificate the authority issued, ready for files.
public struct IssuedCertificate: Sendable {
    /// The leaf and the authority, PEM.
    public var chainPEM: String
    /// The leaf's private key, PEM.
    public var keyPEM: String
    /// The leaf.
    public var certificate: Certificate
}

/// A certificate or key file that cannot be used, and why.
public struct TLSFileError: Error, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What is wrong with it.
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path) \(problem)" }
}

extension Certificate {
    /// Its IPv4 address SANs, as dotted text.
    var ipAddresses: [String] {
        let alternatives = (try? extensions.subjectAlternativeNames) ?? nil
        return (alternatives ?? SubjectAlternativeNames()).compactMap { name in
            guard case .ipAddress(let octets) = name, octets.bytes.count == 4 else { return nil }
            return octets.bytes.map(String.init).joined(separator: ".")
        }
    }
}
