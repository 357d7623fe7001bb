import ArgumentParser
import CloudFrontImport
import Foundation
import Topology

extension EdgeSim {
    /// `edgesim import cloudfront FILE.json…`: a user's real distributions as a topology.
    struct ImportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Turn CloudFront's own JSON into a topology.",
            subcommands: [CloudFront.self]
        )

        struct CloudFront: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "cloudfront",
                abstract: "Import distributions from what aws cloudfront get-distribution-config / get-distribution print.",
                discussion: """
                    Also reads get-cache-policy, get-origin-request-policy, get-response-headers-policy and describe-function \
                    outputs, for the custom policies and CloudFront Functions the distributions name (managed policies are built in). \
                    The distributions are placed on --onto's edges, hubs and viewers (the shipped global network by default). \
                    Each field that is not modelled, and each guess, is printed as a warning with its JSON path. The result \
                    is validated; run it with edgesim up.
                    """
            )

            @Argument(help: "CloudFront JSON files.", completion: .file(extensions: ["json"]))
            var files: [String]

            @Option(help: "The topology that supplies the edges, hubs and viewers.", completion: .file(extensions: ["yaml"]))
            var onto = "topologies/global.yaml"

            @Option(
                name: .customLong("origin"),
                help: "ID=URL (a local server) or ID=DIR (a folder served as S3 serves it), by CloudFront origin id; repeatable."
            )
            var originMappings: [String] = []

            @Option(
                help: "A folder with each function's code: NAME/ or NAME.zip (Lambda@Edge), NAME.js (CloudFront Functions).",
                completion: .directory
            )
            var functions: String?

            @Option(help: "Where to write the topology (default: standard output).", completion: .file(extensions: ["yaml"]))
            var out: String?

            @Option(help: "The imported network's name.")
            var name: String?

            func run() throws {
                var origins: [String: String] = [:]
                for mapping in originMappings {
                    guard let equals = mapping.firstIndex(of: "="), equals != mapping.startIndex else {
                        throw ValidationError("--origin \(mapping): expected ID=URL or ID=DIR")
                    }
                    origins[String(mapping[..<equals])] = String(mapping[mapping.index(after: equals)...])
                }
                let output = out ?? FileManager.default.currentDirectoryPath + "/imported.yaml"
                let result: CloudFrontImporter.Result
                do {
                    result = try CloudFrontImporter.run(
                        files: files,
                        options: .init(onto: onto, origins: origins, functions: functions, output: output, name: name)
                    )
                } catch let error as ImportError {
                    Output.error("error: \(error)")
                    throw ExitCode(1)
                } catch let error as TopologyError {
                    Output.error("error: \(onto): \(error)")
                    throw ExitCode(1)
                }
                for warning in result.warnings { Output.error("warning: \(warning)") }
                // The result must load as it will be run: checked where it is written.
                let report = TopologyLoader.check(
                    yaml: result.yaml,
                    file: out ?? "<imported>",
                    baseDirectory: (output as NSString).deletingLastPathComponent
                )
                for diagnostic in report.diagnostics { Output.error(diagnostic.description) }
                guard let topology = report.topology else {
                    Output.error("error: the imported topology does not validate; nothing was written")
                    throw ExitCode(1)
                }
                if let out {
                    try result.yaml.write(toFile: out, atomically: true, encoding: .utf8)
                    Output.error(
                        "wrote \(out): \(topology.summary); \(result.warnings.count) warning\(result.warnings.count == 1 ? "" : "s"). Run it with edgesim up \(out)"
                    )
                } else {
                    Output.line(String(result.yaml.dropLast()))
                }
            }
        }
    }
}
