import CDNCore
import CompressNIO
import Foundation
import NIOCore
import Topology

/// Where a distribution's standard log files are, and how they are named (spec §8.1):
/// `STATE/access-logs/BUCKET/PREFIX` + `DIST.YYYY-MM-DD-HH.UNIQUE.gz`, the hour being the UTC hour
/// of the requests. A file being written has no `.gz` yet; it is gzipped when its hour is over
/// or the edge stops.
public struct StandardLogFiles: Sendable {
    public let stateDirectory: String

    public init(stateDirectory: String) { self.stateDirectory = stateDirectory }

    /// The folder a distribution's files go to: its bucket's folder, then its prefix's folders
    /// (a prefix always ends in `/`, as CloudFront appends one).
    public func folder(for logging: StandardLogging) -> String {
        (stateDirectory as NSString).appendingPathComponent("access-logs/\(logging.bucket)/\(logging.prefix)")
    }

    /// A file's name within its folder.
    public func name(distribution: String, hour: String, unique: String) -> String {
        "\(distribution).\(hour).\(unique)"
    }

    /// Every standard log file of a distribution under the state directory, whatever its bucket
    /// and prefix (the network need not be running), by name without `.gz`: a file still being
    /// written and the same file rolled share one name.
    public func files(distribution: String) -> [(name: String, path: String)] {
        let root = (stateDirectory as NSString).appendingPathComponent("access-logs")
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [(name: String, path: String)] = []
        while let relative = walker.nextObject() as? String {
            let name = relative.hasSuffix(".gz") ? String(relative.dropLast(3)) : relative
            guard Self.isLogFile((name as NSString).lastPathComponent, of: distribution) else { continue }
            found.append((name, (root as NSString).appendingPathComponent(relative)))
        }
        return found.sorted { $0.name < $1.name }
    }

    /// Whether a file name (without `.gz`) is one of a distribution's: `DIST.YYYY-MM-DD-HH.UNIQUE`.
    static func isLogFile(_ name: String, of distribution: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == distribution else { return false }
        let hour = parts[1]
        let digits = hour.filter(\.isNumber).count
        return hour.count == 13 && digits == 10 && hour.filter { $0 == "-" }.count == 3 && !parts[2].isEmpty
    }

    /// A file's text, gunzipped when it is rolled.
    public static func text(of path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        guard path.hasSuffix(".gz") else { return String(decoding: data, as: UTF8.self) }
        var buffer = ByteBuffer(bytes: data)
        let plain = try buffer.decompress(with: .gzip())
        return String(buffer: plain)
    }

    /// Gzips a finished file beside itself (`NAME.gz`) and removes the plain one.
    static func roll(_ path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        var buffer = ByteBuffer(bytes: data)
        let packed = try buffer.compress(with: .gzip())
        let target = path + ".gz"
        try Data(packed.readableBytesView).write(to: URL(fileURLWithPath: target + ".part"))
        try FileManager.default.moveItem(atPath: target + ".part", toPath: target)
        try FileManager.default.removeItem(atPath: path)
    }
}
