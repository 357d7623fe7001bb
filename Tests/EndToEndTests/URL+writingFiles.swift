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
}
