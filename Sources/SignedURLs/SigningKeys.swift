import Crypto
import Foundation
import _CryptoExtras

/// The digest a signature was made over: SHA-1 unless the URL or cookie says
/// `Hash-Algorithm=SHA256`.
public enum HashAlgorithm: String, Sendable, CaseIterable {
    case sha1 = "SHA1"
    case sha256 = "SHA256"
}

/// A trusted public key of a key group: RSA (2048 bits or more) or ECDSA P-256, the two kinds
/// CloudFront accepts for signed URLs and cookies.
public enum VerifyingKey: Sendable {
    case rsa(_RSA.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)

    /// Reads a PEM public key.
    /// - Throws: ``SigningKeyError`` naming what the key is not.
    public init(pem: String) throws(SigningKeyError) {
        if let key = try? _RSA.Signing.PublicKey(pemRepresentation: pem) {
            self = .rsa(key)
        } else if let key = try? P256.Signing.PublicKey(pemRepresentation: pem) {
            self = .p256(key)
        } else {
            throw SigningKeyError("not a PEM public key CloudFront accepts (RSA of 2048 bits or more, or ECDSA P-256)")
        }
    }

    /// Whether a signature is the key's over a message. ECDSA signatures are taken as DER or as
    /// the raw 64 bytes of r and s, since AWS does not say which it expects.
    public func verifies(_ signature: Data, of message: Data, with algorithm: HashAlgorithm) -> Bool {
        switch (self, algorithm) {
        case (.rsa(let key), .sha1):
            return key.isValidSignature(.init(rawRepresentation: signature), for: Insecure.SHA1.hash(data: message), padding: .insecurePKCS1v1_5)
        case (.rsa(let key), .sha256):
            return key.isValidSignature(.init(rawRepresentation: signature), for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5)
        case (.p256(let key), _):
            guard
                let parsed = (try? P256.Signing.ECDSASignature(derRepresentation: signature))
                    ?? (try? P256.Signing.ECDSASignature(rawRepresentation: signature))
            else { return false }
            return algorithm == .sha1
                ? key.isValidSignature(parsed, for: Insecure.SHA1.hash(data: message))
                : key.isValidSignature(parsed, for: SHA256.hash(data: message))
        }
    }
}

/// A private key that signs URLs and cookies, as `aws cloudfront sign` reads one.
public enum SigningKey: Sendable {
    case rsa(_RSA.Signing.PrivateKey)
    case p256(P256.Signing.PrivateKey)

    /// Reads a PEM private key (PKCS#1 or PKCS#8).
    public init(pem: String) throws(SigningKeyError) {
        if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            self = .rsa(key)
        } else if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            self = .p256(key)
        } else {
            throw SigningKeyError("not a PEM private key CloudFront accepts (RSA of 2048 bits or more, or ECDSA P-256)")
        }
    }

    /// The signature of a message (RSA PKCS#1 v1.5; ECDSA as DER).
    public func sign(_ message: Data, with algorithm: HashAlgorithm) throws -> Data {
        switch (self, algorithm) {
        case (.rsa(let key), .sha1):
            return try key.signature(for: Insecure.SHA1.hash(data: message), padding: .insecurePKCS1v1_5).rawRepresentation
        case (.rsa(let key), .sha256):
            return try key.signature(for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5).rawRepresentation
        case (.p256(let key), .sha1):
            return try key.signature(for: Insecure.SHA1.hash(data: message)).derRepresentation
        case (.p256(let key), .sha256):
            return try key.signature(for: SHA256.hash(data: message)).derRepresentation
        }
    }
}

/// Why a key could not be used.
public struct SigningKeyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
