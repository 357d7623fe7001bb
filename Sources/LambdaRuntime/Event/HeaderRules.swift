import Topology

/// Which headers a function may not see, add or change (spec §5).
public enum HeaderRules {
    /// Never shown to a function; adding one fails validation. Lowercase.
    static let disallowed: Set<String> = [
        "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "trailer",
        "upgrade", "x-accel-buffering", "x-accel-charset", "x-accel-limit-rate", "x-accel-redirect", "x-amzn-auth",
        "x-amzn-cf-billing", "x-amzn-cf-id", "x-amzn-cf-xff", "x-amzn-errortype", "x-amzn-fle-profile", "x-amzn-header-count",
        "x-amzn-header-order", "x-amzn-lambda-integration-tag", "x-amzn-requestid", "x-cache", "x-forwarded-proto", "x-real-ip",
    ]

    /// Whether a (lowercase) header name is disallowed in every event.
    public static func isDisallowed(_ name: String) -> Bool {
        disallowed.contains(name) || name.hasPrefix("x-amz-cf-") || name.hasPrefix("x-edge-") || name.hasPrefix("x-edgesim-")
    }

    /// The headers a function may read but not add, change or remove, per event. Lowercase.
    public static func readOnly(in event: EventType) -> Set<String> {
        switch event {
        case .viewerRequest: ["content-length", "host", "transfer-encoding", "via"]
        case .originRequest:
            [
                "accept-encoding", "content-length", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "transfer-encoding",
                "via",
            ]
        case .originResponse: ["transfer-encoding", "via"]
        case .viewerResponse: ["warning", "via"]
        }
    }
}
