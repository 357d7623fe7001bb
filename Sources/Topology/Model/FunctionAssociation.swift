/// The four points in a request's life where CloudFront runs a Lambda@Edge function (spec §1).
public enum EventType: String, Codable, Hashable, Sendable, CaseIterable, Comparable {
    case viewerRequest = "viewer-request"
    case originRequest = "origin-request"
    case originResponse = "origin-response"
    case viewerResponse = "viewer-response"

    /// Whether the function sees the viewer's side (tighter limits: 5 s, 128 MB, 1 MB package).
    public var isViewerFacing: Bool { self == .viewerRequest || self == .viewerResponse }

    /// Whether the event carries a request CloudFront can expose the body of (IncludeBody).
    public var isRequestEvent: Bool { self == .viewerRequest || self == .originRequest }

    /// The longest timeout a function may have for this event.
    public var maximumTimeout: Duration { isViewerFacing ? .seconds(5) : .seconds(30) }

    /// The largest memory a function may have for this event, in megabytes.
    public var maximumMemoryMegabytes: Int { isViewerFacing ? 128 : 10_240 }

    /// The largest deployment package for this event, in bytes (spec §4): 1 MB for viewer
    /// events, 50 MB for origin events.
    public var maximumPackageBytes: Int { isViewerFacing ? 1 << 20 : 50 << 20 }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A trigger: one numbered function version run at one event of one cache behavior.
public struct FunctionAssociation: Hashable, Sendable, CustomStringConvertible {
    /// When it runs.
    public var event: EventType
    /// The function's name.
    public var function: String
    /// The numbered version; CloudFront refuses `$LATEST` and aliases.
    public var version: Int
    /// Whether the request body is exposed to the function (request events only).
    public var includeBody: Bool
    /// Where the association is declared.
    public var source: SourceLocation?

    /// Creates an association.
    public init(event: EventType, function: String, version: Int, includeBody: Bool = false, source: SourceLocation? = nil) {
        self.event = event
        self.function = function
        self.version = version
        self.includeBody = includeBody
        self.source = source
    }

    /// `name:version`, as Lambda's qualified ARNs end.
    public var description: String { "\(function):\(version)" }
}
