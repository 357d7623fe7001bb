import ArgumentParser
import CDNCore
import Foundation
import NIOCore
import NIOHTTP1
import Topology

extension EdgeSim {
    /// `edgesim invalidate DIST PATH…`: removes cached objects from every edge and hub.
    struct Invalidate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invalidate cached objects of a distribution on every edge and hub, as a CloudFront invalidation does.",
            discussion: "A path is exact (`/index.html`) or a prefix ending in `*` (`/images/*`, `/*`)."
        )

        @Argument(help: "The distribution id (or its domain name).")
        var distribution: String

        @Argument(help: "Paths to invalidate, each starting with '/'.")
        var paths: [String]

        @OptionGroup var state: StateDirectoryOption

        func validate() throws {
            if let bad = paths.first(where: { !$0.hasPrefix("/") }) { throw ValidationError("invalidation path '\(bad)' must start with '/'") }
        }

        func run() async throws {
            let network = try state.load()
            guard let target = network.distributions.first(where: { $0.id == distribution || $0.domain == distribution }) else {
                let known = network.distributions.map(\.id).joined(separator: ", ")
                throw ValidationError("no distribution '\(distribution)' in \(network.name) (it has \(known))")
            }
            let body = try JSONEncoder().encode(Invalidation(distribution: target.id, paths: paths))
            let caches = network.nodes.filter { $0.role == .edge || $0.role == .hub }
            let results = await withTaskGroup(of: (String, String).self) { group in
                for node in caches {
                    group.addTask {
                        do {
                            let reply = try await ViewerClient.get(
                                method: .POST,
                                host: node.host,
                                port: node.adminPort,
                                path: "/invalidate",
                                from: nil,
                                headers: [("Content-Type", "application/json")],
                                body: ByteBuffer(bytes: body),
                                timeout: .seconds(5)
                            )
                            guard reply.status == 200,
                                let result = try? JSONDecoder().decode(InvalidationResult.self, from: Data(reply.body.readableBytesView))
                            else { return (node.id, "failed: HTTP \(reply.status)") }
                            return (node.id, "\(result.removed)")
                        } catch {
                            return (node.id, "failed: \(error)")
                        }
                    }
                }
                return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            var table = Table(["node", "role", "objects removed"])
            for node in caches { table.add([node.id, node.role.rawValue, results[node.id] ?? ""]) }
            Output.line("invalidated \(paths.joined(separator: " ")) in \(target.id)")
            Output.line(table.render())
            if results.values.contains(where: { $0.hasPrefix("failed") }) { throw ExitCode(1) }
        }
    }
}
