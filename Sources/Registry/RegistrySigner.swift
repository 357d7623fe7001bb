import CDNCore
import Crypto
import Foundation

/// The registry's Ed25519 key: it signs every version's manifest; nodes verify with the public key.
public struct RegistrySigner: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    /// The public key, raw (32 bytes), for nodes to verify with.
    public var publicKey: Data { key.publicKey.rawRepresentation }

    /// Loads the key from a file, or makes one and writes it with owner-only permissions.
    /// - Throws: ``RegistryError`` when the file cannot be read or written.
    public init(keyFile: String) throws(RegistryError) {
        let manager = FileManager.default
        if let data = manager.contents(atPath: keyFile) {
            do {
                key = try Curve25519.Signing.PrivateKey(rawRepresentation: data)
            } catch {
                throw RegistryError("\(keyFile) is not an Ed25519 private key")
            }
            return
        }
        key = Curve25519.Signing.PrivateKey()
        do {
            try Durable.write(key.rawRepresentation, to: keyFile, permissions: 0o600)
        } catch {
            throw RegistryError("cannot write the signing key \(keyFile): \(error)")
        }
    }

    /// Signs a version's manifest.
    public func sign(_ version: FunctionVersion) throws(RegistryError) -> FunctionVersion {
        var signed = version
        do {
            signed.signature = try key.signature(for: version.manifest).base64EncodedString()
        } catch {
            throw RegistryError("cannot sign \(version.qualifiedName): \(error)")
        }
        return signed
    }

    /// Whether a version's signature is the registry's, and its bundle matches its hash.
    /// - Parameters:
    ///   - version: The version record.
    ///   - bundle: The bundle's bytes.
    ///   - publicKey: The registry's public key.
    public static func verify(_ version: FunctionVersion, bundle: Data, publicKey: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
            let signature = Data(base64Encoded: version.signature),
            key.isValidSignature(signature, for: version.manifest)
        else { return false }
        return sha256Hex(bundle) == version.sha256 && bundle.count == version.size
    }

    /// The SHA-256 of some bytes, lowercase hex.
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// A registry problem, said plainly.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
