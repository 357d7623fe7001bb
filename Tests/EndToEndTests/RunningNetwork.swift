import CDNCore
import EdgesimTestSupport
import Foundation
import Launcher
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// A topology launched with the real `edgesim up`, as a user would: every node its own process.
/// Tests use it through ``withNetwork(_:_:)``, which always stops what it started and prints the
/// nodes' logs when a test fails.
final class RunningNetwork: @unchecked Sendable {
    let stateDirectory: URL
    let launcher: Process
    private(set) var state: NetworkState

    private init(stateDirectory: URL, launcher: Process, state: NetworkState) {
        self.stateDirectory = stateDirectory
        self.launcher = launcher
        self.state = state
    }

    /// A new scratch state directory.
    static func scratchDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-e2e-\(UUID().uuidString)")
    }

    /// Starts `edgesim up FILE` and waits (at most a minute) for its state file.
    static func start(_ topology: String, arguments: [String] = [], stateDirectory: URL? = nil) async throws -> RunningNetwork {
        let directory = stateDirectory ?? scratchDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let output = directory.appendingPathComponent("up.log")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["up", topology, "--state-dir", directory.path] + arguments
        process.currentDirectoryURL = CLI.packageRoot
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let state = try? NetworkState.load(from: directory.path) {
                return RunningNetwork(stateDirectory: directory, launcher: process, state: state)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        let log = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        throw NetworkError("edgesim up \(topology) did not become ready:\n\(log)")
    }

    /// Stops the network as `edgesim down` does (the library's ``NetworkShutdown``) and reaps
    /// the launcher; returns the processes that had to be killed.
    @discardableResult
    func stop() async -> [Int32] {
        let survivors = await NetworkShutdown.stop(state, stateDirectory: stateDirectory.path, timeout: .seconds(30))
        launcher.waitUntilExit()
        return survivors
    }

    /// Waits until none of the processes is alive; returns those still alive at the deadline.
    static func waitForExit(_ pids: [Int32], within limit: Duration) async -> [Int32] {
        await ProcessLiveness.waitForExit(pids, within: limit)
    }

    /// Reloads the state file (after a restart changed a pid).
    func reload() throws { state = try NetworkState.load(from: stateDirectory.path) }

    /// Every log of the run, for a failing test.
    func logs() -> String {
        var text = "--- up ---\n" + ((try? String(contentsOf: stateDirectory.appendingPathComponent("up.log"), encoding: .utf8)) ?? "")
        for node in state.nodes {
            text += "\n--- \(node.id) ---\n" + ((try? String(contentsOfFile: node.log, encoding: .utf8)) ?? "")
        }
        return text
    }

    func node(_ id: String) throws -> NetworkState.Node {
        try #require(state.node(id), "no node \(id) in the state file")
    }

    /// A GET from a viewer location to the edge routing picks for it (or the one named).
    func request(
        _ path: String,
        method: HTTPMethod = .GET,
        from viewer: String,
        edge: String? = nil,
        headers: [(String, String)] = []
    ) async throws -> ViewerClient.Reply {
        let record = try #require(state.viewer(viewer), "no viewer \(viewer)")
        let node = try self.node(edge ?? record.edge ?? "")
        return try await ViewerClient.get(
            method: method,
            host: node.host,
            port: node.port,
            path: path,
            from: record.address,
            hostHeader: state.distributions.first?.domain,
            headers: headers
        )
    }

    /// A node's Prometheus counter, summed over its label sets.
    func counter(_ name: String, of node: String) async throws -> Double {
        let record = try self.node(node)
        let reply = try await ViewerClient.get(host: record.host, port: record.adminPort, path: "/metrics", from: nil)
        return String(buffer: reply.body).split(separator: "\n")
            .filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }
}

/// Runs a body against a freshly launched network and always stops it. When anything in the
/// body fails, a thrown error or a single `#expect`, every node's log is recorded with the
/// failure. It checks that no process outlives the network.
func withNetwork(
    _ topology: String,
    arguments: [String] = [],
    stateDirectory: URL? = nil,
    _ body: (RunningNetwork) async throws -> Void
) async throws {
    let network = try await RunningNetwork.start(topology, arguments: arguments, stateDirectory: stateDirectory)
    // Swift Testing shows every issue to a known-issue matcher: this one only notes that one
    // happened and claims none, so each is still recorded as the failure it is.
    // (A thrown error is shown to it too; one that escapes it anyway is recorded here.)
    let failed = Mutex(false)
    do {
        try await withKnownIssue(isIntermittent: true) {
            try await body(network)
        } matching: { _ in
            failed.withLock { $0 = true }
            return false
        }
    } catch {
        failed.withLock { $0 = true }
        Issue.record(error)
    }
    if failed.withLock({ $0 }) { Issue.record("the network's logs:\n\(network.logs())") }
    let survivors = await network.stop()
    #expect(survivors.isEmpty, "processes outlived the network: \(survivors)")
    try? FileManager.default.removeItem(at: network.stateDirectory)
}

struct NetworkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension String {
    init(buffer: ByteBuffer) { self = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes) ?? "" }
}
