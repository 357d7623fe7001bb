import Crypto
import Foundation

/// A record the registry signs and nodes check before they use what it describes: a function
/// version and its bundle, or a KeyValueStore revision and its data. The manifest (the record
/// without its signature, as sorted-key JSON) is what is signed, so a node holding the
/// registry's public key can check both the bytes (by ``sha256`` and ``size``) and the metadata.
public protocol RegistrySigned: Encodable, Sendable {
    /// The SHA-256 of the bytes it describes, lowercase hex.
    var sha256: String { get }
    /// Their size in bytes.
    var size: Int { get }
    /// The registry's Ed25519 signature over ``manifest``, base64.
    var signature: String { get set }
}

extension RegistrySigned {
    /// The bytes that are signed: the record without its signature, as sorted-key JSON.
    public var manifest: Data {
        var unsigned = self
        unsigned.signature = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(unsigned)) ?? Data()
    }

    /// Whether this record is the registry's (its signature checks against the registry's public
    /// key) and the bytes are the ones it describes (size and SHA-256). A node uses nothing that
    /// fails this check: a relay that changed a byte, or a record someone else signed.
    /// - Parameters:
    ///   - bytes: The bundle's or the data's bytes.
    ///   - publicKey: The registry's Ed25519 public key, raw.
    public func verifies(_ bytes: Data, publicKey: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
            let signature = Data(base64Encoded: signature),
            key.isValidSignature(signature, for: manifest)
        else { return false }
        return bytes.count == size && FunctionVersion.sha256Hex(bytes) == sha256
    }
}
