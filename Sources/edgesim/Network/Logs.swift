import ArgumentParser
import Foundation
import LambdaRuntime

extension EdgeSim {
    /// `edgesim logs --function NAME`: a function's CloudWatch-style logs, from every region it ran in.
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a function's logs (/aws/lambda/us-east-1.NAME) from every executing region, one stream per edge.",
            discussion: "With --validation DIST, print CloudFront's validation-error log (/aws/cloudfront/LambdaEdge/DIST) instead."
        )

        @Option(help: "The function's name.")
        var function: String?

        @Option(help: "A distribution id: print its Lambda@Edge validation errors.")
        var validation: String?

        @Option(help: "Only this executing region (a hub id).")
        var region: String?

        @Flag(help: "Keep printing new lines as they are written, until Ctrl-C.")
        var follow = false

        @OptionGroup var state: StateDirectoryOption

        func validate() throws {
            guard (function == nil) != (validation == nil) else { throw ValidationError("give --function NAME or --validation DIST") }
        }

        func run() async throws {
            let group = function.map { "aws/lambda/us-east-1.\($0)" } ?? "aws/cloudfront/LambdaEdge/\(validation ?? "")"
            var offsets: [String: Int] = [:]
            var printed = false
            repeat {
                for stream in streams(group: group) {
                    let text = (try? String(contentsOfFile: stream.path, encoding: .utf8)) ?? ""
                    let bytes = Array(text.utf8)
                    let start = offsets[stream.path] ?? 0
                    guard bytes.count > start else { continue }
                    let fresh = String(decoding: bytes[start...], as: UTF8.self)
                    offsets[stream.path] = bytes.count
                    for line in fresh.split(separator: "\n", omittingEmptySubsequences: true) {
                        Output.line("\(stream.region)  \(stream.edge)  \(line)")
                        printed = true
                    }
                }
                if follow { try await Task.sleep(for: .milliseconds(250)) }
            } while follow
            if !printed {
                Output.error("no log lines for /\(group) under \(CloudWatchPaths.root(stateDirectory: state.path))")
            }
        }

        /// Every log stream of a group, in every region (or the one asked for).
        private func streams(group: String) -> [(region: String, edge: String, path: String)] {
            let root = CloudWatchPaths.root(stateDirectory: state.path)
            let regions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted().filter { region == nil || $0 == region }
            return regions.flatMap { region -> [(String, String, String)] in
                let folder = (root as NSString).appendingPathComponent("\(region)/\(group)")
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".log") }.sorted()
                return files.map { (region, String($0.dropLast(4)), (folder as NSString).appendingPathComponent($0)) }
            }
        }
    }
}
