import Foundation
import Yams

extension TopologyParser {
    /// `links:` — per-link overrides of the latency model.
    func parseLinks(_ node: Node) throws {
        guard let items = try reader.items(node, what: "'links'") else { return }
        for item in items {
            guard let fields = try reader.fields(item, what: "a link", allowed: ["between", "rtt", "jitter", "loss", "bandwidth"]),
                let ends = try fields.strings("between", required: true)
            else { continue }
            guard ends.count == 2 else {
                try report(.invalidValue, "'between' of a link must name exactly two ends, found \(ends.count)", field: "between", of: fields)
                continue
            }
            let rtt = try fields.quantity("rtt", Quantity.duration)
            let jitter = try fields.quantity("jitter", Quantity.duration)
            let loss = try fields.quantity("loss", Quantity.ratio)
            let bandwidth = try fields.quantity("bandwidth", Quantity.rate)
            guard try checkLinkEnds(ends[0], ends[1], at: ends[1].node) else { continue }
            let what = "the link \(ends[0].text)–\(ends[1].text)"
            if let earlier = links.first(where: { $0.joins(ends[0].text, ends[1].text) }), let place = earlier.source {
                try reader.report(.duplicateID, "\(what) is already overridden at \(place.line):\(place.column)", at: item)
                continue
            }
            if let rtt, let floor = fibreFloor(between: ends[0].text, and: ends[1].text), rtt < floor.rtt {
                let message =
                    "'rtt' of \(what) is \(rtt.inMilliseconds.compact) ms, below the fibre floor of "
                    + "\(String(format: "%.1f", floor.rtt.inMilliseconds)) ms for their \(Int(floor.kilometres)) km: light in fibre is not that fast"
                try reader.report(.belowFibreFloor, message, at: fields["rtt"] ?? item)
            }
            links.append(
                LinkOverride(
                    between: ends[0].text,
                    and: ends[1].text,
                    rtt: rtt,
                    jitter: jitter,
                    loss: loss,
                    bandwidth: bandwidth,
                    source: reader.location(item)
                )
            )
        }
    }

    /// The fibre floor between two parsed endpoints, with their distance.
    private func fibreFloor(between a: String, and b: String) -> (rtt: Duration, kilometres: Double)? {
        guard let from = placement(of: a), let to = placement(of: b) else { return nil }
        let kilometres = from.coordinate.distance(to: to.coordinate)
        return (latency.fibreFloor(kilometres: kilometres), kilometres)
    }

    private func placement(of id: String) -> Location? {
        if id == RegistrySpec.id { return registry.location }
        let nodes: [any NodeSpec] = hubs + edges + origins
        return nodes.first { $0.id == id }?.location ?? viewers.first { $0.id == id }?.location
    }

    /// Only the hops the network really has can be overridden: viewer–edge, edge–its hub,
    /// edge–origin (requests CloudFront sends straight to the origin), hub–origin, hub–registry.
    private func checkLinkEnds(_ a: (text: String, node: Node), _ b: (text: String, node: Node), at node: Node) throws -> Bool {
        for end in [a, b] where declared[end.text] == nil {
            let known = declared.keys.sorted()
            try reader.report(
                .unknownReference,
                "a link names unknown node or viewer '\(end.text)'\(Suggestion.phrase(for: end.text, among: known))",
                at: end.node
            )
            return false
        }
        let roles = [declared[a.text]!.role, declared[b.text]!.role]
        let pair = Set(roles)
        let edgeID = roles[0] == "edge" ? a.text : b.text
        let hubID = roles[0] == "hub" ? a.text : b.text
        let isLink =
            switch pair {
            case ["viewer", "edge"], ["edge", "origin"], ["hub", "origin"], ["hub", "the registry"]: true
            case ["edge", "hub"]: edges.first { $0.id == edgeID }.map { $0.hub == hubID } ?? true
            default: false
            }
        guard isLink else {
            let message =
                "no link joins \(roles[0]) '\(a.text)' and \(roles[1]) '\(b.text)': links join a viewer and an edge, an edge and its hub, "
                + "an edge or a hub and an origin, and a hub and the registry"
            try reader.report(.invalidValue, message, at: a.node)
            return false
        }
        return true
    }
}
