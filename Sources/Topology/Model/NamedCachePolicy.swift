/// A cache policy as CloudFront names it (`CachePolicyConfig`): TTLs and a cache key, declared
/// once under `cache_policies:` and named by behaviors, or one of AWS's managed policies.
public struct NamedCachePolicy: Hashable, Sendable {
    /// Its name; a managed policy's without `Managed-`.
    public var name: String
    /// Its id: a managed policy's AWS id, a declared one's own name.
    public var id: String
    public var minimumTTL: Duration
    public var defaultTTL: Duration
    public var maximumTTL: Duration
    public var cacheKey: CacheKeyPolicy

    public init(
        name: String,
        id: String? = nil,
        minimumTTL: Duration = CacheBehavior.Default.minimumTTL,
        defaultTTL: Duration = CacheBehavior.Default.defaultTTL,
        maximumTTL: Duration = CacheBehavior.Default.maximumTTL,
        cacheKey: CacheKeyPolicy = .init()
    ) {
        self.name = name
        self.id = id ?? name
        self.minimumTTL = minimumTTL
        self.defaultTTL = defaultTTL
        self.maximumTTL = maximumTTL
        self.cacheKey = cacheKey
    }

    /// AWS's managed cache policies with the settings of spec §7.5. The last two's settings
    /// are not confirmed against AWS's page (the spec says so); their ids are.
    public static let managed: [NamedCachePolicy] = {
        let both = Set(CacheKeyPolicy.ContentCoding.allCases)
        func key(
            headers: [String] = [],
            cookies: CacheKeyPolicy.Selection = .none,
            query: CacheKeyPolicy.Selection = .none,
            encodings: Set<CacheKeyPolicy.ContentCoding>
        )
            -> CacheKeyPolicy
        {
            var policy = CacheKeyPolicy(queryStrings: query, headers: headers.map { $0.lowercased() }, cookies: cookies)
            policy.acceptEncodings = encodings
            return policy
        }
        let methodOverrides = ["Host", "Origin", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"]
        func policy(_ name: String, _ id: String, ttl: (Int64, Int64, Int64), _ cacheKey: CacheKeyPolicy) -> NamedCachePolicy {
            NamedCachePolicy(
                name: name,
                id: id,
                minimumTTL: .seconds(ttl.0),
                defaultTTL: .seconds(ttl.1),
                maximumTTL: .seconds(ttl.2),
                cacheKey: cacheKey
            )
        }
        return [
            policy("CachingOptimized", "658327ea-f89d-4fab-a63d-7e88639e58f6", ttl: (1, 86_400, 31_536_000), key(encodings: both)),
            policy("CachingDisabled", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", ttl: (0, 0, 0), key(encodings: [])),
            policy(
                "CachingOptimizedForUncompressedObjects",
                "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
                ttl: (1, 86_400, 31_536_000),
                key(encodings: [])
            ),
            policy(
                "Elemental-MediaPackage",
                "08627262-05a9-4f76-9ded-b50ca2e3a84f",
                ttl: (0, 86_400, 31_536_000),
                key(headers: ["Origin"], query: .only(["aws.manifestfilter", "start", "end", "m"]), encodings: [.gzip])
            ),
            policy(
                "Amplify",
                "2e54312d-136d-493c-8eb9-b001f22f67d2",
                ttl: (2, 2, 600),
                key(headers: ["Authorization", "CloudFront-Viewer-Country", "Host"], cookies: .all, query: .all, encodings: both)
            ),
            policy(
                "UseOriginCacheControlHeaders",
                "83da9c7e-98b4-4e11-a168-04f0df8e2c65",
                ttl: (0, 0, 31_536_000),
                key(headers: methodOverrides, cookies: .all, encodings: both)
            ),
            policy(
                "UseOriginCacheControlHeaders-QueryStrings",
                "4cc15a8a-d715-48a4-82b8-cc0b614638fe",
                ttl: (0, 0, 31_536_000),
                key(headers: methodOverrides, cookies: .all, query: .all, encodings: both)
            ),
        ]
    }()
}

/// How a behavior names a policy: a declared policy's name, a managed one's name with or
/// without `Managed-`, or a managed one's AWS id.
public enum PolicyName {
    /// The policy `name` picks among declared then managed ones, or `nil`.
    public static func find<Policy>(
        _ name: String,
        declared: [String: Policy],
        managed: [Policy],
        nameOf: (Policy) -> String,
        idOf: (Policy) -> String
    )
        -> Policy?
    {
        if let policy = declared[name] { return policy }
        let bare = name.hasPrefix("Managed-") ? String(name.dropFirst("Managed-".count)) : name
        return managed.first { nameOf($0) == bare || idOf($0) == name }
    }
}
