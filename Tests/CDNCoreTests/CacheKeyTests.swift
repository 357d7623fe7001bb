import CDNCore
import HTTPTypes
import Testing
import Topology

@Suite struct CacheKeyTests {
    static let fields: HTTPFields = [
        .acceptLanguage: "ja", .userAgent: "curl/8", .cookie: "session=abc; theme=dark", .accept: "text/html",
    ]

    @Test func thePathAloneByDefault() {
        let a = CacheKey(host: "d1.cloudfront.net", path: "/a", query: "x=1", fields: Self.fields, policy: .init())
        let b = CacheKey(host: "d1.cloudfront.net", path: "/a", query: "x=2", fields: [:], policy: .init())
        #expect(a == b)
        #expect(a.description == "d1.cloudfront.net/a")
    }

    @Test func chosenQueryParametersInAnyOrder() {
        let policy = CacheKeyPolicy(queryStrings: .only(["page", "q"]))
        let a = CacheKey(host: "h", path: "/s", query: "q=cat&utm=1&page=2", fields: [:], policy: policy)
        let b = CacheKey(host: "h", path: "/s", query: "page=2&q=cat", fields: [:], policy: policy)
        let c = CacheKey(host: "h", path: "/s", query: "page=3&q=cat", fields: [:], policy: policy)
        #expect(a == b && a != c)
        #expect(a.query == ["page=2", "q=cat"])
    }

    @Test func headersAndCookiesThePolicyNames() {
        let policy = CacheKeyPolicy(headers: ["accept-language"], cookies: .only(["theme"]))
        let key = CacheKey(host: "h", path: "/", query: "", fields: Self.fields, policy: policy)
        #expect(key.headers == ["accept-language:ja"])
        #expect(key.cookies == ["theme=dark"])
        #expect(key.description == "h/ [accept-language:ja] {theme=dark}")
    }

    @Test(arguments: [
        ("/images/*", "/images/a.jpg", true), ("/images/*", "/img/a.jpg", false), ("/*", "/anything", true), ("/a.jpg", "/a.jpg", true),
        ("/a.jpg", "/a.jpeg", false),
    ])
    func invalidationPaths(pattern: String, path: String, removed: Bool) {
        let key = CacheKey(host: "h", path: path, query: "v=1", fields: [:], policy: CacheKeyPolicy(queryStrings: .all))
        #expect(key.isInvalidated(by: pattern) == removed)
    }
}
