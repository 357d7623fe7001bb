import CDNCore
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import Topology

/// Real-time log records (spec §8.3): per request in the sample, the config's fields in
/// CloudFront's fixed order, tab-separated, one line each, to a file or a TCP socket. Delivery
/// is best effort, as Kinesis's is: lines for a socket that cannot be reached are dropped (and
/// counted in the log), the file is appended to.
actor RealtimeLogWriter {
    private let configs: [String: RealtimeLogConfig]
    private let stateDirectory: String
    private let logger: Logger
    private var handles: [String: FileHandle] = [:]
    private var sockets: [String: any Channel] = [:]

    init(configs: [String: RealtimeLogConfig], stateDirectory: String, logger: Logger) {
        self.configs = configs
        self.stateDirectory = stateDirectory
        self.logger = logger
    }

    /// One record's line under a config.
    static func line(_ record: AccessRecord, fields: [RealtimeLogField]) -> String {
        fields.map { value($0, of: record).map(StandardLogFormat.encode) ?? "-" }.joined(separator: "\t")
    }

    static func value(_ field: RealtimeLogField, of record: AccessRecord) -> String? {
        switch field {
        case .timestamp:
            let milliseconds = Int((record.finished.timeIntervalSince1970 * 1000).rounded())
            return "\(milliseconds / 1000).\(String(milliseconds % 1000).leftPadded(to: 3))"
        case .clientIP: return record.clientIP
        case .timeToFirstByte: return StandardLogFormat.seconds(record.timeToFirstByte)
        case .status: return String(record.status)
        case .sentBytes: return String(record.sentBytes)
        case .method: return record.method
        case .protocol: return record.scheme
        case .host: return record.distributionDomain
        case .uriStem: return record.uriStem
        case .receivedBytes: return String(record.receivedBytes)
        case .edgeLocation: return record.edgeLocation
        case .requestID: return record.requestID
        case .hostHeader: return record.hostHeader
        case .timeTaken: return StandardLogFormat.seconds(record.timeTaken)
        case .protocolVersion: return record.protocolVersion
        case .clientIPVersion: return record.clientIP.contains(":") ? "IPv6" : "IPv4"
        case .userAgent: return record.requestFields[.userAgent]
        case .referer: return record.requestFields[.referer]
        case .cookie: return StandardLogFormat.cookieHeader(record.requestFields)
        case .uriQuery: return record.query.flatMap { $0.isEmpty ? nil : $0 }
        case .responseResultType: return record.responseResultType
        case .forwardedFor: return StandardLogFormat.forwardedFor(record.requestFields)
        case .sslProtocol: return record.tlsProtocol
        case .sslCipher, .fleEncryptedFields, .fleStatus: return nil
        case .resultType: return record.resultType
        case .contentType: return record.contentType
        case .contentLength: return record.contentLength.map(String.init)
        case .rangeStart: return StandardLogFormat.contentRange(record.contentRange)?.start
        case .rangeEnd: return StandardLogFormat.contentRange(record.contentRange)?.end
        case .clientPort: return record.clientPort.map(String.init)
        case .detailedResultType: return record.detailedResultType
        case .country: return record.country
        case .acceptEncoding: return record.requestFields[.acceptEncoding]
        case .accept: return record.requestFields[.accept]
        case .pathPattern: return record.pathPattern
        case .headers: return record.requestFields.map { "\($0.name.rawName):\($0.value)" }.joined(separator: "\n")
        case .headerNames: return record.requestFields.map(\.name.rawName).joined(separator: "\n")
        case .headersCount: return String(record.requestFields.count)
        }
    }

    /// Writes the sampled records' lines, grouped by config.
    func write(_ records: [AccessRecord]) async {
        var batches: [String: String] = [:]
        for record in records {
            guard let name = record.realtimeConfig, let config = configs[name] else { continue }
            batches[name, default: ""] += Self.line(record, fields: config.fields) + "\n"
        }
        for (name, text) in batches.sorted(by: { $0.key < $1.key }) {
            guard let config = configs[name] else { continue }
            switch config.destination {
            case .file(let path): append(text, to: Self.path(path, stateDirectory: stateDirectory), config: name)
            case .tcp(let host, let port): await send(text, host: host, port: port, config: name)
            }
        }
    }

    /// Where a file destination is: as given when absolute, else under `STATE/realtime-logs/`.
    static func path(_ destination: String, stateDirectory: String) -> String {
        destination.hasPrefix("/")
            ? destination : ((stateDirectory as NSString).appendingPathComponent("realtime-logs") as NSString).appendingPathComponent(destination)
    }

    private func append(_ text: String, to path: String, config: String) {
        do {
            if handles[path] == nil {
                let folder = (path as NSString).deletingLastPathComponent
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
                guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteNoPermission) }
                handles[path] = handle
            }
            // Several edges append to one file: each write goes to the end as it is now.
            handles[path]!.seekToEndOfFile()
            try handles[path]!.write(contentsOf: Data(text.utf8))
        } catch {
            logger.error("real-time log '\(config)': could not append to \(path): \(error)")
        }
    }

    private func send(_ text: String, host: String, port: Int, config: String) async {
        let key = "\(host):\(port)"
        do {
            if sockets[key]?.isActive != true {
                sockets[key] = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.seconds(1))
                    .connect(host: host, port: port)
                    .get()
            }
            try await sockets[key]!.writeAndFlush(ByteBuffer(string: text)).get()
        } catch {
            sockets[key] = nil
            let lines = text.utf8.count { $0 == UInt8(ascii: "\n") }
            logger.warning("real-time log '\(config)': \(lines) records to tcp://\(key) dropped: \(error)")
        }
    }

    /// Closes the files and sockets.
    func close() async {
        for handle in handles.values { try? handle.close() }
        for socket in sockets.values { try? await socket.close() }
        handles = [:]
        sockets = [:]
    }
}
