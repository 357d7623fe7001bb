import HTTPTypes
import Topology

/// What identifies a cached object: the distribution's domain, the path, and the query
/// parameters, headers and cookies that the behavior's cache key policy names.
///
/// Names are sorted, so `?b=2&a=1` and `?a=1&b=2` share one entry; header names are lower case.
public struct CacheKey: Hashable, Sendable, CustomStringConvertible {
    /// The distribution's domain name.
    public var host: String
    /// The request path, without the query string.
    public var path: String
    /// The query parameters in the key, `name=value`, sorted.
    public var query: [String]
    /// The headers in the key, `name:value`, sorted.
    public var headers: [String]
    /// The cookies in the key, `name=value`, sorted.
    public var cookies: [String]

    /// Builds the key for a request under a policy.
    /// - Parameters:
    ///   - host: The distribution's domain name.
    ///   - path: The request path (after viewer-request changes, which is why they alter the key).
    ///   - query: The query string, without `?`.
    ///   - fields: The request's header fields.
    ///   - policy: The behavior's cache key policy.
    public init(host: String, path: String, query: String, fields: HTTPFields, policy: CacheKeyPolicy) {
        self.host = host
        self.path = path
        let parameters = query.split(separator: "&").map(String.init).filter { !$0.isEmpty }
        self.query = policy.queryStrings.kept(parameters).sorted()
        var headers = policy.headers.flatMap { name in
            HTTPField.Name(name).map { field in fields[values: field].map { "\(name):\($0)" } } ?? []
        }
        // The edge has normalised it (`br,gzip`, `gzip`, `br`); `identity` keys as none.
        if !policy.acceptEncodings.isEmpty, let encoding = fields[.acceptEncoding], encoding != "identity" {
            headers.append("accept-encoding:\(encoding)")
        }
        self.headers = headers.sorted()
        self.cookies = policy.cookies.kept(fields.cookiePairs).sorted()
    }

    /// Whether an invalidation path removes this object: an exact path, or a prefix ending in `*`.
    /// Every query, header and cookie variant of the path goes, as CloudFront invalidates.
    public func isInvalidated(by pattern: String) -> Bool {
        pattern.hasSuffix("*") ? path.hasPrefix(pattern.dropLast()) : path == pattern
    }

    public var description: String {
        var text = host + path
        if !query.isEmpty { text += "?" + query.joined(separator: "&") }
        if !headers.isEmpty { text += " [" + headers.joined(separator: ", ") + "]" }
        if !cookies.isEmpty { text += " {" + cookies.joined(separator: "; ") + "}" }
        return text
    }
}
