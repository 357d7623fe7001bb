import Foundation

extension URL {
    /// Writes text files below this folder, by relative path, making folders as needed.
    func write(files: [String: String]) throws {
        for (path, text) in files {
            let url = appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    /// A fresh folder's URL under the system's temporary folder, `edgesim-NAME-UUID` (made when
    /// something is written in it).
    static func scratchFolder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-\(name)-\(UUID().uuidString)")
    }

    /// Writes a topology as `network.yaml` in this folder.
    /// - Returns: The file.
    func writeTopology(_ yaml: String) throws -> URL {
        try write(files: ["network.yaml": yaml])
        return appendingPathComponent("network.yaml")
    }
}
