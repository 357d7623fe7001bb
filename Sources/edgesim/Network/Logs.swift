import ArgumentParser
import EdgeNode
import Foundation
import LambdaRuntime

extension EdgeSim {
    /// `edgesim logs --function NAME`: a function's CloudWatch-style logs, from every region it ran in.
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a function's logs (/aws/lambda/us-east-1.NAME) from every executing region, one stream per edge.",
            discussion: """
                With --validation DIST, print CloudFront's validation-error log (/aws/cloudfront/LambdaEdge/DIST) instead. \
                With --access DIST, print the distribution's standard access log from every edge, in CloudFront's format \
                (the #Version and #Fields lines once, then a tab-separated line per request); the files are under \
                STATE/access-logs/BUCKET/PREFIX, gzipped once their hour is over.
                """
        )

        @Option(help: "The function's name.")
        var function: String?

        @Option(help: "A distribution id: print its Lambda@Edge validation errors.")
        var validation: String?

        @Option(help: "A distribution id: print its standard access log.")
        var access: String?

        @Option(help: "Only this executing region (a hub id).")
        var region: String?

        @Flag(help: "Keep printing new lines as they are written, until Ctrl-C.")
        var follow = false

        @OptionGroup var state: StateDirectoryOption

        func validate() throws {
            guard [function, validation, access].compactMap(\.self).count == 1 else {
                throw ValidationError("give one of --function NAME, --validation DIST or --access DIST")
            }
        }

        func run() async throws {
            if let access { return try await printAccessLog(of: access) }
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

        /// A distribution's standard log: every edge's files, oldest hour first; with `--follow`,
        /// the lines written since, as they come (a file rolled meanwhile is not read twice).
        private func printAccessLog(of distribution: String) async throws {
            let files = StandardLogFiles(stateDirectory: state.path)
            var printedLines: [String: Int] = [:]
            var printedHeader = false
            repeat {
                var seen = Set<String>()
                for file in files.files(distribution: distribution) where seen.insert(file.name).inserted {
                    guard let text = try? StandardLogFiles.text(of: file.path) else { continue }
                    let records = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
                    let start = printedLines[file.name] ?? 0
                    guard records.count > start else { continue }
                    if !printedHeader {
                        Output.line(String(StandardLogFormat.header.dropLast()))
                        printedHeader = true
                    }
                    for line in records[start...] { Output.line(String(line)) }
                    printedLines[file.name] = records.count
                }
                if follow { try await Task.sleep(for: .milliseconds(250)) }
            } while follow
            if !printedHeader {
                Output.error("no access log lines for \(distribution) under \(state.path)/access-logs: is its logging on (logging: {bucket: …})?")
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
