import ArgumentParser
import CDNCore
import CloudFrontImport
import Foundation
import Topology

extension EdgeSim {
    /// `edgesim export cloudfront DIST`: a distribution as CloudFront's JSON.
    struct ExportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a topology's distribution as CloudFront's JSON.",
            subcommands: [CloudFront.self]
        )

        struct CloudFront: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "cloudfront",
                abstract: "Write a distribution as aws cloudfront get-distribution prints it (and its declared policies' documents).",
                discussion: """
                    With --out DIR: DIST.json in get-distribution's shape, and cache-policy.NAME.json, origin-request-policy.NAME.json \
                    and response-headers-policy.NAME.json for each declared policy its behaviors name; edgesim import cloudfront DIR/*.json \
                    gives the same distribution back. Without --out, DIST.json on standard output. With --config-only, the bare \
                    DistributionConfig, as aws cloudfront update-distribution --distribution-config file://… takes it.
                    """
            )

            @Argument(help: "The distribution's id or domain.")
            var distribution: String

            @Option(help: "The topology file (default: the running network's).", completion: .file(extensions: ["yaml"]))
            var topology: String?

            @Option(help: "A folder to write the files into.", completion: .directory)
            var out: String?

            @Flag(help: "Print only the DistributionConfig.")
            var configOnly = false

            @OptionGroup var state: StateDirectoryOption

            func run() throws {
                let path = try topology ?? state.load().topology
                let loaded: Topology
                do { loaded = try TopologyLoader.load(path: path) } catch {
                    Output.error("error: \(error)")
                    throw ExitCode(1)
                }
                guard let spec = loaded.distribution(distribution) else {
                    let known = loaded.distributions.map(\.id).joined(separator: ", ")
                    Output.error("error: \(path) has no distribution '\(distribution)' (it has: \(known))")
                    throw ExitCode(1)
                }
                if configOnly { return Output.line(String(CloudFrontExporter.config(for: spec, in: loaded).dropLast())) }
                let files = CloudFrontExporter.files(for: spec, in: loaded)
                guard let out else {
                    Output.line(String(files[0].text.dropLast()))
                    if files.count > 1 { Output.error("note: \(files.count - 1) declared policies are written only with --out DIR") }
                    return
                }
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                for file in files {
                    let target = (out as NSString).appendingPathComponent(file.name)
                    try file.text.write(toFile: target, atomically: true, encoding: .utf8)
                    Output.line(target)
                }
            }
        }
    }
}
