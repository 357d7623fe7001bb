import ArgumentParser
import Foundation
import NIOHTTP1
import Registry
import Topology

extension EdgeSim {
    /// `edgesim deployment [--watch]`: where every hub and edge stands with the newest config.
    struct DeploymentCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deployment",
            abstract: "Show each node's config epoch, the versions it holds and whether it has switched (InProgress/Deployed).",
            discussion: "The distribution reads Deployed only once every hub and edge runs the newest config epoch."
        )

        @Flag(help: "Refresh until every node is Deployed.") var watch = false
        @Flag(help: "Print the registry's JSON instead of a table.") var json = false
        @Option(help: "With --watch, give up after this many seconds (exit 1).") var timeout = 900
        @OptionGroup var state: StateDirectoryOption

        func run() async throws {
            let started = ContinuousClock.now
            let terminal = isatty(STDOUT_FILENO) == 1
            var last = ""
            while true {
                let data = try await state.withRegistry { try await $0.send(.GET, "/deployment") }
                if json {
                    Output.line(String(decoding: data, as: UTF8.self))
                    return
                }
                let status = try JSONDecoder().decode(DeploymentStatus.self, from: data)
                let text = Self.render(status)
                if text != last {
                    Output.line(terminal && watch && !last.isEmpty ? "\u{1B}[H\u{1B}[2J" + text : text)
                    last = text
                }
                guard watch, status.status != .deployed else { return }
                guard ContinuousClock.now - started < .seconds(timeout) else {
                    Output.error("still InProgress after \(timeout) s")
                    throw ExitCode(1)
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }

        /// The status line and the per-node table.
        static func render(_ status: DeploymentStatus) -> String {
            var table = Table(
                ["node", "role", "epoch", "stored", "status", "switched", "versions", "refused"],
                alignments: [.left, .left, .right, .right, .left, .right, .left, .left]
            )
            for node in status.nodes {
                let switched = zip(node.switchedAt, status.madeAt).map { formatMilliseconds(.seconds($0 - $1)) } ?? "-"
                table.add([
                    node.node, node.role.rawValue, "\(node.epoch)", "\(node.storedEpoch)", node.status.rawValue, switched,
                    node.versions.map(\.description).joined(separator: ", "),
                    node.refused.isEmpty ? "" : "\(node.refused.count): \(node.refused.last ?? "")",
                ])
            }
            let deployed = status.nodes.filter { $0.status == .deployed }.count
            return "config epoch \(status.epoch): \(status.status.rawValue) (\(deployed)/\(status.nodes.count) nodes switched)\n" + table.render()
        }
    }
}

/// `zip` for two optionals.
private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
