/// What a distribution does with one error status from upstream (CloudFront's
/// `CustomErrorResponse`): how long the error stays cached, and optionally a page of its own
/// sent in its place, with a status of its own.
public struct CustomErrorResponse: Hashable, Sendable {
    /// The statuses CloudFront lets a distribution customize.
    public static let errorCodes: Set<Int> = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504]
    /// The statuses a custom page may be sent with: 200, or any of ``errorCodes``.
    public static let responseCodes: Set<Int> = errorCodes.union([200])
    /// CloudFront's `ErrorCachingMinTTL` when an entry does not set it.
    public static let defaultCachingMinimumTTL = Duration.seconds(10)
    /// CloudFront allows one entry per error code, so at most this many.
    public static let maximumEntries = errorCodes.count

    /// The page sent instead of the error.
    public struct Page: Hashable, Sendable {
        /// Its path (`/errors/404.html`), fetched through the cache from the behavior it matches.
        public var path: String
        /// The status it is sent with.
        public var responseCode: Int

        public init(path: String, responseCode: Int) {
            self.path = path
            self.responseCode = responseCode
        }
    }

    /// The upstream status this entry handles.
    public var errorCode: Int
    /// The page to send instead, or `nil` to send the error itself.
    public var page: Page?
    /// The shortest time the error (or the page in its place) stays cached for the object.
    public var cachingMinimumTTL: Duration

    public init(errorCode: Int, page: Page? = nil, cachingMinimumTTL: Duration = Self.defaultCachingMinimumTTL) {
        self.errorCode = errorCode
        self.page = page
        self.cachingMinimumTTL = cachingMinimumTTL
    }
}
