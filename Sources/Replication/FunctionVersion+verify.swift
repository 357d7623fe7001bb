import Crypto
import Foundation

extension FunctionVersion {
    /// Whether this record is the registry's and the bundle the one it describes.
    /// - Parameters:
    ///   - bundle: The bundle's bytes.
    ///   - publicKey: The registry's Ed25519 public key, raw.
    public func verifies(bundle: Data, publicKey: Data) -> Bool { verifies(bundle, publicKey: publicKey) }

    /// The SHA-256 of some bytes, lowercase hex.
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
