import ArgumentParser
import Foundation
import LambdaRuntime
import Logging
import Registry
import Replication
import Topology

extension EdgeSim.FunctionCommand {
    /// `edgesim function test NAME[:N] --event FILE [--stage development|live]`: CloudFront's
    /// TestFunction, with no network: the version runs once in a worker of its runtime on the
    /// event, and the command prints the output, the logs, the error and the compute
    /// utilization. The code comes from the running network's registry, or from a topology file.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a function once on a test event and print what CloudFront's TestFunction returns.",
            discussion: """
                The event is a CloudFront Function event (cloudfront-functions-spec §2) or, for a Lambda@Edge \
                version, a CloudFront event with Records[0].cf. examples/events/ has one of each kind per event type. \
                As at AWS, the test checks only that the function ran, not CloudFront's rules for its result, \
                and it writes nothing to the function's logs. A function that reads a KeyValueStore reads the \
                store's current data. Exit status 1 when the function failed.
                """
        )

        enum Stage: String, ExpressibleByArgument, CaseIterable {
            case development, live
        }

        @Argument(help: "NAME or NAME:N.") var function: String
        @Option(help: "The test event, a JSON file.") var event: String
        @Option(help: "development (the newest version) or live (the version in force); without NAME:N, live.") var stage: Stage?
        @Option(help: "Take the function from this topology file instead of a running network.") var topology: String?
        @Flag(help: "Print the result as JSON, as TestFunction's TestResult.") var json = false
        @OptionGroup var state: StateDirectoryOption

        func run() async throws {
            guard let eventData = FileManager.default.contents(atPath: event) else { throw ValidationError("cannot read the event file \(event)") }
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-test-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let (name, number) = Self.split(function)
            let located = try await (topology != nil ? fromTopology(name, scratch: scratch) : fromRegistry(name, number: number, scratch: scratch))
            var code: FunctionCode
            do {
                code = try FunctionCode.prepare(
                    located.spec,
                    version: located.version,
                    for: [FunctionTest.eventType(of: eventData)],
                    stateDirectory: scratch
                )
            } catch {
                throw ValidationError("\(error)")
            }
            code.keyValueStore = located.keyValueStore
            let stageName = located.spec.runtime.isCloudFrontFunction ? located.stage.rawValue.uppercased() : nil
            let result: FunctionTestResult
            do {
                result = try await FunctionTest.run(
                    code,
                    event: eventData,
                    stage: stageName,
                    stateDirectory: scratch,
                    logger: Logger(label: "edgesim.test")
                )
            } catch let error as FunctionTestError {
                throw ValidationError("\(event): \(error)")
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Output.line(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                Output.line(Self.render(result))
            }
            if !result.functionErrorMessage.isEmpty { throw ExitCode(1) }
        }

        /// A version as the test runs it: its spec (code as a .zip in the scratch folder), its
        /// number, the stage it stands for, and the store it reads.
        struct Located {
            var spec: FunctionSpec
            var version: Int
            var stage: Stage
            var keyValueStore: KeyValueStoreFile?
        }

        private func fromTopology(_ name: String, scratch: String) throws -> Located {
            let report = TopologyLoader.check(path: topology ?? "")
            guard let loaded = report.topology else {
                throw ValidationError(report.diagnostics.map(\.description).joined(separator: "\n"))
            }
            guard var spec = loaded.function(name) else {
                throw ValidationError(
                    "\(topology ?? "") declares no function '\(name)' (it has: \(loaded.functions.map(\.name).joined(separator: ", ")))"
                )
            }
            spec.code = try Self.write(try RegistryStore.bundle(from: spec.code), to: scratch)
            let store = try spec.keyValueStore.flatMap { storeName in
                try loaded.keyValueStores.first { $0.name == storeName }.map {
                    try Self.write($0.data, name: storeName, id: storeName, scratch: scratch)
                }
            }
            return Located(spec: spec, version: 1, stage: stage ?? .live, keyValueStore: store)
        }

        private func fromRegistry(_ name: String, number: Int?, scratch: String) async throws -> Located {
            try await state.withRegistry { client in
                let versions = try await client.versions().filter { $0.name == name }
                guard let newest = versions.map(\.version).max() else { throw ValidationError("no function '\(name)' is published") }
                let isCloudFrontFunction = versions.last.flatMap { Runtime(identifier: $0.runtime) }?.isCloudFrontFunction == true
                let inForce = try await client.config().associations.filter { $0.function == name }.map(\.version).max()
                let live = isCloudFrontFunction ? try await client.stages(of: name).live : inForce
                let chosen: Int
                let shown: Stage
                switch (number, stage) {
                case (let number?, _): (chosen, shown) = (number, number == (live ?? newest) ? .live : .development)
                case (nil, .development?): (chosen, shown) = (newest, .development)
                case (nil, _):
                    guard let live = live ?? (isCloudFrontFunction ? nil : newest) else {
                        throw ValidationError("\(name) has no LIVE stage yet: test --stage development, or edgesim function promote \(name)")
                    }
                    (chosen, shown) = (live, .live)
                }
                guard let record = versions.first(where: { $0.version == chosen }) else {
                    throw ValidationError("\(name) has no version \(chosen) (published: \(versions.map { "\($0.version)" }.joined(separator: ", ")))")
                }
                let bundle = try Self.write(try await client.bundle(of: record.ref), to: scratch)
                guard let spec = record.spec(code: bundle) else {
                    throw ValidationError("\(record.ref) runs \(record.runtime), which this build does not know")
                }
                var store: KeyValueStoreFile?
                if let storeName = record.keyValueStore {
                    let described = try await client.describeStore(storeName)
                    let items = try await client.keys(in: storeName)
                    let data = KeyValueStoreData(items: Dictionary(items.map { ($0.Key, $0.Value) }, uniquingKeysWith: { $1 }))
                    store = try Self.write(data, name: storeName, id: described.Id, scratch: scratch, created: described.Created)
                }
                return Located(spec: spec, version: chosen, stage: shown, keyValueStore: store)
            }
        }

        static func split(_ text: String) -> (String, Int?) {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? Int(parts[1]) : nil)
        }

        private static func write(_ bundle: Data, to scratch: String) throws -> String {
            let path = (scratch as NSString).appendingPathComponent("bundle.zip")
            try bundle.write(to: URL(fileURLWithPath: path))
            return path
        }

        private static func write(
            _ data: KeyValueStoreData,
            name: String,
            id: String,
            scratch: String,
            created: Date = Date()
        ) throws -> KeyValueStoreFile {
            let path = (scratch as NSString).appendingPathComponent("store-\(name).json")
            try data.importFile.write(to: URL(fileURLWithPath: path))
            return KeyValueStoreFile(path: path, name: name, id: id, created: created, lastModified: Date(), keyCount: data.itemCount)
        }

        static func render(_ result: FunctionTestResult) -> String {
            var table = Table(["field", "value"])
            table.add(["function", result.function + (result.stage.map { " (\($0))" } ?? "")])
            if let utilization = result.computeUtilization { table.add(["compute utilization", utilization]) }
            table.add(["duration", String(format: "%.2f ms", result.durationMilliseconds)])
            table.add(["error", result.functionErrorMessage.isEmpty ? "none" : result.functionErrorMessage])
            var lines = [table.render()]
            if !result.functionOutput.isEmpty {
                let data = Data(result.functionOutput.utf8)
                let pretty = (try? JSONSerialization.jsonObject(with: data))
                    .flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) }
                lines += ["output:", pretty.map { String(decoding: $0, as: UTF8.self) } ?? result.functionOutput]
            }
            lines.append(result.functionExecutionLogs.isEmpty ? "logs: none" : "logs:")
            lines += result.functionExecutionLogs.map { "  " + $0 }
            return lines.joined(separator: "\n")
        }
    }
}
