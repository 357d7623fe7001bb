import ArgumentParser
import CDNCore
import Launcher
import Registry

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

    /// Runs calls to the running network's registry; a refusal or no answer is printed as
    /// `error: …` and the command exits 1.
    func withRegistry<T>(_ body: (RegistryClient) async throws -> T) async throws -> T {
        let network = try load()
        do {
            return try await body(try RegistryClient(network: network, stateDirectory: path))
        } catch let error as RegistryClientError {
            Output.error("error: \(error)")
            throw ExitCode(1)
        }
    }
}
