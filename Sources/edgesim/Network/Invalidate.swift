import ArgumentParser
import CDNCore
import Foundation
import NIOCore
import NIOHTTP1
import Replication
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
            let answers = await Invalidation(distribution: target.id, paths: paths)
                .send(to: network, token: try? RegistryToken.load(stateDirectory: state.path))
            let caches = network.nodes.filter { $0.role == .edge || $0.role == .hub }
            let results = answers.mapValues { answer -> String in
                switch answer {
                case .removed(let count): "\(count)"
                case .failed(let reason): "failed: \(reason)"
                }
            }
            var table = Table(["node", "role", "objects removed"])
            for node in caches { table.add([node.id, node.role.rawValue, results[node.id] ?? ""]) }
            Output.line("invalidated \(paths.joined(separator: " ")) in \(target.id)")
            Output.line(table.render())
            if results.values.contains(where: { $0.hasPrefix("failed") }) { throw ExitCode(1) }
        }
    }
}
