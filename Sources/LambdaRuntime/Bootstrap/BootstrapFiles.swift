import Foundation
import Topology

/// Writes the bootstraps the workers run into a folder, once per edge process.
public enum BootstrapFiles {
    /// Writes every runtime's bootstrap (both CloudFront Functions runtimes share one).
    /// - Parameter folder: Where to put them (created if missing).
    /// - Returns: The path of each runtime's bootstrap.
    /// - Throws: When the folder cannot be written.
    public static func install(in folder: String) throws -> [Runtime: String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var paths: [Runtime: String] = [:]
        for (runtime, name, source) in [
            (Runtime.nodejs, NodeBootstrap.fileName, NodeBootstrap.source), (.python, PythonBootstrap.fileName, PythonBootstrap.source),
            (.cloudFrontJS1, NjsBootstrap.fileName, NjsBootstrap.source), (.cloudFrontJS2, NjsBootstrap.fileName, NjsBootstrap.source),
        ] {
            let path = (folder as NSString).appendingPathComponent(name)
            try Data(source.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            paths[runtime] = path
        }
        return paths
    }
}
