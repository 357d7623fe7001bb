import HTTPTypes
import Topology

/// `Records[0].cf.config`: read-only in every event.
public struct EventConfig: Sendable {
    /// The distribution's domain name.
    public var distributionDomainName: String
    /// The distribution's id.
    public var distributionId: String
    /// The event type.
    public var eventType: EventType
    /// The request id (`X-Amz-Cf-Id`).
    public var requestId: String

    /// Creates a config.
    public init(distributionDomainName: String, distributionId: String, eventType: EventType, requestId: String) {
        self.distributionDomainName = distributionDomainName
        self.distributionId = distributionId
        self.eventType = eventType
        self.requestId = requestId
    }
}

/// The request body a function sees with IncludeBody (request events only).
public struct EventBody: Sendable, Equatable {
    /// Whether CloudFront cut the body at the event's limit.
    public var inputTruncated: Bool
    /// `read-only` or `replace`.
    public var action: String
    /// `base64` (always, on the way in) or `text`.
    public var encoding: String
    /// The body, encoded.
    public var data: String

    /// Creates a body.
    public init(inputTruncated: Bool, action: String, encoding: String, data: String) {
        self.inputTruncated = inputTruncated
        self.action = action
        self.encoding = encoding
        self.data = data
    }
}

/// The origin of an origin-facing request: exactly one of a custom origin and an S3 origin.
public enum EventOrigin: Sendable, Equatable {
    /// A custom (HTTP) origin.
    case custom(CustomOrigin)
    /// An S3 origin.
    case s3(S3Origin)

    /// The origin's domain name.
    public var domainName: String {
        switch self {
        case .custom(let origin): origin.domainName
        case .s3(let origin): origin.domainName
        }
    }
}

/// `origin.custom`.
public struct CustomOrigin: Sendable, Equatable {
    public var domainName: String
    public var port: Int
    public var `protocol`: String
    public var path: String
    public var sslProtocols: [String]
    public var readTimeout: Int
    public var keepaliveTimeout: Int
    public var customHeaders: HTTPFields

    /// Creates a custom origin with CloudFront's defaults.
    public init(
        domainName: String,
        port: Int = 80,
        protocol: String = "http",
        path: String = "",
        sslProtocols: [String] = ["TLSv1.2"],
        readTimeout: Int = 30,
        keepaliveTimeout: Int = 5,
        customHeaders: HTTPFields = [:]
    ) {
        self.domainName = domainName
        self.port = port
        self.protocol = `protocol`
        self.path = path
        self.sslProtocols = sslProtocols
        self.readTimeout = readTimeout
        self.keepaliveTimeout = keepaliveTimeout
        self.customHeaders = customHeaders
    }
}

/// `origin.s3`.
public struct S3Origin: Sendable, Equatable {
    public var domainName: String
    public var region: String
    public var authMethod: String
    public var path: String
    public var customHeaders: HTTPFields

    /// Creates an S3 origin.
    public init(domainName: String, region: String = "", authMethod: String = "none", path: String = "", customHeaders: HTTPFields = [:]) {
        self.domainName = domainName
        self.region = region
        self.authMethod = authMethod
        self.path = path
        self.customHeaders = customHeaders
    }
}

/// `Records[0].cf.request`.
public struct EventRequest: Sendable, Equatable {
    public var clientIp: String
    public var method: String
    public var uri: String
    public var querystring: String
    public var headers: HTTPFields
    public var body: EventBody?
    public var origin: EventOrigin?

    /// Creates a request.
    public init(
        clientIp: String,
        method: String,
        uri: String,
        querystring: String,
        headers: HTTPFields,
        body: EventBody? = nil,
        origin: EventOrigin? = nil
    ) {
        self.clientIp = clientIp
        self.method = method
        self.uri = uri
        self.querystring = querystring
        self.headers = headers
        self.body = body
        self.origin = origin
    }
}

/// `Records[0].cf.response`, or a response a function generated.
public struct EventResponse: Sendable, Equatable {
    /// The status code (a string in the JSON).
    public var status: Int
    /// The reason phrase, free text.
    public var statusDescription: String
    public var headers: HTTPFields
    /// A body the function set: generated responses, or origin-response replacing the origin's.
    public var body: [UInt8]?

    /// Creates a response.
    public init(status: Int, statusDescription: String, headers: HTTPFields, body: [UInt8]? = nil) {
        self.status = status
        self.statusDescription = statusDescription
        self.headers = headers
        self.body = body
    }
}

/// A whole event, as a function receives it.
public struct CloudFrontEvent: Sendable {
    public var config: EventConfig
    public var request: EventRequest
    public var response: EventResponse?

    /// Creates an event.
    public init(config: EventConfig, request: EventRequest, response: EventResponse? = nil) {
        self.config = config
        self.request = request
        self.response = response
    }
}
