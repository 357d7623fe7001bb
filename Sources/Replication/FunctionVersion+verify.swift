import Crypto
import Foundation

extension FunctionVersion {
    /// Whether this record is the registry's (its signature checks against the registry's public
    /// key) and the bundle is the one it describes (size and SHA-256). A node runs nothing that
    /// fails this check: a relay that changed a byte, or a record someone else signed.
    /// - Parameters:
    ///   - bundle: The bundle's bytes.
    ///   - publicKey: The registry's Ed25519 public key, raw.
    public func verifies(bundle: Data, publicKey: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
            let signature = Data(base64Encoded: signature),
            key.isValidSignature(signature, for: manifest)
        else { return false }
        return bundle.count == size && Self.sha256Hex(bundle) == sha256
    }

    /// The SHA-256 of some bytes, lowercase hex.
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
