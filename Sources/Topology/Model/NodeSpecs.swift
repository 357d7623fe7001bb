import Foundation

/// What every node of the network has: an id, a place and an address to listen on.
public protocol NodeSpec: Sendable {
    /// The id links and references use.
    var id: String { get }
    /// Where the node is.
    var location: Location { get }
    /// Where its process listens.
    var listen: ListenAddress { get }
    /// The node's role, for tables and messages.
    var role: NodeRole { get }
}

/// The part a node plays in the network.
public enum NodeRole: String, Codable, Hashable, Sendable, CaseIterable {
    case edge, hub, origin, registry, dns
}

/// An edge location (a CloudFront POP): serves viewers and runs their functions.
public struct EdgeSpec: NodeSpec, Hashable {
    /// A POP id in CloudFront's style: an airport code and a number (`NRT50`).
    public var id: String
    public var location: Location
    /// The id of the regional hub the edge fetches through.
    public var hub: String
    public var listen: ListenAddress
    /// Where the edge is declared.
    public var source: SourceLocation?
    public var role: NodeRole { .edge }

    /// Creates an edge.
    public init(id: String, location: Location, hub: String, listen: ListenAddress = .init(), source: SourceLocation? = nil) {
        self.id = id
        self.location = location
        self.hub = hub
        self.listen = listen
        self.source = source
    }
}

/// A regional hub (a regional edge cache): the second cache tier, and the relay of function
/// versions from the registry to its edges.
public struct HubSpec: NodeSpec, Hashable {
    /// An AWS-region-like id (`ap-northeast-1`).
    public var id: String
    public var location: Location
    public var listen: ListenAddress
    /// Where the hub is declared.
    public var source: SourceLocation?
    public var role: NodeRole { .hub }

    /// Creates a hub.
    public init(id: String, location: Location, listen: ListenAddress = .init(), source: SourceLocation? = nil) {
        self.id = id
        self.location = location
        self.listen = listen
        self.source = source
    }
}

/// The central function registry (Lambda's us-east-1), the source of replication.
public struct RegistrySpec: NodeSpec, Hashable {
    /// The one id the registry has, for links and messages.
    public static let id = "registry"
    /// Where the registry is when a topology does not say: Ashburn, Virginia (us-east-1).
    public static let defaultLocation = Location(
        name: "us-east-1",
        coordinate: GeoPoint(latitude: 39.0438, longitude: -77.4874),
        country: "US",
        countryName: "United States",
        city: "Ashburn",
        region: "VA",
        regionName: "Virginia",
        timeZone: "America/New_York"
    )

    public var id: String { Self.id }
    public var location: Location
    public var listen: ListenAddress
    /// Where the registry is declared, if it is.
    public var source: SourceLocation?
    public var role: NodeRole { .registry }

    /// Creates the registry's description.
    public init(location: Location = defaultLocation, listen: ListenAddress = .init(), source: SourceLocation? = nil) {
        self.location = location
        self.listen = listen
        self.source = source
    }
}

/// An origin: the built-in static server (S3-like, serving a folder) or any HTTP server.
public struct OriginSpec: NodeSpec, Hashable {
    /// What serves the origin's content.
    public enum Kind: Hashable, Sendable {
        /// edgesim's own origin serves this folder (absolute, resolved against the topology file).
        case staticFolder(path: String)
        /// An HTTP server that runs outside edgesim.
        case url(String)
    }

    /// The origin's id.
    public var id: String
    public var location: Location
    /// What serves it.
    public var kind: Kind
    /// The Cache-Control value the built-in origin sends, if any.
    public var cacheControl: String?
    /// How the origin is spoken to: HTTP, HTTPS, or the viewer's protocol. The built-in
    /// origin is S3-style: always the viewer's protocol, as CloudFront speaks to S3.
    public var protocolPolicy: OriginProtocolPolicy
    /// A URL origin's HTTP and HTTPS ports (CloudFront's `HTTPPort` and `HTTPSPort`).
    public var httpPort: Int
    public var httpsPort: Int
    /// The TLS versions CloudFront may use to it (`OriginSslProtocols`): the oldest listed is
    /// the oldest offered.
    public var sslProtocols: [OriginSSLProtocol]
    public var listen: ListenAddress
    /// How long CloudFront waits for it, and how often it tries.
    public var timeouts: OriginTimeouts
    /// The hub that is its Origin Shield, when it has one: every other hub fetches it through
    /// that hub's cache, so the origin sees one request per object for the whole network.
    public var originShield: String?
    /// Where the origin is declared.
    public var source: SourceLocation?
    public var role: NodeRole { .origin }

