import ArgumentParser
import CDNCore
import Foundation
import GeoDNS
import Topology

extension EdgeSim {
    /// `edgesim route FILE --from VIEWER`: where a viewer's request goes, hop by hop.
    struct RouteCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "route",
            abstract: "Show the edge each viewer reaches, its hub and origin, and the modelled RTT of every hop.",
            discussion: """
                A viewer reaches the edge the distribution's routing policy picks: by default the one with the lowest \
                modelled RTT among those serving it (its price class included), or the one nearest the viewer's resolver, \
                or, for the viewers in an anycast-like share, the second-nearest. The 'why' column says which. With --live, \
                the running network's GeoDNS server is asked from each viewer's address, so edges out of routing (failed \
                health checks) are passed over, as viewers' own lookups pass them over.
                """
        )

        @Argument(help: "The topology file.", completion: .file(extensions: ["yaml", "yml"]))
        var file: String

        @Option(name: .customLong("from"), help: "A viewer's name, or 'all' for every viewer (the default).")
        var viewer = "all"

        @Option(help: "The distribution's id or domain (needed when the topology has several).")
        var distribution: String?

        @Option(help: "The request path: it picks the cache behavior, and so the origin.")
        var path = "/"

        @Flag(help: "Print JSON for scripts instead of a table.")
        var json = false

        @Flag(
            help:
                "Also say which of the distribution's behaviours the request meets: geo restriction, the root object, signed URLs, functions, the origin group, error pages."
        )
        var explain = false

        @Flag(help: "Route as the running network's GeoDNS does now, live health included.")
        var live = false

        @OptionGroup var state: StateDirectoryOption

        func run() async throws {
            let topology: Topology
            do {
                topology = try TopologyLoader.load(path: file)
            } catch {
                for diagnostic in error.diagnostics { Output.error(diagnostic.description) }
                throw ExitCode(1)
            }
            let viewers = viewer == "all" ? topology.viewers.map(\.id) : [viewer]
            // The running network is read once, for every viewer's lookup.
            let network = live ? try state.load() : nil
            var routes: [Route] = []
            do {
                for id in viewers {
                    var answered: String?
                    if let network { answered = try await Self.answer(for: id, topology: topology, distribution: distribution, network: network) }
                    routes.append(try topology.route(viewer: id, distribution: distribution, path: path, answered: answered))
                }
            } catch let error as RoutingError {
                Output.error("\(file): error: \(error)")
                throw ExitCode(1)
            }
            if json {
                Output.line(try RouteReport.json(routes, path: path, explain: explain))
            } else if routes.count == 1, let route = routes.first {
                Output.line(Self.detail(route))
            } else {
                Output.line(Self.summary(routes))
            }
            if explain, !json {
                for route in routes {
                    Output.line("\nGET \(path) from \(route.viewer.id) at \(route.edge.id):")
                    for line in RouteExplanation.lines(route, path: path) { Output.line("  " + line) }
                }
            }
        }

        /// The edge the running GeoDNS answers a viewer with now, asked from the viewer's address.
        static func answer(
            for viewer: String,
            topology: Topology,
            distribution: String?,
            network: NetworkState
        ) async throws -> String? {
            guard let dns = network.node("dns") else { throw ValidationError("the running network has no GeoDNS server") }
            guard let spec = distribution.flatMap(topology.distribution) ?? topology.distributions.first,
                let address = network.viewer(viewer)?.address
            else { return nil }
            let answer = try await DNSClient.resolve(spec.domainName, server: dns.host, port: dns.port, from: address)
            return network.nodes.first { $0.role == .edge && answer.contains($0.host) }?.id
        }

        /// One viewer's route: each hop on its own line, then the runners-up.
        static func detail(_ route: Route) -> String {
            var lines = [
                "viewer \(route.viewer.id) (\(route.viewer.location.label)) → \(route.distribution.id) \(route.distribution.domainName)\(route.behavior.pathPattern == "*" ? "" : " [behavior \(route.behavior.pathPattern)]")",
                "",
            ]
            var table = Table(["hop", "from", "to", "distance", "RTT"], alignments: [.left, .left, .left, .right, .right])
            let names = ["viewer → edge", "edge → hub"] + (route.shield == nil ? ["hub → origin"] : ["hub → shield", "shield → origin"])
            for (index, hop) in route.hops.enumerated() {
                table.add([names[index], hop.from, hop.to, "\(Int(hop.kilometres.rounded())) km", formatMilliseconds(hop.rtt)])
            }
            table.add(["total", "", "", "", formatMilliseconds(route.total)])
            lines.append(table.render())
            lines += ["", "why \(route.edge.id): \(route.why) (routing: \(route.distribution.routing.summary))"]
            if !route.alternatives.isEmpty {
                let next = route.alternatives.prefix(3).map { "\($0.edge) \(formatMilliseconds($0.rtt))" }.joined(separator: ", ")
                lines += ["", "next nearest edges: \(next)"]
            }
            return lines.joined(separator: "\n")
        }

        /// Every viewer's route, one row each.
        static func summary(_ routes: [Route]) -> String {
            var table = Table(
                ["viewer", "where", "edge", "why", "hub", "origin", "viewer→edge", "edge→hub", "hub→origin", "total"],
                alignments: [.left, .left, .left, .left, .left, .left, .right, .right, .right, .right]
            )
            for route in routes {
                // Through a shield, hub→origin is the hub→shield and shield→origin legs together.
                let legs = route.hops.prefix(2).map(\.rtt) + [route.hops.dropFirst(2).reduce(.zero) { $0 + $1.rtt }]
                let rtts = legs.map(formatMilliseconds)
                let origin = route.shield.map { "\(route.origin.id) via \($0.id)" } ?? route.origin.id
                table.add(
                    [route.viewer.id, route.viewer.location.label, route.edge.id, route.reason.rawValue, route.hub.id, origin] + rtts + [
                        formatMilliseconds(route.total)
                    ]
                )
            }
            let header =
                routes.first.map {
                    "\($0.distribution.id) \($0.distribution.domainName) — routing: \($0.distribution.routing.summary) — modelled round trips\n\n"
                } ?? ""
            return header + table.render()
        }
    }
}

