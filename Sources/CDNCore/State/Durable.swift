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

    /// Closes files an older edgesim wrote open to others (mode 0644) to their owner alone: the
    /// given files, and every file under the given folders. Private files are written 0600 now;
    /// this keeps a state directory made before that from leaking them to handlers.
    public static func restrict(files: [String] = [], folders: [String] = []) {
        var paths = files
        for folder in folders {
            guard let walker = FileManager.default.enumerator(atPath: folder) else { continue }
            for case let relative as String in walker { paths.append((folder as NSString).appendingPathComponent(relative)) }
        }
        for path in paths {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeRegular,
                let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value, mode & 0o077 != 0
            else { continue }
            chmod(path, mode_t(mode & 0o700))
        }
    }
}
