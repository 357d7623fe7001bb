import ArgumentParser
import CDNCore
import Foundation
import Launcher

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
            let left = await NetworkShutdown.stop(network, stateDirectory: state.path, timeout: .seconds(timeout))
            Output.line(
                left.isEmpty
                    ? "stopped \(network.name): \(network.nodes.count) nodes"
                    : "stopped \(network.name); killed \(left.count) processes that did not exit within \(timeout) s"
            )
        }
    }
}