    /// Creates an origin.
    public init(
        id: String,
        location: Location,
        kind: Kind,
        cacheControl: String? = nil,
        protocolPolicy: OriginProtocolPolicy? = nil,
        httpPort: Int? = nil,
        httpsPort: Int? = nil,
        sslProtocols: [OriginSSLProtocol] = [.tlsv1_2],
        listen: ListenAddress = .init(),
        timeouts: OriginTimeouts = .init(),
        source: SourceLocation? = nil
    ) {
        self.id = id
        self.location = location
        self.kind = kind
        self.timeouts = timeouts
        self.cacheControl = cacheControl
        // A URL's own scheme and port are its defaults.
        var components: URLComponents?
        if case .url(let text) = kind { components = URLComponents(string: text) }
        let secure = components?.scheme?.lowercased() == "https"
        if case .staticFolder = kind {
            self.protocolPolicy = .matchViewer
        } else {
            self.protocolPolicy = protocolPolicy ?? (secure ? .httpsOnly : .httpOnly)
        }
        self.httpPort = httpPort ?? (secure ? nil : components?.port) ?? 80
        self.httpsPort = httpsPort ?? (secure ? components?.port : nil) ?? 443
        self.sslProtocols = sslProtocols
        self.listen = listen
        self.source = source
    }
}

/// How long CloudFront waits for an origin, and how often it tries (an `Origin`'s
/// `ConnectionAttempts` and `ConnectionTimeout`, a custom origin's `OriginReadTimeout`), with
/// CloudFront's defaults and ranges.
public struct OriginTimeouts: Hashable, Sendable {
    public static let attemptsRange = 1...3
    public static let connectionTimeoutRange = Duration.seconds(1)...Duration.seconds(10)
    public static let responseTimeoutRange = Duration.seconds(1)...Duration.seconds(120)

    /// How many times a connection is tried (and a GET or HEAD retried after a response
    /// timeout) before the origin counts as failed: 3.
    public var connectionAttempts: Int
    /// How long one connection attempt may take: 10 s.
    public var connectionTimeout: Duration
    /// How long the origin may take to start answering: 30 s.
    public var responseTimeout: Duration

    public init(connectionAttempts: Int = 3, connectionTimeout: Duration = .seconds(10), responseTimeout: Duration = .seconds(30)) {
        self.connectionAttempts = connectionAttempts
        self.connectionTimeout = connectionTimeout
        self.responseTimeout = responseTimeout
    }
}

/// How CloudFront speaks to a custom origin (its `OriginProtocolPolicy`).
public enum OriginProtocolPolicy: String, CaseIterable, Hashable, Sendable {
    case httpOnly = "http-only"
    case httpsOnly = "https-only"
    /// The viewer's protocol: HTTPS for an HTTPS viewer, HTTP for an HTTP one.
    case matchViewer = "match-viewer"

    /// Whether a request from a viewer goes to the origin over HTTPS.
    public func usesHTTPS(viewer: ViewerProtocol) -> Bool {
        switch self {
        case .httpOnly: false
        case .httpsOnly: true
        case .matchViewer: viewer == .https
        }
    }
}

/// A protocol CloudFront may speak to a custom origin over HTTPS (`OriginSslProtocols`).
public enum OriginSSLProtocol: String, CaseIterable, Hashable, Sendable, Comparable {
    case sslv3 = "SSLv3"
    case tlsv1 = "TLSv1"
    case tlsv1_1 = "TLSv1.1"
    case tlsv1_2 = "TLSv1.2"

    /// TLS's minor version (SSLv3 counts as TLS 1.0: no TLS library this side offers it).
    public var tlsMinorVersion: Int {
        switch self {
        case .sslv3, .tlsv1: 0
        case .tlsv1_1: 1
        case .tlsv1_2: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.tlsMinorVersion < rhs.tlsMinorVersion }
}

/// A simulated viewer location: where requests come from, and its last-mile delay.
public struct ViewerSpec: Hashable, Sendable {
    /// The viewer's name (`tokyo-home`).
    public var id: String
    public var location: Location
    /// The viewer's access (last-mile) delay, its share of every round trip.
    public var access: Duration
    /// The loopback source address requests from this viewer use, if the topology fixes one.
    public var address: String?
    /// Where the viewer's recursive DNS resolver is, when it is not near the viewer (a public
    /// resolver abroad, a corporate one at headquarters). Distributions that route by resolver
    /// send the viewer to the edge nearest this place.
    public var resolver: Location?
    /// Where the viewer is declared.
    public var source: SourceLocation?

    /// Creates a viewer.
    public init(
        id: String,
        location: Location,
        access: Duration,
        address: String? = nil,
        resolver: Location? = nil,
        source: SourceLocation? = nil
    ) {
        self.id = id
        self.location = location
        self.access = access
        self.address = address
        self.resolver = resolver
        self.source = source
    }
}
