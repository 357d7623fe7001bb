/// A CloudFront distribution: a domain name, its origins, its cache behaviors, and the edges
/// that serve it.
public struct DistributionSpec: Hashable, Sendable {
    /// CloudFront allows at most 25 cache behaviors per distribution (spec §4).
    public static let maximumBehaviors = 25

    /// The distribution id (`E1A2B3C4D5E6F7`).
    public var id: String
    /// The domain viewers ask for (`d111111abcdef8.cloudfront.net`).
    public var domainName: String
    /// Its alternate domain names (CNAMEs), such as `www.example.com` or `*.example.com`: the
    /// edges serve it under each, and its certificate covers them.
    public var aliases: [String]
    /// The ids of its origins.
    public var origins: [String]
    /// Its origin groups, which its behaviors may name in place of an origin.
    public var originGroups: [OriginGroup]
    /// The ids of the edges that serve it, in file order: those the topology lists (every edge
    /// when it does not say) that the routing policy's price class includes.
    public var edges: [String]
    /// How viewers are sent to those edges.
    public var routing: RoutingPolicy
    /// Its cache behaviors in matching order; the last is always the default (`*`).
    public var behaviors: [CacheBehavior]
    /// The oldest TLS version its edges accept.
    public var securityPolicy: SecurityPolicy
    /// The HTTP versions it offers viewers.
    public var httpVersions: HTTPVersions
    /// Its own certificate (as an ACM certificate would be); `nil` to have the network's CA
    /// issue one for its domain.
    public var certificate: OwnCertificate?

    /// A certificate the user brings: PEM files, checked when the topology is loaded.
    public struct OwnCertificate: Hashable, Sendable {
        /// The chain: the certificate, then its intermediates.
        public var chain: String
        /// Its private key.
        public var key: String

        public init(chain: String, key: String) {
            self.chain = chain
            self.key = key
        }
    }
    /// The object a request for exactly `/` asks for instead (`index.html`, no leading `/`),
    /// CloudFront's `DefaultRootObject`; `nil` sends `/` as it is.
    public var defaultRootObject: String?
    /// What it does with each error status from upstream, by status.
    public var errorResponses: [Int: CustomErrorResponse]
    /// Which viewer countries it serves.
    public var geoRestriction: GeoRestriction
    /// Its standard access log, when logging is on.
    public var logging: StandardLogging?
    /// Where the distribution is declared.
    public var source: SourceLocation?

    /// Creates a distribution.
    public init(
        id: String,
        domainName: String,
        aliases: [String] = [],
        origins: [String],
        originGroups: [OriginGroup] = [],
        edges: [String],
        routing: RoutingPolicy = .nearest,
        behaviors: [CacheBehavior],
        securityPolicy: SecurityPolicy = .tlsv1,
        httpVersions: HTTPVersions = .http2,
        certificate: OwnCertificate? = nil,
        defaultRootObject: String? = nil,
        errorResponses: [Int: CustomErrorResponse] = [:],
        geoRestriction: GeoRestriction = .init(),
        logging: StandardLogging? = nil,
        source: SourceLocation? = nil
    ) {
        self.id = id
        self.domainName = domainName
        self.aliases = aliases
        self.origins = origins
        self.originGroups = originGroups
        self.edges = edges
        self.routing = routing
        self.behaviors = behaviors
        self.securityPolicy = securityPolicy
        self.httpVersions = httpVersions
        self.certificate = certificate
        self.defaultRootObject = defaultRootObject
        self.errorResponses = errorResponses
        self.geoRestriction = geoRestriction
        self.logging = logging
        self.source = source
    }

    /// Every name viewers may ask for it by: its domain, then its aliases.
    public var names: [String] { [domainName] + aliases }

    /// CloudFront allows at most 100 alternate domain names per distribution (spec §9).
    public static let maximumAliases = 100

    /// The path a request asks for once the default root object applies: only `/` itself
    /// changes (`/docs/` does not), whatever the query string.
    public func rootObjectApplied(to path: String) -> String {
        guard path == "/", let object = defaultRootObject else { return path }
        return "/" + object
    }

    /// The behavior that handles a path: the first whose pattern matches, as CloudFront does.
    /// - Parameter path: The request path, without the query string.
    /// - Returns: The matching behavior; the default one matches everything.
    public func behavior(forPath path: String) -> CacheBehavior {
        behaviors.first { $0.matches(path: path) } ?? behaviors[behaviors.count - 1]
    }
}
