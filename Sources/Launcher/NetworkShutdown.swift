import CDNCore
import Foundation

/// Stops a network that `edgesim up` runs, from its state file: `edgesim down` and the tests'
/// network helper both stop a network this way.
public enum NetworkShutdown {
    /// Sends the launcher SIGTERM (or, when it is gone, every node), waits for every process to
    /// exit, kills what is left, and removes the state file.
    /// - Parameters:
    ///   - network: The running network's state.
    ///   - stateDirectory: Where its state file is.
    ///   - timeout: How long a clean stop may take.
    /// - Returns: The processes that had to be killed.
    public static func stop(_ network: NetworkState, stateDirectory: String, timeout: Duration) async -> [Int32] {
        let nodes = network.nodes.map(\.pid).filter { $0 > 0 }
        if kill(network.launcherPID, SIGTERM) != 0 {
            // The launcher is gone (killed hard): stop its nodes directly.
            for pid in nodes { kill(pid, SIGTERM) }
        }
        let left = await ProcessLiveness.waitForExit([network.launcherPID] + nodes, within: timeout)
        for pid in left { kill(pid, SIGKILL) }
        NetworkState.remove(from: stateDirectory)
        return left
    }
}
