import CDNCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Topology

/// An edge's access logs: the standard log of each distribution it serves that logs, and the
/// real-time logs its behaviors name. A record is handed over on the connection's event loop
/// (one append under a lock); the writer's own task writes the lines once a second, opens a new
/// file for each UTC hour, gzips a file once its hour is over, and rolls every file when the
/// edge stops, so that nothing logged is lost.
final class AccessLogWriter: AccessLogSink, Service {
    struct Settings: Sendable {
        var edge: String
        var stateDirectory: String
        /// The standard logging of each logging distribution, by id.
        var standard: [String: StandardLogging]
        /// The real-time log configs, by name.
        var realtime: [String: RealtimeLogConfig]
        /// How often lines are written out and ended hours rolled.
        var flushInterval = Duration.seconds(1)
        /// The wall clock, which names the files' hours.
        var now: @Sendable () -> Date = { Date() }
    }

    private let settings: Settings
    private let logger: Logger
    private let pending = Mutex<[AccessRecord]>([])

    init(_ settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Whether an edge has anything to log: a distribution with logging on, or a behavior with
    /// a real-time log.
    static func settings(for edge: String, stateDirectory: String, serving served: [DistributionSpec]) -> Settings? {
        let standard = Dictionary(served.compactMap { spec in spec.logging.map { (spec.id, $0) } }, uniquingKeysWith: { first, _ in first })
        let configs = served.flatMap(\.behaviors).compactMap(\.realtimeLog)
        let realtime = Dictionary(configs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        guard !standard.isEmpty || !realtime.isEmpty else { return nil }
        return Settings(edge: edge, stateDirectory: stateDirectory, standard: standard, realtime: realtime)
    }

    func log(_ record: AccessRecord) {
        var record = record
        if let name = record.realtimeConfig, let config = settings.realtime[name], Int.random(in: 0..<100) >= config.samplingRate {
            record.realtimeConfig = nil  // not in this sample
        }
        guard record.standard || record.realtimeConfig != nil else { return }
        pending.withLock { $0.append(record) }
    }

    func run() async throws {
        let outputs = Outputs(settings: settings, logger: logger)
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: self.settings.flushInterval)
                await outputs.write(self.drain(), now: self.settings.now())
            }
        }
        await outputs.write(drain(), now: settings.now())
        await outputs.close()
    }

    /// The files and sockets, touched only by the writer's task.
    private actor Outputs {
        var standard: StandardLogWriter
        let realtime: RealtimeLogWriter

        init(settings: Settings, logger: Logger) {
            standard = StandardLogWriter(settings: settings, logger: logger)
            realtime = RealtimeLogWriter(configs: settings.realtime, stateDirectory: settings.stateDirectory, logger: logger)
        }

        func write(_ records: [AccessRecord], now: Date) async {
            standard.write(records, now: now)
            await realtime.write(records)
        }

        /// Rolls every standard log file and closes the real-time outputs: the edge is stopping.
        func close() async {
            standard.rollAll()
            await realtime.close()
        }
    }

    private func drain() -> [AccessRecord] {
        pending.withLock { records in
            defer { records.removeAll(keepingCapacity: true) }
            return records
        }
    }
}

/// The standard log files this edge has open, one per distribution and hour.
struct StandardLogWriter {
    private struct OpenFile {
        var hour: String
        var path: String
        var handle: FileHandle
    }

    private let settings: AccessLogWriter.Settings
    private let files: StandardLogFiles
    private let logger: Logger
    private var open: [String: OpenFile] = [:]

    init(settings: AccessLogWriter.Settings, logger: Logger) {
        self.settings = settings
        self.files = StandardLogFiles(stateDirectory: settings.stateDirectory)
        self.logger = logger
    }

    /// Appends the records' lines, each to its distribution's file for its hour, then rolls the
    /// files whose hour has ended.
    mutating func write(_ records: [AccessRecord], now: Date) {
        var lines: [String: (hour: String, text: String)] = [:]
        for record in records where record.standard {
            let hour = StandardLogFormat.hour(record.finished)
            let key = record.distributionID + " " + hour
            lines[key, default: (hour, "")].text += StandardLogFormat.line(record) + "\n"
        }
        for (key, batch) in lines.sorted(by: { $0.key < $1.key }) {
            let distribution = String(key.prefix { $0 != " " })
            guard let logging = settings.standard[distribution] else { continue }
            do {
                let handle = try file(distribution: distribution, hour: batch.hour, logging: logging)
                try handle.write(contentsOf: Data(batch.text.utf8))
            } catch {
                logger.error("access log of \(distribution): could not write \(batch.text.count) bytes: \(error)")
            }
        }
        let current = StandardLogFormat.hour(now)
        for (key, file) in open where file.hour < current { roll(key) }
    }

    /// Gzips every open file: the edge is stopping.
    mutating func rollAll() {
        for key in open.keys { roll(key) }
    }

    private mutating func file(distribution: String, hour: String, logging: StandardLogging) throws -> FileHandle {
        let key = distribution + " " + hour
        if let file = open[key] { return file.handle }
        let folder = files.folder(for: logging)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let unique = settings.edge + "-" + Self.uniqueID()
        let path = (folder as NSString).appendingPathComponent(files.name(distribution: distribution, hour: hour, unique: unique))
        guard FileManager.default.createFile(atPath: path, contents: Data(StandardLogFormat.header.utf8)),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        handle.seekToEndOfFile()
        open[key] = OpenFile(hour: hour, path: path, handle: handle)
        return handle
    }

    private mutating func roll(_ key: String) {
        guard let file = open.removeValue(forKey: key) else { return }
        try? file.handle.close()
        do { try StandardLogFiles.roll(file.path) } catch { logger.error("access log \(file.path) could not be gzipped: \(error)") }
    }

    /// Eight capitals and digits, as CloudFront's file ids look.
    static func uniqueID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<8).map { _ in alphabet.randomElement()! })
    }
}
