import Foundation
import Topology

/// What `edgesim propagation` found: when each node switched, counted from the publish and from
/// the association, and the spread.
public struct PropagationResult: Codable, Sendable {
    /// One node's arrival.
    public struct Node: Codable, Sendable {
        public var node: String
        public var role: NodeRole
        public var location: String
        public var hub: String?
        /// When it switched, seconds since 1970; `nil` if it had not by the end.
        public var switchedAt: Double?
        public var refused: [String]
    }

    /// The version that went out, `name:N`.
    public var function: String
    /// Its config epoch.
    public var epoch: Int
    /// When publishing began, seconds since 1970.
    public var publishedAt: Double
    /// When the registry made the epoch.
    public var associatedAt: Double
    public var nodes: [Node]
    /// Whether every node switched in time.
    public var converged: Bool
    /// What the fault options did.
    public var notes: [String]

    /// Milliseconds from the publish to each switched node's switch, by node.
    public var fromPublish: [String: Double] {
        Dictionary(uniqueKeysWithValues: nodes.compactMap { node in node.switchedAt.map { (node.node, ($0 - publishedAt) * 1000) } })
    }

    /// p50, p90 and max over the edges (ms from the publish), and the spread (max − min).
    public var summary: (p50: Double, p90: Double, max: Double, spread: Double)? {
        let times = nodes.filter { $0.role == .edge }.compactMap { fromPublish[$0.node] }.sorted()
        guard let first = times.first, let last = times.last else { return nil }
        func quantile(_ q: Double) -> Double { times[min(times.count - 1, Int((Double(times.count - 1) * q).rounded()))] }
        return (quantile(0.5), quantile(0.9), last, last - first)
    }
}
