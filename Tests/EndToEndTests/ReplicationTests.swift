import CDNCore
import EdgesimTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Registry
import Synchronization
import Testing
import Topology

/// Function versions on their way from the registry through the hub to the edges, as
/// `edgesim up` runs them: the switch at every node, its atomicity under load, a tampered
/// bundle refused, and nodes that restart or lose the registry.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ReplicationTests {
    /// What a viewer saw: the epoch, the versions that ran, and the stamp.
    struct Seen: Hashable {
        var epoch: String
        var functions: String
        var stamp: String
    }

    @Test func aNewVersionReachesEveryNodeAndNoResponseMixesVersions() async throws {
        let folder = try ReplicationTopology.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withNetwork(folder.appendingPathComponent("network.yaml").path) { network in
            let state = network.stateDirectory.path
            let before = try await seen(network, "tokyo-home")
            #expect(before.functions == "stamp:1" && before.stamp == "v1 req=1", "\(before)")

            // Load from both viewers while version 2 is published and associated.
            let load = Load()
            try await withThrowingTaskGroup { group in
                for viewer in ["tokyo-home", "osaka-office", "tokyo-home", "osaka-office"] {
                    group.addTask {
                        while !load.stopped {
                            load.record(try await seen(network, viewer))
                        }
                    }
                }
                try await load.waitFor(epoch: "1")
                try await ReplicationTopology.publishVersion2(folder, state: state)
                try await ReplicationTopology.associateVersion2(state: state)
                let watched = try await CLI.run(["deployment", "--watch", "--timeout", "30", "--state-dir", state])
                #expect(watched.status == 0 && watched.stdout.contains("Deployed (3/3 nodes switched)"), "\(watched.stdout)\(watched.stderr)")
                try await load.waitFor(epoch: "2")
                load.stop()
                try await group.waitForAll()
            }

            let all = load.results
            let kinds = Set(all)
            #expect(!all.isEmpty)
            #expect(
                kinds.isSubset(of: [
                    Seen(epoch: "1", functions: "stamp:1", stamp: "v1 req=1"), Seen(epoch: "2", functions: "stamp:2", stamp: "v2 req=2"),
                ]),
                "\(kinds)"
            )
            #expect(kinds.contains { $0.epoch == "1" } && kinds.contains { $0.epoch == "2" }, "the load saw only one side of the switch: \(kinds)")
            for viewer in ["tokyo-home", "osaka-office"] {
                let after = try await seen(network, viewer)
                #expect(after == Seen(epoch: "2", functions: "stamp:2", stamp: "v2 req=2"), "\(viewer): \(after)")
            }
        }
    }

    @Test func aTamperedBundleIsRefusedReportedAndNeverRun() async throws {
        let folder = try ReplicationTopology.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withNetwork(folder.appendingPathComponent("network.yaml").path) { network in
            let state = network.stateDirectory.path
            try await ReplicationTopology.publishVersion2(folder, state: state)
            // The registry's own copy changes after signing: every relay must refuse it.
            let bundle = network.stateDirectory.appendingPathComponent("registry/bundles/stamp/2.zip")
            var bytes = try Data(contentsOf: bundle)
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: bundle)
            let associated = try await CLI.run([
                "associate", "E2REPLICATION1", "--event", "viewer-request", "--function", "stamp:2", "--state-dir", state,
            ])
            #expect(associated.status == 0, "\(associated.stderr)")

            var refused = ""
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline, refused.isEmpty {
                try await Task.sleep(for: .milliseconds(200))
                let status = try await CLI.run(["deployment", "--state-dir", state])
                refused =
                    status.stdout.split(separator: "\n").first { $0.hasPrefix("ap-northeast-1") && $0.contains("refused") }.map(String.init) ?? ""
            }
            #expect(refused.contains("stamp:2 refused"), "\(refused)")
            let status = try await CLI.run(["deployment", "--state-dir", state])
            #expect(status.stdout.contains("InProgress"), "\(status.stdout)")
            #expect(try await seen(network, "tokyo-home") == Seen(epoch: "1", functions: "stamp:1", stamp: "v1 req=1"))
            #expect(
                !FileManager.default.fileExists(
                    atPath: network.stateDirectory.appendingPathComponent("replica/ap-northeast-1/bundles/stamp/2.zip").path
                )
            )
        }
    }

    @Test func aRestartedEdgeResumesFromItsEpochAndNodesOutliveTheRegistry() async throws {
        let folder = try ReplicationTopology.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withNetwork(folder.appendingPathComponent("network.yaml").path) { network in
            let state = network.stateDirectory.path
            // The registry dies: nodes keep serving what they run.
            kill(try network.node("registry").pid, SIGKILL)
            #expect(try await seen(network, "osaka-office").stamp == "v1 req=1")
            var listed = CLI.Result(status: 1, stdout: "", stderr: "")
            let back = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < back, listed.status != 0 {
                try await Task.sleep(for: .milliseconds(200))
                listed = try await CLI.run(["function", "list", "--state-dir", state])
            }
            #expect(listed.status == 0, "the registry did not come back: \(listed.stderr)")

            // KIX50 is frozen while version 2 goes out, then killed: its restart must resume
            // from the epoch it held and catch up.
            let edge = try network.node("KIX50")
            kill(edge.pid, SIGSTOP)
            try await ReplicationTopology.publishVersion2(folder, state: state)
            try await ReplicationTopology.associateVersion2(state: state)
            var tokyo = try await seen(network, "tokyo-home")
            let switched = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < switched, tokyo.epoch != "2" {
                try await Task.sleep(for: .milliseconds(100))
                tokyo = try await seen(network, "tokyo-home")
            }
            #expect(tokyo == Seen(epoch: "2", functions: "stamp:2", stamp: "v2 req=2"), "NRT50 did not switch while KIX50 was frozen")
            kill(edge.pid, SIGKILL)
            let watched = try await CLI.run(["deployment", "--watch", "--timeout", "30", "--state-dir", state])
            #expect(watched.status == 0, "\(watched.stdout)\(watched.stderr)")
            try network.reload()
            #expect(try await seen(network, "osaka-office") == Seen(epoch: "2", functions: "stamp:2", stamp: "v2 req=2"))
            let log = try String(contentsOfFile: network.stateDirectory.appendingPathComponent("logs/KIX50.log").path, encoding: .utf8)
            #expect(log.contains("from epoch 1"), "the restarted edge did not resume from its epoch")
        }
    }

    @Test func versionsNoEpochNamesAreCollectedAfterTheDelay() async throws {
        let folder = try ReplicationTopology.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withNetwork(folder.appendingPathComponent("network.yaml").path, arguments: ["--garbage-delay", "1 s"]) { network in
            let state = network.stateDirectory.path
            let code = folder.appendingPathComponent("stamp2").path
            let propagated = try await CLI.run(["propagation", "--code", code, "--state-dir", state])
            #expect(propagated.status == 0 && propagated.stdout.contains("every node switched"), "\(propagated.stdout)\(propagated.stderr)")
            let replica = network.stateDirectory.appendingPathComponent("replica")
            let old = ["NRT50/bundles/stamp/1.zip", "KIX50/functions/stamp-1", "ap-northeast-1/bundles/stamp/1.zip"]
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline,
                old.contains(where: { FileManager.default.fileExists(atPath: replica.appendingPathComponent($0).path) })
            {
                try await Task.sleep(for: .milliseconds(200))
            }
            for path in old { #expect(!FileManager.default.fileExists(atPath: replica.appendingPathComponent(path).path), "\(path) was kept") }
            #expect(FileManager.default.fileExists(atPath: replica.appendingPathComponent("KIX50/bundles/stamp/2.zip").path))
            #expect(try await seen(network, "osaka-office") == Seen(epoch: "2", functions: "stamp:2", stamp: "v2 req=2"))
        }
    }

    @Test func aSlowRolloutHoldsEachEdgeOnTheOldConfigForItsShareOfTheWindow() async throws {
        let folder = try ReplicationTopology.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Each edge's share of the window is fixed by its id and the epoch: NRT50 waits 67% of it
        // for epoch 2, long enough to watch it hold epoch 2 on disk while serving epoch 1.
        try await withNetwork(folder.appendingPathComponent("network.yaml").path, arguments: ["--rollout", "4 s"]) { network in
            let state = network.stateDirectory.path
            try await ReplicationTopology.publishVersion2(folder, state: state)
            try await ReplicationTopology.associateVersion2(state: state)
            var held = false
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline, !held {
                let status = try await CLI.run(["deployment", "--json", "--state-dir", state])
                let deployment = try JSONDecoder().decode(DeploymentStatus.self, from: Data(status.stdout.utf8))
                let nrt = deployment.nodes.first { $0.node == "NRT50" }
                held = nrt?.role == .edge && nrt?.storedEpoch == 2 && nrt?.epoch == 1 && nrt?.status == .inProgress
                if held { #expect(try await seen(network, "tokyo-home").stamp == "v1 req=1") }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(held, "NRT50 never held epoch 2 while running epoch 1")
            let watched = try await CLI.run(["deployment", "--watch", "--timeout", "30", "--state-dir", state])
            #expect(watched.status == 0, "\(watched.stdout)\(watched.stderr)")
            #expect(try await seen(network, "tokyo-home") == Seen(epoch: "2", functions: "stamp:2", stamp: "v2 req=2"))
        }
    }

    @Test func propagationConvergesThroughEachFault() async throws {
        let folder = try ReplicationTopology.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withNetwork(folder.appendingPathComponent("network.yaml").path) { network in
            let state = network.stateDirectory.path
            let json = network.stateDirectory.appendingPathComponent("propagation.json").path
            for (fault, expected) in [
                (["--kill-edge", "KIX50"], "killed KIX50"),
                (["--partition-hub", "ap-northeast-1", "--partition-seconds", "1"], "partitioned ap-northeast-1"),
                (["--kill-registry"], "2 of 2 edges served while the registry was down"),
            ] {
                let run = try await CLI.run(["propagation", "--state-dir", state, "--json", json, "--timeout", "60"] + fault, timeout: .seconds(90))
                #expect(run.status == 0 && run.stdout.contains("every node switched.") && run.stdout.contains(expected), "\(run.stdout)\(run.stderr)")
                let result = try JSONDecoder().decode(PropagationResult.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
                #expect(result.converged && result.nodes.count == 3 && result.nodes.allSatisfy { $0.switchedAt != nil }, "\(result.nodes)")
                #expect(Set(result.nodes.map(\.role)) == [.hub, .edge])
                try network.reload()
            }
            #expect(try await seen(network, "osaka-office").epoch == "4")
        }
    }

    /// What the load saw, and when to stop it.
    final class Load: Sendable {
        private let state = Mutex((stopped: false, results: [Seen]()))
        var stopped: Bool { state.withLock { $0.stopped } }
        var results: [Seen] { state.withLock { $0.results } }
        func record(_ seen: Seen) { state.withLock { $0.results.append(seen) } }
        func stop() { state.withLock { $0.stopped = true } }

        /// Waits (up to 30 s) until the load has seen a response of an epoch.
        func waitFor(epoch: String) async throws {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline, !results.contains(where: { $0.epoch == epoch }) {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    private func seen(_ network: RunningNetwork, _ viewer: String) async throws -> Seen {
        let reply = try await network.request("/page.txt", from: viewer)
        return Seen(
            epoch: reply.headers.first(name: "Edgesim-Config-Epoch") ?? "-",
            functions: reply.headers.first(name: "Edgesim-Functions") ?? "-",
            stamp: reply.headers.first(name: "X-Stamp") ?? "-"
        )
    }
}
