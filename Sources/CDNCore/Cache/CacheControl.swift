import HTTPTypes

/// The directives of a `Cache-Control` header that decide whether and how long CloudFront caches
/// a response (RFC 9111 §5.2.2).
public struct CacheControl: Hashable, Sendable {
    /// `max-age=N`, in seconds.
    public var maxAge: Int?
    /// `s-maxage=N`, in seconds: for shared caches such as CloudFront, it wins over `max-age`.
    public var sharedMaxAge: Int?
    /// `no-cache`: the response may not be served without revalidation.
    public var noCache = false
    /// `no-store`: the response may not be stored at all.
    public var noStore = false
    /// `private`: only the viewer's own cache may store it.
    public var isPrivate = false

    /// Creates an empty set of directives.
    public init() {}

    /// Reads the directives from every `Cache-Control` field of a response; unknown directives and
    /// malformed numbers are ignored, as caches do.
    /// - Parameter fields: The response's header fields.
    public init(_ fields: HTTPFields) {
        for value in fields[values: .cacheControl] {
            for directive in value.split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimming(" \t\"") }
                guard let name = parts.first?.lowercased() else { continue }
                let seconds = parts.count > 1 ? Int(parts[1]).map { max(0, $0) } : nil
                switch name {
                case "max-age": maxAge = seconds ?? maxAge
                case "s-maxage": sharedMaxAge = seconds ?? sharedMaxAge
                case "no-cache": noCache = true
                case "no-store": noStore = true
                case "private": isPrivate = true
                default: break
                }
            }
        }
    }

    /// The lifetime the origin states for a shared cache: `s-maxage`, else `max-age`.
    public var sharedLifetime: Int? { sharedMaxAge ?? maxAge }

    /// Whether the origin forbids a shared cache to serve the response as it is.
    public var forbidsSharedCaching: Bool { noCache || noStore || isPrivate }
}
