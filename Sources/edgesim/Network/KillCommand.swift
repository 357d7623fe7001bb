import ArgumentParser
import CDNCore
import Foundation
import Topology

extension EdgeSim {
    /// `edgesim kill NODE [--down D]`: a node of the running network dies as a machine does.
    struct KillCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kill",
            abstract: "Kill a node of the running network (kill -9), and keep it down for a while before `up` restarts it.",
            discussion: """
                `up` restarts a dead node within a quarter of a second, which hides an outage from GeoDNS's health \
                checks. With --down, the node stays dead that long first: its viewers move to the next edge the \
                routing policy gives them, then come back once it is restarted and healthy. `edgesim status` shows \
                it down meanwhile.
                """
        )

        @Argument(help: "The node's id (an edge, a hub, an origin, the registry).")
        var node: String

        @Option(help: "How long the node stays down before it is restarted (\"5 s\"); at once by default.")
        var down = DurationArgument(.zero)

        @OptionGroup var state: StateDirectoryOption

        func validate() throws {
            if down.value > .seconds(3600) { throw ValidationError("--down is at most an hour") }
        }

        func run() async throws {
            let network = try state.load()
            guard let target = network.node(node) else {
                throw ValidationError("no node '\(node)' in \(network.name) (it has \(network.nodes.map(\.id).joined(separator: ", ")))")
            }
            guard ProcessLiveness.isAlive(target.pid) else {
                throw ValidationError("\(node) is not running now (it is down, or being restarted)")
            }
            let hold = RestartHold(stateDirectory: state.path, node: node)
            try hold.place(until: Date().addingTimeInterval(down.value.inSeconds))
            guard kill(target.pid, SIGKILL) == 0 else {
                let reason = String(cString: strerror(errno))
                _ = hold.take()
                throw ValidationError("could not kill \(node) (pid \(target.pid)): \(reason)")
            }
            let restart = down.value > .zero ? "`up` restarts it in \(formatSeconds(down.value))" : "`up` restarts it at once"
            Output.line("killed \(node) (pid \(target.pid)); \(restart)")
        }

        private func formatSeconds(_ duration: Duration) -> String {
            String(format: "%.1f s", duration.inSeconds)
        }
    }
}
