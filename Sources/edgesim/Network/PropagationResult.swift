import Foundation
import Topology

/// What `edgesim propagation` found: when each node switched, counted from the publish and from
/// the association, and the spread.
struct PropagationResult: Codable {
    /// One node's arrival.
    struct Node: Codable {
        var node: String
        var role: NodeRole
        var location: String
        var hub: String?
        /// When it switched, seconds since 1970; `nil` if it had not by the end.
        var switchedAt: Double?
        var refused: [String]
    }

    /// The version that went out, `name:N`.
    var function: String
    /// Its config epoch.
    var epoch: Int
    /// When publishing began, seconds since 1970.
    var publishedAt: Double
    /// When the registry made the epoch.
    var associatedAt: Double
    var nodes: [Node]
    /// Whether every node switched in time.
    var converged: Bool
    /// What the fault options did.
    var notes: [String]

    /// Milliseconds from the publish to each switched node's switch, by node.
    var fromPublish: [String: Double] {
        Dictionary(uniqueKeysWithValues: nodes.compactMap { node in node.switchedAt.map { (node.node, ($0 - publishedAt) * 1000) } })
    }

    /// p50, p90 and max over the edges (ms from the publish), and the spread (max − min).
    var summary: (p50: Double, p90: Double, max: Double, spread: Double)? {
        let times = nodes.filter { $0.role == .edge }.compactMap { fromPublish[$0.node] }.sorted()
        guard let first = times.first, let last = times.last else { return nil }
        func quantile(_ q: Double) -> Double { times[min(times.count - 1, Int((Double(times.count - 1) * q).rounded()))] }
        return (quantile(0.5), quantile(0.9), last, last - first)
    }

    func table() -> String {
        var table = Table(
            ["node", "role", "location", "hub", "after publish", "after associate", "refused"],
            alignments: [.left, .left, .left, .left, .right, .right, .left]
        )
        for node in nodes.sorted(by: { ($0.switchedAt ?? .infinity, $0.node) < ($1.switchedAt ?? .infinity, $1.node) }) {
            let switched = node.switchedAt
            table.add([
                node.node, node.role.rawValue, node.location, node.hub ?? "",
                switched.map { formatMilliseconds(.seconds($0 - publishedAt)) } ?? "not switched",
                switched.map { formatMilliseconds(.seconds($0 - associatedAt)) } ?? "",
                node.refused.last ?? "",
            ])
        }
        var lines = ["\(function), config epoch \(epoch)", table.render()]
        if let summary {
            lines.append(
                "edges: p50 \(formatMilliseconds(.milliseconds(summary.p50))), p90 \(formatMilliseconds(.milliseconds(summary.p90))), "
                    + "max \(formatMilliseconds(.milliseconds(summary.max))), spread \(formatMilliseconds(.milliseconds(summary.spread))) (from the publish)"
            )
        }
        lines += notes
        lines.append(converged ? "every node switched." : "NOT every node switched in time.")
        return lines.joined(separator: "\n")
    }
}
