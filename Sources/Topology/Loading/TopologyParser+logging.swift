import Foundation
import Yams

extension TopologyParser {
    /// A distribution's `logging: {bucket, prefix, include_cookies}` — CloudFront's `Logging`,
    /// on when present. The bucket is named as CloudFront has it (`logs.s3.amazonaws.com`).
    func parseLogging(_ fields: Fields) throws -> StandardLogging? {
        guard let node = fields["logging"],
            let logging = try reader.fields(node, what: "'logging' of \(fields.what)", allowed: ["bucket", "prefix", "include_cookies"])
        else { return nil }
        let bucket = try logging.string(
            "bucket",
            required: true,
            matching: /[a-z0-9][a-z0-9.\-]{1,253}[a-z0-9]/,
            expected: "an S3 bucket name as CloudFront gives it (logs-bucket.s3.amazonaws.com)"
        )
        let prefix = try logging.string("prefix") ?? ""
        if prefix.hasPrefix("/") || prefix.contains("..") || prefix.contains(where: { $0.isNewline || $0 == "\t" }), let node = logging["prefix"] {
            try reader.report(.invalidValue, "'prefix' of \(logging.what) is '\(prefix)': expected a relative key prefix such as cf/", at: node)
            return nil
        }
        guard let bucket else { return nil }
        return StandardLogging(bucket: bucket, prefix: prefix, includeCookies: try logging.bool("include_cookies") ?? false)
    }

    /// One entry of `realtime_log_configs:` — `{fields: [...], sampling_rate: 1–100,
    /// destination: FILE | tcp://HOST:PORT}`.
    func parseRealtimeLogConfig(id: String, keyNode: Node, value: Node) throws -> RealtimeLogConfig? {
        let validID = try checkID(id, at: keyNode, role: "real-time log config", rule: IdentifierRules.name, expected: IdentifierRules.nameExpected)
        let what = "real-time log config '\(id)'"
        guard let fields = try reader.fields(value, what: what, allowed: ["fields", "sampling_rate", "destination"]) else { return nil }
        let rate = try fields.integer("sampling_rate", required: true, in: 1...100)
        var chosen: [RealtimeLogField] = []
        for (name, node) in try fields.strings("fields", required: true) ?? [] {
            guard let field = RealtimeLogField(rawValue: name) else {
                let names = RealtimeLogField.allCases.map(\.rawValue)
                try reader.report(
                    .invalidValue,
                    "'\(name)' in 'fields' of \(what) is not a real-time log field\(Suggestion.phrase(for: name, among: names))",
                    at: node
                )
                continue
            }
            if chosen.contains(field) {
                try reader.report(.duplicateID, "'fields' of \(what) lists '\(name)' twice", at: node)
            }
            chosen.append(field)
        }
        if chosen.isEmpty, let node = fields["fields"] {
            try reader.report(.missingField, "\(what) chooses no fields: list at least one (timestamp, c-ip, sc-status, …)", at: node)
        }
        guard let target = try fields.string("destination", required: true), let targetNode = fields["destination"] else { return nil }
        let destination: RealtimeLogConfig.Destination
        if target.hasPrefix("tcp://") {
            let address = target.dropFirst("tcp://".count)
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port),
                colon != address.startIndex
            else {
                try reader.report(.invalidValue, "'destination' of \(what) is '\(target)': expected tcp://HOST:PORT or a file path", at: targetNode)
                return nil
            }
            destination = .tcp(host: String(address[..<colon]), port: port)
        } else {
            destination = .file((target as NSString).expandingTildeInPath)
        }
        guard validID, let rate, !chosen.isEmpty else { return nil }
        return RealtimeLogConfig(name: id, fields: chosen, samplingRate: rate, destination: destination)
    }

    /// A behavior's `realtime_log_config: NAME`, one of `realtime_log_configs:`.
    func parseRealtimeLogReference(_ fields: Fields, in what: String) throws -> RealtimeLogConfig? {
        guard let name = try fields.string("realtime_log_config"), let node = fields["realtime_log_config"] else { return nil }
        guard let config = realtimeLogConfigs.first(where: { $0.name == name }) else {
            try reader.report(
                .unknownReference,
                "\(what) names unknown real-time log config '\(name)'\(Suggestion.phrase(for: name, among: realtimeLogConfigs.map(\.name)))",
                at: node
            )
            return nil
        }
        return config
    }
}
