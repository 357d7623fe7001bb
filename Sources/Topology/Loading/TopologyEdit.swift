import Foundation
import Yams

/// A what-if change to a topology file, made on its YAML so everything else in the file stays
/// as written: remove an edge (from `edges`, from every distribution's list, and from link
/// overrides that name it), or add one at a place behind a hub.
public enum TopologyEdit {
    /// A change.
    public enum Change: Sendable, CustomStringConvertible {
        /// Take an edge out.
        case removeEdge(String)
        /// Add an edge at a latitude and longitude, behind a hub (the nearest when `nil`).
        case addEdge(id: String, latitude: Double, longitude: Double, hub: String?)

        public var description: String {
            switch self {
            case .removeEdge(let id): "without \(id)"
            case .addEdge(let id, let latitude, let longitude, let hub):
                "with \(id) at \(latitude), \(longitude)" + (hub.map { " behind \($0)" } ?? "")
            }
        }
    }

    /// The file's text with the changes made.
    /// - Parameters:
    ///   - text: The topology file's YAML.
    ///   - changes: What to change.
    ///   - topology: The loaded topology, to find the nearest hub and check ids.
    /// - Throws: ``TopologyEditError`` for an edge that is not there, one that already is, or a
    ///   file that is not a mapping.
    public static func apply(_ changes: [Change], to text: String, topology: Topology) throws -> String {
        guard var root = try? Yams.compose(yaml: text), root.mapping != nil else { throw TopologyEditError("the topology is not a YAML mapping") }
        for change in changes {
            switch change {
            case .removeEdge(let id):
                guard topology.edge(id) != nil, var edges = root["edges"]?.mapping else {
                    throw TopologyEditError("there is no edge '\(id)' to remove")
                }
                edges[id] = nil
                root["edges"] = .mapping(edges)
                for (name, distribution) in root["distributions"]?.mapping ?? [:] {
                    guard let list = distribution["edges"]?.sequence else { continue }
                    var changed = distribution
                    changed["edges"] = .sequence(.init(list.filter { $0.string != id }))
                    root["distributions"]?[name] = changed
                }
                if let links = root["links"]?.sequence {
                    root["links"] = .sequence(.init(links.filter { !($0["between"]?.sequence?.contains { $0.string == id } ?? false) }))
                }
            case .addEdge(let id, let latitude, let longitude, let hub):
                guard topology.edge(id) == nil else { throw TopologyEditError("there is already an edge '\(id)'") }
                let place = GeoPoint(latitude: latitude, longitude: longitude)
                guard
                    let chosen = hub
                        ?? topology.hubs.min(by: { $0.location.coordinate.distance(to: place) < $1.location.coordinate.distance(to: place) })?.id,
                    topology.hub(chosen) != nil
                else { throw TopologyEditError("there is no hub '\(hub ?? "")' for \(id)") }
                let location: Node = ["lat": Node(String(latitude)), "lon": Node(String(longitude))]
                root["edges"]?[id] = ["location": location, "hub": Node(chosen)]
                for (name, distribution) in root["distributions"]?.mapping ?? [:] {
                    guard let list = distribution["edges"]?.sequence else { continue }
                    var changed = distribution
                    changed["edges"] = .sequence(.init(Array(list) + [Node(id)]))
                    root["distributions"]?[name] = changed
                }
            }
        }
        return try Yams.serialize(node: root)
    }
}

/// A what-if change that cannot be made, said plainly.
public struct TopologyEditError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
