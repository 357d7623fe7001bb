/// A distribution's standard access log (CloudFront's `Logging`): every edge that serves it
/// writes one line per viewer request into hourly files in a bucket, which here is a folder
/// under the network's state directory.
public struct StandardLogging: Hashable, Sendable {
    /// The bucket, as CloudFront names it (`logs-bucket.s3.amazonaws.com`); its folder's name.
    public var bucket: String
    /// What each file's name starts with (`cf/`), possibly empty; a non-empty prefix without a
    /// trailing `/` gets one, as CloudFront adds it.
    public var prefix: String
    /// Whether the whole `Cookie` header is logged (`IncludeCookies`); otherwise `-`.
    public var includeCookies: Bool

    public init(bucket: String, prefix: String = "", includeCookies: Bool = false) {
        self.bucket = bucket
        self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        self.includeCookies = includeCookies
    }
}

/// A real-time log configuration (CloudFront's `RealtimeLogConfig`): the fields each record
/// carries and the share of requests logged. CloudFront streams the records to Kinesis; here
/// they go to a file or a TCP socket, one tab-separated line per request.
public struct RealtimeLogConfig: Hashable, Sendable {
    /// Its name, which behaviors give as `realtime_log_config`.
    public var name: String
    /// The chosen fields, always in CloudFront's fixed order whatever order they were listed in.
    public var fields: [RealtimeLogField]
    /// The percentage of viewer requests logged, 1–100.
    public var samplingRate: Int
    /// Where the records go.
    public var destination: Destination

    /// Where a real-time log's records go.
    public enum Destination: Hashable, Sendable {
        /// Appended to a file: an absolute path, or one under the state directory's
        /// `realtime-logs/` (a log is the network's output, not part of its sources).
        case file(String)
        /// Written, a line each, to a TCP connection, reopened when it drops.
        case tcp(host: String, port: Int)
    }

    public init(name: String, fields: [RealtimeLogField], samplingRate: Int, destination: Destination) {
        self.name = name
        self.fields = RealtimeLogField.allCases.filter(fields.contains)
        self.samplingRate = samplingRate
        self.destination = destination
    }
}

/// A real-time log field, in CloudFront's fixed order (`real-time-logs.md`).
public enum RealtimeLogField: String, CaseIterable, Hashable, Sendable {
    case timestamp
    case clientIP = "c-ip"
    case timeToFirstByte = "time-to-first-byte"
    case status = "sc-status"
    case sentBytes = "sc-bytes"
    case method = "cs-method"
    case `protocol` = "cs-protocol"
    case host = "cs-host"
    case uriStem = "cs-uri-stem"
    case receivedBytes = "cs-bytes"
    case edgeLocation = "x-edge-location"
    case requestID = "x-edge-request-id"
    case hostHeader = "x-host-header"
    case timeTaken = "time-taken"
    case protocolVersion = "cs-protocol-version"
    case clientIPVersion = "c-ip-version"
    case userAgent = "cs-user-agent"
    case referer = "cs-referer"
    case cookie = "cs-cookie"
    case uriQuery = "cs-uri-query"
    case responseResultType = "x-edge-response-result-type"
    case forwardedFor = "x-forwarded-for"
    case sslProtocol = "ssl-protocol"
    case sslCipher = "ssl-cipher"
    case resultType = "x-edge-result-type"
    case fleEncryptedFields = "fle-encrypted-fields"
    case fleStatus = "fle-status"
    case contentType = "sc-content-type"
    case contentLength = "sc-content-len"
    case rangeStart = "sc-range-start"
    case rangeEnd = "sc-range-end"
    case clientPort = "c-port"
    case detailedResultType = "x-edge-detailed-result-type"
    case country = "c-country"
    case acceptEncoding = "cs-accept-encoding"
    case accept = "cs-accept"
    case pathPattern = "cache-behavior-path-pattern"
    case headers = "cs-headers"
    case headerNames = "cs-header-names"
    case headersCount = "cs-headers-count"
}
