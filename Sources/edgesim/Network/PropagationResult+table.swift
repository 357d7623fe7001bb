import Foundation
import Registry
import Topology

extension PropagationResult {
    /// The result as `edgesim propagation` prints it: each node by switch time, the edges' spread, the notes.
    /// - Parameter start: What the first time column counts from (the publish, or a store write).
    func table(from start: String = "publish") -> String {
        var table = Table(
            ["node", "role", "location", "hub", "after \(start)", "after the epoch", "refused"],
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
                    + "max \(formatMilliseconds(.milliseconds(summary.max))), spread \(formatMilliseconds(.milliseconds(summary.spread))) (from the \(start))"
            )
        }
        lines += notes
        lines.append(converged ? "every node switched." : "NOT every node switched in time.")
        return lines.joined(separator: "\n")
    }
}
