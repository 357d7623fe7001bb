import ArgumentParser
import CDNCore
import Launcher

/// The `--state-dir` option the network commands share.
struct StateDirectoryOption: ParsableArguments {
    @Option(name: .customLong("state-dir"), help: "Where a running network keeps its state file and logs.", completion: .directory)
    var path = CachingNodeSettings.Default.stateDirectory

    /// The running network's state.
    func load() throws -> NetworkState {
        do {
            return try NetworkState.load(from: path)
        } catch {
            Output.error("error: \(error)")
            throw ExitCode(1)
        }
    }
}
