import ArgumentParser
import Topology

extension EdgeSim {
    /// `edgesim validate FILE…`: checks topology files and prints each problem as `file:line:col`.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check topology files; print one line per problem as FILE:LINE:COL: error: what is wrong.",
            discussion: "Exits 0 when every file is valid (warnings allowed), 1 when any has errors."
        )

        @Argument(help: "Topology files to check.", completion: .file(extensions: ["yaml", "yml"]))
        var files: [String]

        @Flag(help: "Print nothing for a valid file.")
        var quiet = false

        func run() throws {
            var failed = false
            for file in files {
                let report = TopologyLoader.check(path: file)
                for diagnostic in report.diagnostics {
                    Output.error(diagnostic.description)
                }
                if let topology = report.topology {
                    if !quiet { Output.line("\(file): valid — \(topology.summary)") }
                } else {
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
