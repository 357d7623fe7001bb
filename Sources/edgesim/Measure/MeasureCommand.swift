import ArgumentParser
import CDNCore
import Foundation
import Launcher
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
        @Option(help: "The distribution's id or domain (default: the topology's first).") var distribution: String?
        @Option(help: "Requests per location (default 100, unless --duration).") var requests: Int?
        @Option(help: "How long to load each location instead (\"10 s\").") var duration: DurationArgument?
        @Option(help: "Connections per location.") var concurrency = 2
        @Option(help: "Open loop: requests per second per location.") var rate: Double?
        @Option(help: "Uncounted requests per location first (they fill the caches).") var warmup = 1
        @Flag(help: "Speak HTTPS to the edges, trusting the network's CA; the connections table splits connect, TLS and first byte.")
        var https = false
        @Option(help: "Write the whole result as JSON.") var json: String?
        @Option(help: "Write one CSV row per location.") var csv: String?
        @Option(help: "Write a self-contained HTML report.") var report: String?
        @Option(help: "Compare two runs' JSON, or two topologies (each measured the same way): give it twice, before then after.")
        var compare: [String] = []
        @Option(help: "With FILE: what if this edge were gone? Measures both and compares. Repeatable.") var withoutEdge: [String] = []
        @Option(help: "With FILE: what if there were an edge ID@LAT,LON (behind the nearest hub, or ID@LAT,LON/HUB)? Repeatable.")
        var withEdge: [String] = []
        @OptionGroup var state: StateDirectoryOption

        func validate() throws {
            if requests != nil, duration != nil { throw ValidationError("give --requests or --duration, not both") }
            if let requests, requests < 1 { throw ValidationError("--requests must be at least 1") }
            if concurrency < 1 || concurrency > 256 { throw ValidationError("--concurrency must be 1 to 256") }
            if let rate, !(rate > 0 && rate <= 100_000) { throw ValidationError("--rate must be above 0 and at most 100000") }
            if warmup < 0 { throw ValidationError("--warmup cannot be negative") }
            if path.contains(where: { !$0.hasPrefix("/") }) { throw ValidationError("every --path must start with /") }
            if !compare.isEmpty, compare.count != 2 {
                throw ValidationError("--compare takes two files, before then after: two runs' JSON, or two topologies")
            }
            if compare.count == 2, Set(compare.map(Self.isTopology)).count != 1 {
                throw ValidationError("--compare takes two runs' JSON or two topologies, not one of each")
            }
            let whatIf = !withoutEdge.isEmpty || !withEdge.isEmpty
            if whatIf, file == nil { throw ValidationError("--without-edge and --with-edge need a topology FILE to start from") }
            if whatIf || !compare.isEmpty, report != nil || csv != nil {
                throw ValidationError("--report and --csv describe one run; a comparison writes --json")
            }
            _ = try edits()
        }

        /// The what-if changes, parsed.
        func edits() throws -> [TopologyEdit.Change] {
            var changes = withoutEdge.map { TopologyEdit.Change.removeEdge($0) }
            for text in withEdge {
                let parts = text.split(separator: "@", maxSplits: 1)
                let place = parts.count == 2 ? parts[1].split(separator: "/", maxSplits: 1) : []
                let coordinates = place.first?.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? []
                guard parts.count == 2, coordinates.count == 2, (-90...90).contains(coordinates[0]), (-180...180).contains(coordinates[1]) else {
                    throw ValidationError("--with-edge '\(text)' is not ID@LAT,LON or ID@LAT,LON/HUB (e.g. LIS50@38.77,-9.13)")
                }
                changes.append(
                    .addEdge(
                        id: String(parts[0]),
                        latitude: coordinates[0],
                        longitude: coordinates[1],
                        hub: place.count == 2 ? String(place[1]) : nil
                    )
                )
            }
            return changes
        }

        func run() async throws {
            let settings = MeasureSettings(
                paths: path,
                viewers: from.contains("all") ? [] : from,
                extent: duration.map { .duration($0.value) } ?? .requests(requests ?? 100),
                concurrency: concurrency,
                pacing: rate.map { .open(perSecond: $0) } ?? .closed,
                warmup: warmup,
                distribution: distribution,
                https: https
            )
            if compare.count == 2, compare.allSatisfy(Self.isTopology) {
                return try await compareTopologies(compare[0], compare[1], settings: settings)
            }
            if compare.count == 2 {
                let before = try MeasureResult.read(Data(contentsOf: URL(fileURLWithPath: compare[0])))
                let after = try MeasureResult.read(Data(contentsOf: URL(fileURLWithPath: compare[1])))
                return try show(MeasureComparison(before: (compare[0], before), after: (compare[1], after)))
            }
            if let file, !withoutEdge.isEmpty || !withEdge.isEmpty {
                return try await whatIf(file, settings: settings)
            }
            let result: MeasureResult?
            if let file {
                let topology = try NodeOptions.load(file)
                result = try await TemporaryNetwork.run(topology, file: file, progress: Output.line) { state in
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
            let targets = try Measurement.targets(
                state: state,
                topology: topology,
                viewers: settings.viewers,
                distribution: settings.distribution,
                https: settings.https == true
            )
            var chosen = settings
            chosen.viewers = targets.map(\.viewer)
            let settings = chosen
            let progress = MeasureProgress()
            let display = ProgressDisplay(targets: targets, settings: settings, progress: progress)
            let result = await display.while { await Measurement.run(targets, settings: settings, topology: topology, progress: progress) }
            Output.line(MeasureTables.locations(result))
            Output.line("")
            Output.line(MeasureTables.stages(result))
            Output.line("")
            if let applied = MeasureTables.applied(result) {
                Output.line(applied)
                Output.line("")
            }
            Output.line(MeasureTables.connections(result))
            return result
        }

        static func isTopology(_ path: String) -> Bool { path.hasSuffix(".yaml") || path.hasSuffix(".yml") }

        /// Measures FILE, then FILE changed, and compares.
        private func whatIf(_ file: String, settings: MeasureSettings) async throws {
            let changes = try edits()
            let text = try TopologyEdit.apply(changes, to: String(contentsOfFile: file, encoding: .utf8), topology: try NodeOptions.load(file))
            // Beside the original, so its relative paths (sites, function code) still resolve.
            let url = URL(fileURLWithPath: file)
            let scratch = url.deletingLastPathComponent().appendingPathComponent(
                ".\(url.deletingPathExtension().lastPathComponent).what-if-\(getpid()).yaml"
            ).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: scratch))
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            try await compareTopologies(file, scratch, settings: settings, label: changes.map(\.description).joined(separator: ", "))
        }

        /// Measures two topologies the same way, one after the other, and compares them.
        private func compareTopologies(_ first: String, _ second: String, settings: MeasureSettings, label: String? = nil) async throws {
            var results: [MeasureResult] = []
            for (index, file) in [first, second].enumerated() {
                let topology = try NodeOptions.load(file)
                Output.line("\n\(index + 1)/2: \(index == 1 ? label ?? file : file)")
                guard
                    let result = try await TemporaryNetwork.run(
                        topology,
                        file: file,
                        progress: Output.line,
                        { state in
                            try await Self.measure(state: state, topology: topology, settings: settings)
                        }
                    )
                else { throw ExitCode(1) }
                results.append(result)
            }
            try show(MeasureComparison(before: (first, results[0]), after: (label ?? second, results[1])))
        }

        private func show(_ comparison: MeasureComparison) throws {
            Output.line("")
            Output.line(MeasureTables.comparison(comparison))
            if let json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(comparison).write(to: URL(fileURLWithPath: json))
                Output.line("wrote \(json)")
            }
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
