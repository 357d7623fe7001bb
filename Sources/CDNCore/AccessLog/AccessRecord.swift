import Foundation
import HTTPTypes

/// What one viewer request leaves in a distribution's logs: CloudFront's standard log fields
/// and the real-time log's, as typed values. The edge fills in what it decided (distribution,
/// result, status); the viewer listener adds what only it sees — the bytes that crossed the
/// connection, the TLS version, the time to the last byte — and hands the record to its sink.
public struct AccessRecord: Sendable {
    /// The distribution's id and its `dxxx.cloudfront.net` name (`cs(Host)`).
    public var distributionID: String
    public var distributionDomain: String
    /// The POP (`x-edge-location`).
    public var edgeLocation: String
    /// Where it goes: the standard log, and the real-time log config named, if any.
    public var standard: Bool
    public var realtimeConfig: String?
    /// The viewer's address and source port.
    public var clientIP: String
    public var clientPort: Int?
    public var method: String
    /// The Host the viewer sent (`x-host-header`).
    public var hostHeader: String?
    /// The path, and the query without its `?`.
    public var uriStem: String
    public var query: String?
    /// The viewer's request fields, every one of them (the log reads Referer, User-Agent,
    /// Cookie and X-Forwarded-For; the real-time log can carry them all).
    public var requestFields: HTTPFields
    /// Whether the whole Cookie header is logged (`IncludeCookies`).
    public var includesCookies: Bool
    /// `http` or `https`, and `HTTP/1.1`-style.
    public var scheme: String
    public var protocolVersion: String
    /// The status sent, after any error page's substitution.
    public var status: Int
    /// `x-edge-result-type`, `x-edge-response-result-type` and `x-edge-detailed-result-type`.
    public var resultType: String
    public var responseResultType: String
    public var detailedResultType: String
    /// `X-Amz-Cf-Id`.
    public var requestID: String
    /// The response's Content-Type, Content-Length and Content-Range.
    public var contentType: String?
    public var contentLength: Int?
    public var contentRange: String?
    /// The viewer location's country, for the real-time log's `c-country`.
    public var country: String?
    /// The behavior's path pattern.
    public var pathPattern: String
    /// When the request arrived.
    public var arrived: ContinuousClock.Instant

    // Filled in by the listener.

    /// When the response's last byte was queued, on the wall clock (`date`, `time`).
    public var finished = Date()
    /// The bytes sent to the viewer, headers included, and received from it.
    public var sentBytes = 0
    public var receivedBytes = 0
    /// Arrival to the first response byte, and to the last.
    public var timeToFirstByte = Duration.zero
    public var timeTaken = Duration.zero
    /// The TLS version (`TLSv1.3`), over HTTPS.
    public var tlsProtocol: String?

    public init(
        distributionID: String,
        distributionDomain: String,
        edgeLocation: String,
        standard: Bool,
        realtimeConfig: String?,
        clientIP: String,
        clientPort: Int?,
        method: String,
        hostHeader: String?,
        uriStem: String,
        query: String?,
        requestFields: HTTPFields,
        includesCookies: Bool,
        scheme: String,
        protocolVersion: String,
        status: Int,
        resultType: String,
        responseResultType: String,
        detailedResultType: String,
        requestID: String,
        contentType: String?,
        contentLength: Int?,
        contentRange: String?,
        country: String?,
        pathPattern: String,
        arrived: ContinuousClock.Instant
    ) {
        self.distributionID = distributionID
        self.distributionDomain = distributionDomain
        self.edgeLocation = edgeLocation
        self.standard = standard
        self.realtimeConfig = realtimeConfig
        self.clientIP = clientIP
        self.clientPort = clientPort
        self.method = method
        self.hostHeader = hostHeader
        self.uriStem = uriStem
        self.query = query
        self.requestFields = requestFields
        self.includesCookies = includesCookies
        self.scheme = scheme
        self.protocolVersion = protocolVersion
        self.status = status
        self.resultType = resultType
        self.responseResultType = responseResultType
        self.detailedResultType = detailedResultType
        self.requestID = requestID
        self.contentType = contentType
        self.contentLength = contentLength
        self.contentRange = contentRange
        self.country = country
        self.pathPattern = pathPattern
        self.arrived = arrived
    }

    /// Where the listener's figures go, and the moment the response is out.
    public mutating func complete(sent: Int, received: Int, tlsProtocol: String?, now: ContinuousClock.Instant = .now) {
        sentBytes = sent
        receivedBytes = received
        self.tlsProtocol = tlsProtocol
        finished = Date()
        timeTaken = now - arrived
        // The head and the body leave in one write, so the first byte goes when the last does.
        timeToFirstByte = timeTaken
    }
}

/// Takes finished records: the edge's log writers. Called on the connection's event loop, so
/// it must only hand the record on.
public protocol AccessLogSink: Sendable {
    func log(_ record: AccessRecord)
}

/// A response's record, which the listener completes and logs once the response is written.
public struct AccessLogTicket: Sendable {
    public var record: AccessRecord
    public let sink: any AccessLogSink

    public init(record: AccessRecord, sink: any AccessLogSink) {
        self.record = record
        self.sink = sink
    }
}
