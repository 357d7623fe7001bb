import CDNCore
import Foundation

/// The registry's public key as nodes find it: `STATE/registry/public-key`, base64, written by
/// the registry when it starts (before any hub or edge does), so a relay cannot hand a node a
/// key of its own.
public enum RegistryKey {
    /// The key file under a state directory.
    public static func path(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("registry/public-key")
    }

    /// Writes the key.
    /// - Throws: ``ReplicationError`` when the file cannot be written.
    public static func write(_ key: Data, stateDirectory: String) throws(ReplicationError) {
        do {
            try Durable.write(Data(key.base64EncodedString().utf8), to: path(stateDirectory: stateDirectory))
        } catch {
            throw ReplicationError(.writeFailed, "cannot write the registry's public key", cause: error)
        }
    }

    /// Reads the key.
    /// - Throws: ``ReplicationError`` when there is none (the registry has not started).
    public static func load(stateDirectory: String) throws(ReplicationError) -> Data {
        let file = path(stateDirectory: stateDirectory)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
            let key = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), key.count == 32
        else {
            throw ReplicationError(.missingKey, "no registry public key at \(file): start the registry first (edgesim up does)")
        }
        return key
    }
}
