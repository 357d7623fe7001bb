/// How CloudFront treats requests whose path matches a pattern: which origin, how long to cache,
/// what makes up the cache key, and which functions run.
public struct CacheBehavior: Hashable, Sendable {
    /// The defaults CloudFront applies, in one place (spec §4).
    public enum Default {
        /// The default behavior's pattern, which matches every path.
        public static let pathPattern = "*"
        /// Shortest time an object stays cached.
        public static let minimumTTL = Duration.seconds(0)
        /// Time an object stays cached when the origin sends no Cache-Control max-age: 24 hours.
        public static let defaultTTL = Duration.seconds(86_400)
        /// Longest time an object stays cached: one year.
        public static let maximumTTL = Duration.seconds(31_536_000)
    }

    /// The path pattern (`/images/*.jpg`, `*`), matched in order as CloudFront does.
    public var pathPattern: String
    /// The id of the origin requests go to.
    public var origin: String
    /// Shortest caching time.
    public var minimumTTL: Duration
    /// Caching time when the origin does not say.
    public var defaultTTL: Duration
    /// Longest caching time.
    public var maximumTTL: Duration
    /// What makes up the cache key.
    public var cacheKey: CacheKeyPolicy
    /// The functions, at most one per event type.
    public var functions: [EventType: FunctionAssociation]
    /// What plain HTTP gets: served, redirected to HTTPS, or refused.
    public var viewerProtocolPolicy: ViewerProtocolPolicy
    /// The key groups whose signed URLs and cookies it takes (`TrustedKeyGroups`): when any,
    /// every request needs one.
    public var trustedKeyGroups: [String] = []
    /// Whether the edge compresses what it serves (CloudFront's `Compress`), for the
    /// encodings the cache key policy enables.
    public var compress = false
    /// The named cache policy whose TTLs and cache key the behavior took (`CachePolicyId`),
    /// or `nil` for CloudFront's legacy settings (`ttl:` and `cache_key:` on the behavior).
    /// With a cache policy only what it keys on, and what an origin request policy adds, goes
    /// to the origin; the legacy settings forward the viewer's headers as CloudFront does.
    public var cachePolicy: String?
    /// The origin request policy: what goes to the origin beyond the cache key.
    public var originRequestPolicy: OriginRequestPolicy?
    /// The response headers policy: CORS, security and custom headers, removals, Server-Timing.
    public var responseHeadersPolicy: ResponseHeadersPolicy?
    /// The real-time log its requests are sampled into (`RealtimeLogConfigArn`).
    public var realtimeLog: RealtimeLogConfig?
    /// Where the behavior is declared.
    public var source: SourceLocation?

    /// Creates a behavior with CloudFront's defaults.
    public init(
        pathPattern: String = Default.pathPattern,
        origin: String,
        minimumTTL: Duration = Default.minimumTTL,
        defaultTTL: Duration = Default.defaultTTL,
        maximumTTL: Duration = Default.maximumTTL,
        cacheKey: CacheKeyPolicy = .init(),
        functions: [EventType: FunctionAssociation] = [:],
        viewerProtocolPolicy: ViewerProtocolPolicy = .allowAll,
        source: SourceLocation? = nil
    ) {
        self.pathPattern = pathPattern
        self.origin = origin
        self.minimumTTL = minimumTTL
        self.defaultTTL = defaultTTL
        self.maximumTTL = maximumTTL
        self.cacheKey = cacheKey
        self.functions = functions
        self.viewerProtocolPolicy = viewerProtocolPolicy
        self.source = source
    }

    /// Whether this behavior's pattern matches a request path.
    ///
    /// CloudFront's rules: `*` matches any run of characters (`/` included), `?` exactly one,
    /// matching is case-sensitive, and a pattern's leading `/` is optional.
    /// - Parameter path: The request path, without the query string.
    public func matches(path: String) -> Bool {
        if pathPattern == "*" { return true }
        // Both strings' bytes are read in place (this runs for every request, behavior by
        // behavior). A pattern without its leading `/` matches what follows the path's.
        return pathPattern.withBytes { pattern in path.withBytes { text in Self.matches(pattern: pattern[...], text: text[...]) } }
    }

