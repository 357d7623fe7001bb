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

    /// Writes a one-edge Tokyo network (the edge NRT50, its hub, the viewer `tokyo-home`) with
    /// these origins and the rest of a topology (distributions and any other sections), as
    /// `network.yaml` in this folder.
    /// - Parameter origins: The `origins:` entries, one per line.
    func writeTokyoTopology(name: String, origins: String, _ rest: String) throws -> URL {
        let indented = { (text: String) in text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }
        return try writeTopology(
            """
            name: \(name)
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
            origins:
            \(indented(origins))
            viewers:
              tokyo-home: { location: tokyo, access: 2 ms }
            \(rest)
            """
        )
    }
}
