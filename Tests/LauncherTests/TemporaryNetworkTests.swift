import CDNCore
import EdgesimTestSupport
import Foundation
import Launcher
import Synchronization
import Testing
import Topology

/// A network for the length of one piece of work: every node a real process of the built
/// executable, started, used and stopped, with nothing left behind.
@Suite struct TemporaryNetworkTests {
    @Test func startsEveryNodeRunsTheBodyThenStopsThemAll() async throws {
        let file = CLI.packageRoot.appendingPathComponent("topologies/minimal.yaml").path
        let topology = try #require(TopologyLoader.check(path: file).topology)
        let said = Said()
        let outcome = try await TemporaryNetwork.run(topology, file: file, executable: CLI.executable.path, progress: said.add) { state in
            let edge = try #require(state.node("NRT50"))
            let reply = try await ViewerClient.get(
                host: edge.host,
                port: edge.port,
                path: "/index.html",
                from: nil,
                hostHeader: state.distributions.first?.domain
            )
            return (state, reply.status, reply.header("X-Amz-Cf-Pop"))
        }
        let (state, status, pop) = try #require(outcome)
        #expect(status == 200 && pop == "NRT50")
        #expect(Set(state.nodes.map(\.role)) == [.registry, .origin, .hub, .edge, .dns])
        #expect(said.lines.first?.hasPrefix("starting 2 edges, 1 hub, 1 origin") == true, "\(said.lines)")
        #expect(said.lines.last == "stopped every node.", "\(said.lines)")
        let alive = state.nodes.filter { ProcessLiveness.isAlive($0.pid) }
        #expect(alive.isEmpty, "outlived the network: \(alive.map(\.id))")
        #expect(!FileManager.default.fileExists(atPath: URL(fileURLWithPath: state.nodes[0].log).deletingLastPathComponent().path))
    }
}

/// Lines a progress callback was told, in order.
final class Said: Sendable {
    private let store = Mutex<[String]>([])
    func add(_ line: String) { store.withLock { $0.append(line) } }
    var lines: [String] { store.withLock { $0 } }
}
