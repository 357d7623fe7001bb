/// How a distribution's viewers are sent to edges: CloudFront's price class, and two realism
/// switches for the ways DNS-based routing strays from "the nearest edge".
///
/// The default — every edge, located by the viewer's own address, no anycast share — is plain
/// nearest-by-modelled-RTT routing. `edgesim route`, `measure` and the GeoDNS server all apply a
/// policy through ``Topology/routedEdges(from:serving:excluding:)``, so they never disagree.
public struct RoutingPolicy: Hashable, Sendable {
    /// Whose location the DNS answer is chosen for.
    public enum Locator: String, Hashable, Sendable, CaseIterable {
        /// The viewer's own (the address it asks from, or the EDNS Client Subnet it sends).
        case viewer
        /// The viewer's recursive resolver's, as DNS-based CDNs see queries that carry no Client
        /// Subnet: a viewer whose resolver is far away is sent to an edge near the resolver.
        case resolver
    }

    /// The edges the distribution may use (CloudFront's `PriceClass`).
    public var priceClass: PriceClass
    /// Whose location picks the edge.
    public var locateBy: Locator
    /// The share of viewers (0…1) sent to their second-nearest edge instead of the nearest, as
    /// anycast routing does when BGP's shortest path is not the lowest-latency one.
    public var secondNearestShare: Double

    /// Plain nearest-edge routing over every edge.
    public static let nearest = RoutingPolicy()

    /// Creates a policy.
    public init(priceClass: PriceClass = .all, locateBy: Locator = .viewer, secondNearestShare: Double = 0) {
        self.priceClass = priceClass
        self.locateBy = locateBy
        self.secondNearestShare = secondNearestShare
    }

    /// The policy in a few words, for tables: "nearest", "PriceClass_100, resolver, 25% second-nearest".
    public var summary: String {
        var parts: [String] = []
        if priceClass != .all { parts.append(priceClass.rawValue) }
        if locateBy == .resolver { parts.append("by resolver") }
        if secondNearestShare > 0 { parts.append("\(Int((secondNearestShare * 100).rounded()))% second-nearest") }
        return parts.isEmpty ? "nearest" : parts.joined(separator: ", ")
    }
}

/// CloudFront's price classes: which edge locations a distribution may be served from, by the
/// country each edge is in. A viewer outside the class's regions is served by the nearest edge
/// inside them, farther away.
public enum PriceClass: String, Hashable, Sendable, CaseIterable {
    /// The United States, Canada, Mexico, Europe and Israel.
    case priceClass100 = "PriceClass_100"
    /// PriceClass_100 plus Africa's, the Middle East's and most of Asia's edge locations.
    case priceClass200 = "PriceClass_200"
    /// Every edge location.
    case all = "PriceClass_All"

    /// Whether an edge in a country (ISO 3166-1 alpha-2) serves under this class.
    public func includes(country: String) -> Bool {
        switch self {
        case .all: true
        case .priceClass100: Self.class100Countries.contains(country)
        case .priceClass200: Self.class100Countries.contains(country) || Self.class200Countries.contains(country)
        }
    }

    /// North America (the US, Canada, Mexico), Europe and Israel.
    static let class100Countries: Set<String> = [
        "US", "CA", "MX", "IL",
        "AD", "AL", "AT", "BA", "BE", "BG", "BY", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FO", "FR", "GB", "GG", "GI",
        "GR", "HR", "HU", "IE", "IM", "IS", "IT", "JE", "LI", "LT", "LU", "LV", "MC", "MD", "ME", "MK", "MT", "NL", "NO", "PL",
        "PT", "RO", "RS", "SE", "SI", "SK", "SM", "UA", "VA", "XK",
    ]

    /// What PriceClass_200 adds: South Africa, Kenya, Nigeria, Egypt, the Middle East, Türkiye,
    /// Japan, South Korea, Taiwan, Hong Kong, Singapore, the Philippines, India, Indonesia,
    /// Thailand, Malaysia and Vietnam.
    static let class200Countries: Set<String> = [
        "ZA", "KE", "NG", "EG",
        "AE", "BH", "JO", "KW", "LB", "OM", "QA", "SA", "TR",
        "JP", "KR", "TW", "HK", "SG", "PH", "IN", "ID", "TH", "MY", "VN",
    ]
}
