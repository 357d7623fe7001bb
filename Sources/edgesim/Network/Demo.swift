import ArgumentParser
import Foundation
import Launcher
import Measure
import Topology

extension EdgeSim {
    /// `edgesim demo`: starts a topology, sends requests from viewers around the world, shows
    /// what each saw, measures every one of them for a few seconds, writes the HTML report, and
    /// stops.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the global topology, send each viewer's requests through its nearest edge, measure them, and stop."
        )

        @Option(help: "The topology to run.", completion: .file(extensions: ["yaml", "yml"]))
        var topology = "topologies/global.yaml"

        @Option(help: "The path to request.")
        var path = "/"

        @Option(help: "How many viewer locations to send from (spread over the file); 0 for all.")
        var viewers = 12

        @Option(help: "How long to measure each viewer location after the first two requests.")
        var measure = DurationArgument(.seconds(3))

        @Option(help: "Where to write the measurement's HTML report.")
        var report = "edgesim-demo.html"

        func run() async throws {
            let loaded = try NodeOptions.load(topology)
            let chosen = Self.spread(loaded.viewers, count: viewers)
            let (path, report) = (path, report)
            let settings = MeasureSettings(
                paths: [path],
                viewers: chosen.map(\.id),
                extent: .duration(measure.value),
                concurrency: 1,
                pacing: .closed,
                warmup: 0
            )
            let result = try await TemporaryNetwork.run(loaded, file: topology, progress: Output.line) { state in
                Output.line("each viewer asks twice for \(path)…\n")
                Output.line(DemoRun.table(await DemoRun.requests(state: state, viewers: chosen, path: path)))
                Output.line("\nthe first request crosses every tier (Miss); the second is an edge Hit.\n")
                Output.line(
                    "now each viewer asks again and again for \(String(format: "%g", settings.extent.seconds)) s on one keep-alive connection…"
                )
                return try await MeasureCommand.measure(state: state, topology: loaded, settings: settings)
            }
            if let result {
                try Data(MeasureReport.html(result).utf8).write(to: URL(fileURLWithPath: report))
                Output.line("\nthe report is in \(report) (open it in a browser). `edgesim up \(loaded.file ?? "FILE")` keeps a network running.")
            }
        }

        /// Viewers spread evenly over the file's list.
        static func spread(_ viewers: [ViewerSpec], count: Int) -> [ViewerSpec] {
            guard count > 0, count < viewers.count else { return viewers }
            return (0..<count).map { viewers[$0 * viewers.count / count] }
        }
    }
}
