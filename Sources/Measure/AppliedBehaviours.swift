import CDNCore
import Foundation

/// Which of a distribution's behaviours met one request, read from what the edge answered:
/// its `Server-Timing` names (an error page, a stale copy served on error, an origin group's
/// failover, geo restriction, a refused signed URL, CORS, an Origin Shield) and a
/// `Content-Encoding` the edge made.
struct AppliedBehaviours: OptionSet, Sendable {
    let rawValue: UInt16

    static let errorPage = Self(rawValue: 1 << 0)
    static let staleOnError = Self(rawValue: 1 << 1)
    static let originFailover = Self(rawValue: 1 << 2)
    static let geoBlocked = Self(rawValue: 1 << 3)
    static let signedURLRefused = Self(rawValue: 1 << 4)
    static let cors = Self(rawValue: 1 << 5)
    static let originShield = Self(rawValue: 1 << 6)
    static let compressed = Self(rawValue: 1 << 7)

    /// Each behaviour's name: the edge's `Server-Timing` metric, or `compressed`.
    static let named: [(name: String, behaviour: AppliedBehaviours)] = [
        ("error-page", .errorPage), ("stale-on-error", .staleOnError), ("origin-failover", .originFailover), ("geo-blocked", .geoBlocked),
        ("signed-url-refused", .signedURLRefused), ("cors", .cors), ("origin-shield", .originShield), ("compressed", .compressed),
    ]
    private static let bytes = named.map { (Array($0.name.utf8), $0.behaviour) }

    /// The behaviour a `Server-Timing` metric's name stands for, if any: compared by length
    /// first, since most names (`cdn-pop`, `cdn-rid`, …) are none of these.
    static func of(metric name: ServerTiming.Bytes) -> AppliedBehaviours {
        for (known, behaviour) in bytes where known.count == name.count && known.elementsEqual(name) { return behaviour }
        return []
    }

    /// The names of the behaviours in a set.
    var names: [String] { Self.named.filter { contains($0.behaviour) }.map(\.name) }
}
