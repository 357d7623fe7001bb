import CDNCore
import Foundation
import Topology

/// The demo's requests: two per viewer, from its own source address, to the edge routing picks.
enum DemoRun {
    struct Row: Sendable {
        var viewer: String
        var location: String
        var edge: String
        var modelled: Double
        var first: String
        var second: String
    }

    static func requests(state: NetworkState, viewers: [ViewerSpec], path: String) async -> [Row] {
        await withTaskGroup(of: Row?.self) { group in
            for viewer in viewers {
                guard let record = state.viewer(viewer.id), let edgeID = record.edge, let edge = state.node(edgeID) else { continue }
                group.addTask {
                    var cells: [String] = []
                    for _ in 0..<2 {
                        do {
                            let reply = try await ViewerClient.get(
                                host: edge.host,
                                port: edge.port,
                                path: path,
                                from: record.address,
                                hostHeader: state.distributions.first?.domain
                            )
                            let result = (reply.header("X-Cache") ?? "?").replacingOccurrences(of: " from cloudfront", with: "")
                            let layer = ServerTiming(parsing: reply.header("Server-Timing") ?? "").detail("cdn-hit-layer")
                            cells.append("\(formatMilliseconds(reply.elapsed)) \(result)\(layer.map { " (\($0))" } ?? "")")
                        } catch {
                            cells.append("failed: \(error)")
                        }
                    }
                    return Row(
                        viewer: viewer.id,
                        location: record.location,
                        edge: edgeID,
                        modelled: record.rttMilliseconds ?? 0,
                        first: cells[0],
                        second: cells[1]
                    )
                }
            }
            var rows: [Row] = []
            for await row in group { if let row { rows.append(row) } }
            return rows.sorted { $0.modelled < $1.modelled }
        }
    }

    static func table(_ rows: [Row]) -> String {
        var table = Table(
            ["viewer", "location", "edge", "modelled RTT", "1st request", "2nd request"],
            alignments: [.left, .left, .left, .right, .left, .left]
        )
        for row in rows {
            table.add([row.viewer, row.location, row.edge, formatMilliseconds(.nanoseconds(Int64(row.modelled * 1e6))), row.first, row.second])
        }
        return table.render()
    }
}
