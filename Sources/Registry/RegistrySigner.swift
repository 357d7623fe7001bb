import CDNCore
import Crypto
import Foundation
import Replication

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
                throw RegistryError(.signing, "\(keyFile) is not an Ed25519 private key")
            }
            return
        }
        key = Curve25519.Signing.PrivateKey()
        do {
            try Durable.write(key.rawRepresentation, to: keyFile, permissions: 0o600)
        } catch {
            throw RegistryError(.storage, "cannot write the signing key \(keyFile)", cause: error)
        }
    }

    /// Signs a record's manifest: a function version, or a KeyValueStore revision.
    public func sign<Record: RegistrySigned>(_ record: Record) throws(RegistryError) -> Record {
        var signed = record
        do {
            signed.signature = try key.signature(for: record.manifest).base64EncodedString()
        } catch {
            throw RegistryError(.signing, "cannot sign a \(Record.self)", cause: error)
        }
        return signed
    }
}
