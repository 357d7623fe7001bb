import HTTPTypes
import Topology

/// How a regional hub answered an edge's request: its result and how long the origin took,
/// link included. It crosses the hub→edge wire as two internal header fields, written and read
/// only here, and lives in the edge as part of the ``ResponseTrace``.
public struct HubTrace: Sendable, Equatable {
    /// How the hub answered.
    public var result: ResultType
    /// How long the hub waited on the origin, if it fetched.
    public var originTime: Duration?
    /// Why the origin gave no response, when it gave none: the hub's answer is then its own
    /// 502 or 504, and an origin group fails over.
    public var originFailure: UpstreamError.Kind?
    /// The Origin Shield the hub fetched through, when it did.
    public var shield: Shield?

    /// How an Origin Shield answered the hub that fetched through it.
    public struct Shield: Sendable, Equatable {
        /// The shield hub's id.
        public var id: String
        /// Whether its cache had the object: the edge's hit layer is then `Origin Shield`.
        public var servedFromCache: Bool
        /// How long the shield waited on the origin, if it fetched.
        public var originTime: Duration?

        public init(id: String, servedFromCache: Bool, originTime: Duration?) {
            self.id = id
            self.servedFromCache = servedFromCache
            self.originTime = originTime
        }
    }

    /// Creates a hub trace.
    public init(result: ResultType, originTime: Duration? = nil, originFailure: UpstreamError.Kind? = nil, shield: Shield? = nil) {
        self.result = result
        self.originTime = originTime
        self.originFailure = originFailure
        self.shield = shield
    }

    /// Whether the hub's cache had the object: the edge's hit layer is then `REC`.
    public var servedFromCache: Bool { result.isCacheHit }

    /// Writes the trace into the hub's response fields.
    public func write(to fields: inout HTTPFields) {
        fields[.edgesimHubResult] = result.rawValue
        if let originTime { fields[.edgesimOriginTime] = String(Double(originTime.nanoseconds) / 1e6) }
        if let originFailure { fields[.edgesimOriginFailure] = originFailure.failoverReason }
        if let shield {
            let time = shield.originTime.map { String(Double($0.nanoseconds) / 1e6) } ?? ""
            fields[.edgesimShield] = "\(shield.id);\(shield.servedFromCache ? "hit" : "miss");\(time)"
        }
    }

    /// Takes the trace out of a response from a hub, removing its fields; `nil` when the
    /// response did not come from one.
    public static func take(from fields: inout HTTPFields) -> HubTrace? {
        guard let raw = fields[.edgesimHubResult] else { return nil }
        let milliseconds = fields[.edgesimOriginTime].flatMap(Double.init)
        let failure = fields[.edgesimOriginFailure].map(UpstreamError.Kind.init(failoverReason:))
        fields[.edgesimHubResult] = nil
        fields[.edgesimOriginTime] = nil
        fields[.edgesimOriginFailure] = nil
        let shield = fields[.edgesimShield].map { $0.split(separator: ";", omittingEmptySubsequences: false) }.flatMap { parts -> Shield? in
            guard parts.count == 3 else { return nil }
            let time = Double(parts[2]).map { Duration.nanoseconds(Int64($0 * 1e6)) }
            return Shield(id: String(parts[0]), servedFromCache: parts[1] == "hit", originTime: time)
        }
        fields[.edgesimShield] = nil
        return HubTrace(
            result: ResultType(rawValue: raw) ?? .error,
            originTime: milliseconds.map { .nanoseconds(Int64($0 * 1e6)) },
            originFailure: failure,
            shield: shield
        )
    }
}
