import ArgumentParser
import CDNCore
import NIOCore
import Testing
import Topology

@testable import edgesim

/// The launcher writes a node's command line and the role command reads it: one type, so what
/// one writes the other reads back whole.
@Suite struct NodeCommandLineTests {
    @Test func anEdgesCommandLineReadsBackWhole() throws {
        var line = NodeCommandLine(role: .edge, topologyFile: "/tmp/t.yaml", node: "NRT50")
        line.host = "127.0.64.1"
        (line.port, line.adminPort, line.seed, line.stateDirectory) = (24102, 41000, 7, "/tmp/state")
        (line.executionErrorStatus, line.rollout, line.garbageDelay, line.maximumInFlight) = (503, .seconds(90), .seconds(3600), 64)
        line.emulatesLinks = false
        line.upstreams = [.init(id: "ap-northeast-1", host: "127.0.0.1", port: 40001), .init(id: "registry", host: "::1", port: 40002)]
        #expect(line.arguments.first == "edge")
        let options = try NodeOptions.parse(Array(line.arguments.dropFirst()))
        #expect(try options.commandLine(role: .edge) == line)
        let addresses = try options.upstreams()
        #expect(addresses["registry"]?.port == 40002 && addresses["ap-northeast-1"]?.ipAddress == "127.0.0.1")
    }

    @Test func aHubGetsNoEdgeOptionsAndReadsBackWhole() throws {
        var line = NodeCommandLine(role: .hub, topologyFile: "/tmp/t.yaml", node: "ap-northeast-1")
        line.garbageDelay = .seconds(60)
        line.port = 0
        line.upstreams = [.init(id: "site", host: "127.0.0.1", port: 40003)]
        #expect(!line.arguments.contains("--\(NodeCommandLine.Name.maxInFlight)"))
        #expect(!line.arguments.contains("--\(NodeCommandLine.Name.rollout)"))
        let options = try NodeOptions.parse(Array(line.arguments.dropFirst()))
        #expect(try options.commandLine(role: .hub) == line)
    }

    @Test func upstreamsAreReadAsTheyAreWritten() {
        let v6 = NodeCommandLine.Upstream(id: "registry", host: "::1", port: 9)
        #expect(v6.description == "registry=[::1]:9")
        #expect(NodeCommandLine.Upstream(parsing: v6.description) == v6)
        #expect(NodeCommandLine.Upstream(parsing: "hub=127.0.0.1:80") == .init(id: "hub", host: "127.0.0.1", port: 80))
        for bad in ["hub", "hub=127.0.0.1", "=127.0.0.1:80", "hub=:80", "hub=127.0.0.1:port", "hub=127.0.0.1:70000"] {
            #expect(NodeCommandLine.Upstream(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func aBadUpstreamIsAnErrorThatNamesIt() throws {
        let options = try NodeOptions.parse(["--topology", "t.yaml", "--node", "NRT50", "--upstream", "hub:80"])
        #expect(throws: (any Error).self) { try options.commandLine(role: .edge) }
    }
}
