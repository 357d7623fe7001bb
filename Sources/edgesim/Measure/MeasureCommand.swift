import ArgumentParser
import CDNCore
import Foundation
import Measure
import Topology

extension EdgeSim {
    /// `edgesim measure`: latency by viewer location, on a running network or one started for it.
    struct MeasureCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "measure",
            abstract: "Send real requests from each viewer location through its edge and report latency and where the time goes.",
            discussion: """
                Each location speaks from its own address over its emulated link, on keep-alive connections, \
                to the edge routing gives it. Closed loop by default (--concurrency connections each send the \
                next request when the last is answered); --rate makes it open loop, timing each request from \
                when it was due. With FILE, a network is started for the run; otherwise the running one is used.
                """
        )

        @Argument(help: "A topology to start for the run (default: the running network).", completion: .file(extensions: ["yaml", "yml"]))
        var file: String?
        @Option(help: "A path to request; repeat to alternate between several.") var path: [String] = ["/"]
        @Option(help: "A viewer to measure from, or `all`; repeat for several.") var from: [String] = ["all"]
        @Option(help: "Requests per location (default 100, unless --duration).") var requests: Int?
        @Option(help: "How long to load each location instead (\"10 s\").") var duration: DurationArgument?
        @Option(help: "Connections per location.") var concurrency = 2
        @Option(help: "Open loop: requests per second per location.") var rate: Double?
        @Option(help: "Uncounted requests per location first (they fill the caches).") var warmup = 1
        @Option(help: "Write the whole result as JSON.") var json: String?
        @Option(help: "Write one CSV row per location.") var csv: String?
        @Option(help: "Write a self-contained HTML report.") var report: String?
        @OptionGroup var state: StateDirectoryOption

        func validate() throws {
            if requests != nil, duration != nil { throw ValidationError("give --requests or --duration, not both") }
            if let requests, requests < 1 { throw ValidationError("--requests must be at least 1") }
            if concurrency < 1 || concurrency > 256 { throw ValidationError("--concurrency must be 1 to 256") }
            if let rate, !(rate > 0 && rate <= 100_000) { throw ValidationError("--rate must be above 0 and at most 100000") }
            if warmup < 0 { throw ValidationError("--warmup cannot be negative") }
            if path.contains(where: { !$0.hasPrefix("/") }) { throw ValidationError("every --path must start with /") }
        }

        func run() async throws {
            let settings = MeasureSettings(
                paths: path,
                viewers: from.contains("all") ? [] : from,
                extent: duration.map { .duration($0.value) } ?? .requests(requests ?? 100),
                concurrency: concurrency,
                pacing: rate.map { .open(perSecond: $0) } ?? .closed,
                warmup: warmup
            )
            let result: MeasureResult?
            if let file {
                let topology = try NodeOptions.load(file)
                result = try await TemporaryNetwork.run(topology, file: file) { state in
                    try await Self.measure(state: state, topology: topology, settings: settings)
                }
            } else {
                let network = try state.load()
                result = try await Self.measure(state: network, topology: try NodeOptions.load(network.topology), settings: settings)
            }
            guard let result else { throw ExitCode(1) }
            try write(result)
        }

        static func measure(state: NetworkState, topology: Topology, settings: MeasureSettings) async throws -> MeasureResult {
            let targets = try Measurement.targets(state: state, topology: topology, viewers: settings.viewers)
            var chosen = settings
            chosen.viewers = targets.map(\.viewer)
            let settings = chosen
            let progress = MeasureProgress()
            let display = ProgressDisplay(targets: targets, settings: settings, progress: progress)
            let result = await display.while { await Measurement.run(targets, settings: settings, topology: topology, progress: progress) }
            Output.line(MeasureTables.locations(result))
            Output.line("")
            Output.line(MeasureTables.stages(result))
            return result
        }

        private func write(_ result: MeasureResult) throws {
            if let json {
                try result.json().write(to: URL(fileURLWithPath: json))
                Output.line("wrote \(json)")
            }
            if let csv {
                try Data(result.csv().utf8).write(to: URL(fileURLWithPath: csv))
                Output.line("wrote \(csv)")
            }
            if let report {
                try Data(MeasureReport.html(result).utf8).write(to: URL(fileURLWithPath: report))
                Output.line("wrote \(report)")
            }
        }
    }
}
