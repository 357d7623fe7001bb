import CDNCore
import Foundation

/// The write token of a registry: made once, kept in `STATE/registry/token` with owner-only
/// permissions, so only the user who ran `edgesim up` can publish and associate.
public enum RegistryToken {
    /// The token file under a state directory.
    public static func path(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("registry/token")
    }

    /// Reads the token.
    /// - Throws: ``ReplicationError`` when there is none.
    public static func load(stateDirectory: String) throws(ReplicationError) -> String {
        let file = path(stateDirectory: stateDirectory)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), !text.isEmpty else {
            throw ReplicationError(.missingToken, "no registry token at \(file)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Reads the token, making it first when there is none.
    /// - Throws: ``ReplicationError`` when the file cannot be written.
    public static func loadOrCreate(stateDirectory: String) throws(ReplicationError) -> String {
        if let token = try? load(stateDirectory: stateDirectory) { return token }
        let file = path(stateDirectory: stateDirectory)
        var generator = SystemRandomNumberGenerator()
        let token = (0..<4).map { _ in String(generator.next(), radix: 16) }.joined()
        do {
            try Durable.write(Data(token.utf8), to: file, permissions: 0o600)
        } catch {
            throw ReplicationError(.writeFailed, "cannot write the registry token \(file)", cause: error)
        }
        return token
    }
}