/// The JSON `edgesim route --json` prints: one object per viewer, milliseconds as numbers.
struct RouteReport: Codable {
    struct Hop: Codable {
        var from: String
        var to: String
        var kilometres: Double
        var rttMs: Double
    }
    struct Alternative: Codable {
        var edge: String
        var rttMs: Double
    }

    var viewer: String
    var distribution: String
    /// Why this edge: nearest, resolver, second-nearest or failover.
    var reason: String
    var domain: String
    var path: String
    var behavior: String
    var edge: String
    var hub: String
    var origin: String
    var hops: [Hop]
    var totalMs: Double
    var alternatives: [Alternative]
    /// With `--explain`: what the request meets, one line each.
    var explain: [String]?

    init(_ route: Route, path: String, explain: Bool = false) {
        viewer = route.viewer.id
        distribution = route.distribution.id
        reason = route.reason.rawValue
        domain = route.distribution.domainName
        self.path = path
        behavior = route.behavior.pathPattern
        edge = route.edge.id
        hub = route.hub.id
        origin = route.origin.id
        hops = route.hops.map { Hop(from: $0.from, to: $0.to, kilometres: ($0.kilometres * 10).rounded() / 10, rttMs: $0.rtt.roundedMilliseconds) }
        totalMs = route.total.roundedMilliseconds
        alternatives = route.alternatives.map { Alternative(edge: $0.edge, rttMs: $0.rtt.roundedMilliseconds) }
        self.explain = explain ? RouteExplanation.lines(route, path: path) : nil
    }

    /// The routes as a JSON array, keys in snake case.
    static func json(_ routes: [Route], path: String = "/", explain: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(routes.map { RouteReport($0, path: path, explain: explain) }), as: UTF8.self)
    }
}

extension Duration {
    /// Milliseconds to three decimals (microsecond precision), for JSON.
    var roundedMilliseconds: Double { (inMilliseconds * 1000).rounded() / 1000 }
}

extension Route {
    /// Why the viewer reaches its edge, in a sentence's worth of words.
    var why: String {
        switch reason {
        case .nearest:
            distribution.routing.priceClass == .all
                ? "the nearest edge" : "the nearest edge in \(distribution.routing.priceClass.rawValue)"
        case .resolver:
            "the edge nearest the viewer's resolver (\(viewer.resolver?.label ?? "?")), not the viewer"
        case .secondNearest:
            "the viewer is in the \(Int((distribution.routing.secondNearestShare * 100).rounded()))% anycast-like share sent to its second-nearest edge"
        case .failover:
            "the GeoDNS answer: the edges the policy prefers are out of routing"
        }
    }
}