    private static func matches(pattern: some Collection<UInt8>, text: some Collection<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/")
        if pattern.first == slash { return wildcardMatch(pattern: pattern, text: text) }
        guard text.first == slash else { return false }
        return wildcardMatch(pattern: pattern, text: text.dropFirst())
    }

    /// Glob matching with `*` and `?`, linear in practice: it backtracks only to the last `*`.
    private static func wildcardMatch<Pattern: Collection<UInt8>>(pattern: Pattern, text: some Collection<UInt8>) -> Bool {
        let star = UInt8(ascii: "*")
        let question = UInt8(ascii: "?")
        var p = pattern.startIndex
        var t = text.startIndex
        var lastStar: Pattern.Index?
        var resumeText = t
        while t != text.endIndex {
            if p != pattern.endIndex, pattern[p] == question || pattern[p] == text[t] {
                pattern.formIndex(after: &p)
                text.formIndex(after: &t)
            } else if p != pattern.endIndex, pattern[p] == star {
                lastStar = p
                resumeText = t
                pattern.formIndex(after: &p)
            } else if let star = lastStar {
                p = pattern.index(after: star)
                text.formIndex(after: &resumeText)
                t = resumeText
            } else {
                return false
            }
        }
        while p != pattern.endIndex, pattern[p] == star { pattern.formIndex(after: &p) }
        return p == pattern.endIndex
    }
}

/// What goes into a cache key beyond the host and path (a CloudFront cache policy).
public struct CacheKeyPolicy: Hashable, Sendable {
    /// Which of a set of names (query parameters, cookies, headers) count.
    public enum Selection: Hashable, Sendable {
        case none
        case all
        case only([String])
        /// All but these (CloudFront's `allExcept`).
        case allExcept([String])

        /// Whether a name counts. Header names are compared as given, so callers pass them
        /// lower case.
        public func keeps(_ name: some StringProtocol) -> Bool {
            switch self {
            case .none: false
            case .all: true
            case .only(let names): names.contains { $0 == name }
            case .allExcept(let names): !names.contains { $0 == name }
            }
        }

        /// The `name=value` pairs (query parameters, cookies) whose names it keeps, in order.
        public func kept<Pair: StringProtocol>(_ pairs: [Pair]) -> [Pair] {
            switch self {
            case .none: []
            case .all: pairs
            default: pairs.filter { keeps($0.prefix { $0 != "=" }) }
            }
        }

        /// What reaches the origin when a cache policy keys on one selection and an origin
        /// request policy adds another (spec §7.2): either side's `all` gives all, allow lists
        /// join, an allow list beats the other side's block list for its own names, and two
        /// block lists leave out the names of both.
        public func union(_ other: Selection) -> Selection {
            switch (self, other) {
            case (.all, _), (_, .all): .all
            case (.none, let side), (let side, .none): side
            case (.only(let a), .only(let b)): .only(a + b.filter { !a.contains($0) })
            case (.only(let allowed), .allExcept(let blocked)), (.allExcept(let blocked), .only(let allowed)):
                .allExcept(blocked.filter { !allowed.contains($0) })
            case (.allExcept(let a), .allExcept(let b)): .allExcept(a + b.filter { !a.contains($0) })
            }
        }
    }

    /// CloudFront allows at most ten names in each list of a cache policy.
    public static let maximumNames = 10

    /// Query parameters in the key.
    public var queryStrings: Selection
    /// Request headers in the key (names, lower case).
    public var headers: [String]
    /// Cookies in the key.
    public var cookies: Selection
    /// The encodings the key holds, normalised from the viewer's `Accept-Encoding`
    /// (`EnableAcceptEncodingGzip` and `…Brotli`): both once a behavior compresses, as
    /// CachingOptimized has them; none otherwise, which leaves the header alone.
    public var acceptEncodings: Set<ContentCoding> = []

    /// A content coding CloudFront compresses with.
    public enum ContentCoding: String, CaseIterable, Hashable, Sendable {
        case gzip
        case br
    }

    /// Creates a policy; the default keys on the path alone, like CloudFront's CachingOptimized.
    public init(queryStrings: Selection = .none, headers: [String] = [], cookies: Selection = .none) {
        self.queryStrings = queryStrings
        self.headers = headers
        self.cookies = cookies
    }
}
