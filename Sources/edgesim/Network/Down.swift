import ArgumentParser
import CDNCore
import Foundation

extension EdgeSim {
    /// `edgesim down`: stops the network running from a state directory.
    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the network that `edgesim up` runs from a state directory, and wait until every node has exited."
        )

        @OptionGroup var state: StateDirectoryOption

        @Option(help: "Seconds to wait for a clean stop before killing what is left.")
        var timeout = 20

        func run() async throws {
            let network = try state.load()
            let pids = [network.launcherPID] + network.nodes.map(\.pid).filter { $0 > 0 }
            if kill(network.launcherPID, SIGTERM) != 0 {
                // The launcher is gone (killed hard): stop its nodes directly.
                for node in network.nodes where node.pid > 0 { kill(node.pid, SIGTERM) }
            }
            let deadline = ContinuousClock.now + .seconds(timeout)
            while pids.contains(where: Self.isRunning), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let left = pids.filter(Self.isRunning)
            for pid in left { kill(pid, SIGKILL) }
            NetworkState.remove(from: state.path)
            Output.line(
                left.isEmpty
                    ? "stopped \(network.name): \(network.nodes.count) nodes"
                    : "stopped \(network.name); killed \(left.count) processes that did not exit within \(timeout) s"
            )
        }

        /// Whether a process exists (and is not a zombie we cannot reap).
        static func isRunning(_ pid: Int32) -> Bool {
            guard kill(pid, 0) == 0 else { return false }
            let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            return !status.contains(") Z ")
        }
    }
}
