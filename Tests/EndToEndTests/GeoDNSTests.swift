import CDNCore
import EdgesimTestSupport
import Foundation
import Testing

/// The GeoDNS server `edgesim up` starts, asked with Debian's `dig` as a user would: each viewer
/// location's answer is the edge its distribution's routing policy gives it, by source address or
/// by EDNS Client Subnet, over UDP and TCP; other names are NXDOMAIN; an edge that hangs, or is
/// killed under load, leaves the answers, then comes back.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct GeoDNSTests {
    static let minimal = CLI.packageRoot.appendingPathComponent("topologies/minimal.yaml").path

    @Test func everyViewerIsAnsweredWithItsNearestEdge() async throws {
        let topology = try GeoDNSTopology.make()
        defer { try? FileManager.default.removeItem(at: topology.deletingLastPathComponent()) }
        try await withNetwork(topology.path) { network in
            let dns = try network.node("dns")
            let domain = try #require(network.state.distributions.first?.domain)
            let routed = try await CLI.run(["route", topology.path, "--distribution", "E2GEODNS00001", "--json"])
            let routes = try #require(try JSONSerialization.jsonObject(with: Data(routed.stdout.utf8)) as? [[String: Any]])
            #expect(routes.count == network.state.viewers.count)
            for route in routes {
                let viewer = try #require(route["viewer"] as? String)
                let edge = try #require(route["edge"] as? String)
                // Exhaustively: no edge of the distribution is nearer than the one routing names.
                let rtt = (route["hops"] as? [[String: Any]])?.first?["rtt_ms"] as? Double ?? .infinity
                for alternative in route["alternatives"] as? [[String: Any]] ?? [] {
                    #expect(rtt <= alternative["rtt_ms"] as? Double ?? .infinity, "\(viewer): \(alternative) is nearer than \(edge)")
                }
                let address = try #require(network.state.viewer(viewer)?.address)
                let answer = try await Self.dig(dns.port, domain, "-b", address)
                #expect(answer == [try network.node(edge).host], "\(viewer) from \(address) got \(answer), routing says \(edge)")
            }
            // By EDNS Client Subnet, from an address that is no viewer's; over TCP too.
            let sydney = try #require(network.state.viewer("perth"))
            #expect(try await Self.dig(dns.port, domain, "+subnet=\(sydney.address)/32") == [try network.node(sydney.edge ?? "").host])
            #expect(try await Self.dig(dns.port, domain, "+tcp", "-b", sydney.address) == [try network.node(sydney.edge ?? "").host])
            let nx = try await CLI.run(external: "/usr/bin/dig", ["@127.0.0.1", "-p", "\(dns.port)", "nope.example.test"])
            #expect(nx.stdout.contains("status: NXDOMAIN"), "\(nx.stdout)")
        }
    }

    @Test func aDistributionsRoutingPolicyIsWhatTheDNSAnswers() async throws {
        let topology = try GeoDNSTopology.make()
        defer { try? FileManager.default.removeItem(at: topology.deletingLastPathComponent()) }
        try await withNetwork(topology.path) { network in
            let dns = try network.node("dns")
            let domain = try #require(network.state.distributions.first { $0.id == "E2GEODNS00002" }?.domain)
            let routed = try await CLI.run(["route", topology.path, "--distribution", "E2GEODNS00002", "--json"])
            let routes = try #require(try JSONSerialization.jsonObject(with: Data(routed.stdout.utf8)) as? [[String: Any]])
            var reasons: [String: String] = [:]
            for route in routes {
                let viewer = try #require(route["viewer"] as? String)
                let edge = try #require(route["edge"] as? String)
                reasons[viewer] = route["reason"] as? String
                #expect(!["GRU50", "SYD50"].contains(edge), "\(viewer) went to \(edge), outside PriceClass_200")
                let address = try #require(network.state.viewer(viewer)?.address)
                let answer = try await Self.dig(dns.port, domain, "-b", address)
                #expect(answer == [try network.node(edge).host], "\(viewer) from \(address) got \(answer), routing says \(edge)")
            }
            // Lagos's resolver is in London and Tokyo's in California; three of the twelve viewers
            // are the anycast-like share.
            #expect(reasons["lagos"] == "resolver" && reasons["tokyo"] == "resolver", "\(reasons)")
            #expect(reasons.values.filter { $0 == "second-nearest" }.count == 3, "\(reasons)")
            // measure goes where the policy sends each viewer too.
            let json = network.stateDirectory.appendingPathComponent("policy.json")
            let measured = try await CLI.run([
                "measure", "--state-dir", network.stateDirectory.path, "--distribution", "E2GEODNS00002", "--from", "lagos", "--from", "tokyo",
                "--requests", "5", "--json", json.path,
            ])
            #expect(measured.status == 0, "\(measured.stderr)")
            let result = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
            for location in result?["locations"] as? [[String: Any]] ?? [] {
                let viewer = (location["target"] as? [String: Any])?["viewer"] as? String ?? ""
                let edge = routes.first { $0["viewer"] as? String == viewer }?["edge"] as? String
                #expect(location["servedBy"] as? String == edge, "\(viewer): \(location["edges"] ?? "")")
            }
            let unknown = try await CLI.run(["measure", "--state-dir", network.stateDirectory.path, "--distribution", "E2NOPE0001"])
            #expect(unknown.status != 0 && unknown.stderr.contains("no distribution 'E2NOPE0001'"), "\(unknown.stderr)")
        }
    }

    @Test func anEdgeThatStopsAnsweringLeavesTheAnswersAndComesBack() async throws {
        try await withNetwork(Self.minimal) { network in
            let dns = try network.node("dns")
            let domain = try #require(network.state.distributions.first?.domain)
            let (osaka, kix, nrt) = (try #require(network.state.viewer("osaka-office")), try network.node("KIX50"), try network.node("NRT50"))
            #expect(try await Self.dig(dns.port, domain, "-b", osaka.address) == [kix.host])
            kill(kix.pid, SIGSTOP)  // hung, not dead: the supervisor does not restart it
            defer { kill(kix.pid, SIGCONT) }
            #expect(try await Self.until(dns.port, domain, from: osaka.address, answers: nrt.host), "Osaka never moved to NRT50")
            // `route --live` routes as the DNS does now; plain `route` keeps to the model.
            let live = try await CLI.run([
                "route", Self.minimal, "--from", "osaka-office", "--live", "--state-dir", network.stateDirectory.path, "--json",
            ])
            #expect(live.status == 0 && live.stdout.contains("\"edge\" : \"NRT50\""), "\(live.stdout)\(live.stderr)")
            let modelled = try await CLI.run(["route", Self.minimal, "--from", "osaka-office", "--json"])
            #expect(modelled.stdout.contains("\"edge\" : \"KIX50\""), "\(modelled.stdout)")
            // `status` shows the DNS node's view: KIX50 out of routing, NRT50 in.
            let status = try await CLI.run(["status", "--state-dir", network.stateDirectory.path])
            let rows = status.stdout.split(separator: "\n")
            #expect(rows.contains { $0.hasPrefix("KIX50") && $0.contains(" OUT ") }, "\(status.stdout)")
            #expect(rows.contains { $0.hasPrefix("NRT50") && $0.contains(" in ") }, "\(status.stdout)")
            #expect(try await network.counter("edgesim_dns_answers_total", of: "dns") > 0)
            kill(kix.pid, SIGCONT)
            #expect(try await Self.until(dns.port, domain, from: osaka.address, answers: kix.host), "Osaka never came back to KIX50")
        }
    }

    @Test func viewersLeaveAKilledEdgeUnderLoadAndComeBackWhenItReturns() async throws {
        try await withNetwork(Self.minimal) { network in
            let json = network.stateDirectory.appendingPathComponent("failover.json")
            let report = network.stateDirectory.appendingPathComponent("failover.html")
            // Osaka sends 800 requests, 50 a second on a fixed schedule (open loop: a stall shows as
            // latency, and a count, not a time, so a slow machine cannot run out of load before
            // the fault). Once they flow, KIX50 is killed (kill -9) and kept down for 3 s.
            let measure = Task.detached {
                try await CLI.run(
                    [
                        "measure", "--state-dir", network.stateDirectory.path, "--from", "osaka-office", "--requests", "800", "--rate", "50",
                        "--concurrency", "2", "--json", json.path, "--report", report.path,
                    ],
                    timeout: .seconds(150)
                )
            }
            let flowing = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < flowing, try await network.counter("edgesim_requests_total", of: "KIX50") < 20 {
                try await Task.sleep(for: .milliseconds(50))
            }
            let killed = try await CLI.run(["kill", "KIX50", "--down", "3 s", "--state-dir", network.stateDirectory.path])
            #expect(killed.status == 0 && killed.stdout.contains("killed KIX50"), "\(killed.stdout)\(killed.stderr)")
            let run = try await measure.value
            #expect(run.status == 0, "\(run.stderr)")
            let result = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
            let location = try #require((result?["locations"] as? [[String: Any]])?.first)
            let timeline = location["timeline"] as? [[String: Int]] ?? []
            let errors = timeline.reduce(0) { $0 + ($1["error"] ?? 0) }
            let requests = location["requests"] as? Int ?? 0
            // Osaka starts on KIX50, is wholly on NRT50 once the DNS has noticed, and comes back
            // to KIX50 after its restart.
            #expect(timeline.first?["KIX50", default: 0] ?? 0 > 0, "\(timeline)")
            let moved = try #require(timeline.firstIndex { $0.keys.sorted() == ["NRT50"] }, "Osaka never moved wholly to NRT50: \(timeline)")
            let lastOnNRT = timeline.lastIndex { $0["NRT50", default: 0] > 0 } ?? timeline.count
            #expect(timeline.dropFirst(lastOnNRT).contains { $0["KIX50", default: 0] > 0 }, "Osaka did not come back to KIX50: \(timeline)")
            // Errors fall only in the detection window, before the move: none once Osaka is on
            // NRT50, none when KIX50 comes back.
            #expect(timeline.dropFirst(moved).allSatisfy { $0["error", default: 0] == 0 }, "errors after the move: \(timeline)")
            #expect(errors <= requests / 4, "\(errors) errors of \(requests): \(timeline)")
            // The restart is the supervisor's, after the hold: KIX50 has one restart.
            let state = try NetworkState.load(from: network.stateDirectory.path)
            #expect(state.node("KIX50")?.restarts == 1)
            // The report's timeline shows the move: seconds served by each edge, and the failures.
            let page = try String(contentsOf: report, encoding: .utf8)
            #expect(["by KIX50", "by NRT50"].allSatisfy(page.contains), "the report's timeline does not show the failover")
            #expect(page.contains(" failed</title>") == (errors > 0), "\(errors) errors, the timeline disagrees")
            print("kill -9 failover: \(errors) errors of \(requests) requests; per second: \(timeline)")
            let unknown = try await CLI.run(["kill", "NOPE50", "--state-dir", network.stateDirectory.path])
            #expect(unknown.status != 0 && unknown.stderr.contains("no node 'NOPE50'"), "\(unknown.stderr)")
        }
    }

    @Test func anOverloadedEdgeIsRoutedAroundUntilItCatchesUp() async throws {
        // One request at a time per edge: Osaka's 32 connections overload KIX50 at once.
        try await withNetwork(Self.minimal, arguments: ["--edge-max-in-flight", "1"]) { network in
            let dns = try network.node("dns")
            let domain = try #require(network.state.distributions.first?.domain)
            let (osaka, kix, nrt) = (try #require(network.state.viewer("osaka-office")), try network.node("KIX50"), try network.node("NRT50"))
            let measure = Task.detached {
                try await CLI.run(
                    ["measure", "--state-dir", network.stateDirectory.path, "--from", "osaka-office", "--duration", "4 s", "--concurrency", "32"],
                    timeout: .seconds(120)
                )
            }
            // While the load runs, KIX50 says it is overloaded, and the DNS sends Osaka to NRT50.
            var (overloaded, movedAway) = (false, false)
            let deadline = ContinuousClock.now + .seconds(60)
            while !(overloaded && movedAway), ContinuousClock.now < deadline {
                let health = try? await ViewerClient.get(host: kix.host, port: kix.adminPort, path: "/health", from: nil, timeout: .seconds(2))
                if let health, health.status == 503, String(buffer: health.body).contains("\"overloaded\"") { overloaded = true }
                if try await Self.dig(dns.port, domain, "-b", osaka.address) == [nrt.host] { movedAway = true }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(overloaded, "KIX50 never reported itself overloaded")
            #expect(movedAway, "the DNS never sent Osaka away from an overloaded KIX50")
            let run = try await measure.value
            #expect(run.status == 0, "\(run.stderr)")
            // Once the load is over, KIX50 catches up and takes Osaka back.
            #expect(try await Self.until(dns.port, domain, from: osaka.address, answers: kix.host), "Osaka never came back to KIX50")
            #expect(try await network.counter("edgesim_errors_total", of: "KIX50") > 0)
        }
    }

    /// The A records `dig +short` prints.
    static func dig(_ port: Int, _ name: String, _ options: String...) async throws -> [String] {
        let result = try await CLI.run(external: "/usr/bin/dig", ["@127.0.0.1", "-p", "\(port)", name, "+short", "+tries=1", "+time=2"] + options)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// Asks every 100 ms (for up to 30 s) until the answer is one address.
    static func until(_ port: Int, _ name: String, from source: String, answers address: String) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await dig(port, name, "-b", source) == [address] { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
