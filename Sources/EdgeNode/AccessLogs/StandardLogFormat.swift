import CDNCore
import Foundation
import HTTPTypes

/// CloudFront's standard access log format (spec §8.2): W3C extended, two header lines, then one
/// tab-separated line per viewer request with its 33 fields in CloudFront's order, `-` for what
/// does not apply, and values URL-encoded as CloudFront encodes them.
public enum StandardLogFormat {
    /// The fields, in order, as the `#Fields:` line names them (and Athena's table reads them).
    public static let fields = [
        "date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem", "sc-status", "cs(Referer)",
        "cs(User-Agent)", "cs-uri-query", "cs(Cookie)", "x-edge-result-type", "x-edge-request-id", "x-host-header", "cs-protocol",
        "cs-bytes", "time-taken", "x-forwarded-for", "ssl-protocol", "ssl-cipher", "x-edge-response-result-type", "cs-protocol-version",
        "fle-status", "fle-encrypted-fields", "c-port", "time-to-first-byte", "x-edge-detailed-result-type", "sc-content-type",
        "sc-content-len", "sc-range-start", "sc-range-end",
    ]

    /// The two lines every file starts with.
    public static let header = "#Version: 1.0\n#Fields: \(fields.joined(separator: " "))\n"

    /// One request's line, without its newline.
    public static func line(_ record: AccessRecord) -> String {
        let (date, time) = dateAndTime(record.finished)
        let range = contentRange(record.contentRange)
        let values: [String?] = [
            date, time, record.edgeLocation, String(record.sentBytes), record.clientIP, record.method, record.distributionDomain,
            record.uriStem, String(record.status), record.requestFields[.referer], record.requestFields[.userAgent],
            record.query.flatMap { $0.isEmpty ? nil : $0 }, record.includesCookies ? cookieHeader(record.requestFields) : nil,
            record.resultType, record.requestID, record.hostHeader, record.scheme, String(record.receivedBytes), seconds(record.timeTaken),
            forwardedFor(record.requestFields), record.tlsProtocol, nil, record.responseResultType, record.protocolVersion, nil, nil,
            record.clientPort.map(String.init), seconds(record.timeToFirstByte), record.detailedResultType, record.contentType,
            record.contentLength.map(String.init), range?.start, range?.end,
        ]
        return values.map { $0.map(encode) ?? "-" }.joined(separator: "\t")
    }

    /// A value as CloudFront writes it: bytes 0–32 and 127 and up, and `<>"#%{}|\^~[]'` and the
    /// backtick, as `%XX`; so an encoded query's `%3D` is written `%253D`, as in CloudFront's logs.
    public static func encode(_ value: String) -> String {
        if value.isEmpty { return "-" }
        let special = Set("<>\"#%{}|\\^~[]'`".utf8)
        guard value.utf8.contains(where: { $0 <= 32 || $0 >= 127 || special.contains($0) }) else { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count + 12)
        for byte in value.utf8 {
            if byte <= 32 || byte >= 127 || special.contains(byte) {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                out.unicodeScalars.append(UnicodeScalar(byte))
            }
        }
        return out
    }

    /// `YYYY-MM-DD` and `HH:MM:SS`, UTC.
    static func dateAndTime(_ date: Date) -> (String, String) {
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = "\(parts.year!)-\(two(parts.month!))-\(two(parts.day!))"
        return (day, "\(two(parts.hour!)):\(two(parts.minute!)):\(two(parts.second!))")
    }

    /// The UTC hour a file holds: `YYYY-MM-DD-HH`.
    public static func hour(_ date: Date) -> String {
        let parts = utc.dateComponents([.year, .month, .day, .hour], from: date)
        return "\(parts.year!)-\(two(parts.month!))-\(two(parts.day!))-\(two(parts.hour!))"
    }

    /// Seconds with three decimals (`0.082`).
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = max(0, Int((Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15).rounded()))
        return "\(milliseconds / 1000).\(String(milliseconds % 1000).leftPadded(to: 3))"
    }

    /// The start and end of a `Content-Range: bytes 0-99/1000`.
    static func contentRange(_ value: String?) -> (start: String, end: String)? {
        guard let value, value.hasPrefix("bytes "), let dash = value.firstIndex(of: "-") else { return nil }
        let start = value[value.index(value.startIndex, offsetBy: 6)..<dash]
        let end = value[value.index(after: dash)...].prefix { $0 != "/" }
        return (String(start), String(end))
    }

    /// The whole Cookie header: every cookie the viewer sent, whatever the behavior forwards.
    static func cookieHeader(_ fields: HTTPFields) -> String? {
        let cookies = fields[values: .cookie]
        return cookies.isEmpty ? nil : cookies.joined(separator: "; ")
    }

    /// The client the request came through a proxy for, when it did.
    static func forwardedFor(_ fields: HTTPFields) -> String? {
        fields[.xForwardedFor]
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private static func two(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
}

extension String {
    /// The string with zeros in front, to at least a length.
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
