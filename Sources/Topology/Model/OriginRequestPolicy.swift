/// What an origin request policy sends to the origin beyond the cache key
/// (`OriginRequestPolicyConfig`), declared under `origin_request_policies:` or managed by AWS.
public struct OriginRequestPolicy: Hashable, Sendable {
    public var name: String
    /// A managed policy's AWS id; a declared one's own name.
    public var id: String
    /// The viewer's headers it sends (names lower case): `all` is CloudFront's `allViewer`.
    public var headers: CacheKeyPolicy.Selection
    /// CloudFront's own headers it sends besides (`CloudFront-Viewer-Country`, …, lower
    /// case): `allViewerAndWhitelistCloudFront`'s list, or those an allow list names.
    public var cloudFrontHeaders: [String]
    public var cookies: CacheKeyPolicy.Selection
    public var queryStrings: CacheKeyPolicy.Selection

    public init(
        name: String,
        id: String? = nil,
        headers: CacheKeyPolicy.Selection = .none,
        cloudFrontHeaders: [String] = [],
        cookies: CacheKeyPolicy.Selection = .none,
        queryStrings: CacheKeyPolicy.Selection = .none
    ) {
        self.name = name
        self.id = id ?? name
        self.headers = headers
        self.cloudFrontHeaders = cloudFrontHeaders
        self.cookies = cookies
        self.queryStrings = queryStrings
    }

    /// Whether a header name (lower case) is one CloudFront makes rather than the viewer sends.
    public static func isCloudFrontHeader(_ name: String) -> Bool { name.hasPrefix("cloudfront-") }

    /// The headers CloudFront makes that `AllViewerAndCloudFrontHeaders-2022-06` sends.
    static let allCloudFrontHeaders = [
        "CloudFront-Forwarded-Proto", "CloudFront-Is-Android-Viewer", "CloudFront-Is-Desktop-Viewer", "CloudFront-Is-IOS-Viewer",
        "CloudFront-Is-Mobile-Viewer", "CloudFront-Is-SmartTV-Viewer", "CloudFront-Is-Tablet-Viewer", "CloudFront-Viewer-Address",
        "CloudFront-Viewer-ASN", "CloudFront-Viewer-City", "CloudFront-Viewer-Country", "CloudFront-Viewer-Country-Name",
        "CloudFront-Viewer-Country-Region", "CloudFront-Viewer-Country-Region-Name", "CloudFront-Viewer-Http-Version",
        "CloudFront-Viewer-Latitude", "CloudFront-Viewer-Longitude", "CloudFront-Viewer-Metro-Code", "CloudFront-Viewer-Postal-Code",
        "CloudFront-Viewer-Time-Zone", "CloudFront-Viewer-TLS",
    ].map { $0.lowercased() }

    /// AWS's managed origin request policies (spec §7.6).
    public static let managed: [OriginRequestPolicy] = {
        let cors = ["origin", "access-control-request-headers", "access-control-request-method"]
        return [
            OriginRequestPolicy(name: "AllViewer", id: "216adef6-5c7f-47e4-b989-5492eafa07d3", headers: .all, cookies: .all, queryStrings: .all),
            OriginRequestPolicy(
                name: "AllViewerExceptHostHeader",
                id: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
                headers: .allExcept(["host"]),
                cookies: .all,
                queryStrings: .all
            ),
            OriginRequestPolicy(
                name: "AllViewerAndCloudFrontHeaders-2022-06",
                id: "33f36d7e-f396-46d9-90e0-52428a34d9dc",
                headers: .all,
                cloudFrontHeaders: allCloudFrontHeaders,
                cookies: .all,
                queryStrings: .all
            ),
            OriginRequestPolicy(name: "CORS-S3Origin", id: "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", headers: .only(cors)),
            OriginRequestPolicy(name: "CORS-CustomOrigin", id: "59781a5b-3903-41f3-afcb-af62929ccde1", headers: .only(["origin"])),
            OriginRequestPolicy(
                name: "UserAgentRefererHeaders",
                id: "acba4595-bd28-49b8-b9fe-13317c0390fa",
                headers: .only(["user-agent", "referer"])
            ),
            OriginRequestPolicy(
                name: "Elemental-MediaTailor-PersonalizedManifests",
                id: "775133bc-15f2-49f9-abea-afb2e0bf67d2",
                headers: .only(cors + ["user-agent", "x-forwarded-for"]),
                queryStrings: .all
            ),
        ]
    }()
}
