import Foundation

/// Writes that survive `kill -9` and a crash: to a temporary file, fsync, rename over the target,
/// fsync the folder. A reader sees the old file or the new one, never a part.
public enum Durable {
    /// Writes a whole file durably.
    /// - Parameters:
    ///   - data: The contents.
    ///   - path: The file.
    ///   - permissions: Its mode when created.
    /// - Throws: ``StateError`` naming the step that failed.
    public static func write(_ data: Data, to path: String, permissions: mode_t = 0o644) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, permissions)
        guard fd >= 0 else { throw StateError(.writeFailed, "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { buffer in Foundation.write(fd, buffer.baseAddress, buffer.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == data.count, synced == 0 else {
            unlink(temporary)
            throw StateError(.writeFailed, "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw StateError(.writeFailed, "cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
        let directory = open(folder, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }
}
