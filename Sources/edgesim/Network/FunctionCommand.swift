import ArgumentParser
import CDNCore
import Foundation
import NIOCore
import NIOHTTP1
import Registry
import Replication
import Topology

extension EdgeSim {
    /// `edgesim function publish|list`: the registry's function versions.
    struct FunctionCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "function",
            abstract: "Publish, list and test function versions.",
            subcommands: [Publish.self, Promote.self, List.self, Test.self]
        )

        /// `edgesim function publish NAME --code DIR|ZIP --runtime R --handler H`.
        struct Publish: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Publish a new numbered version; prints its number.")

            @Argument(help: "The function's name.") var name: String
            @Option(help: "The code: a folder or a .zip.") var code: String
            @Option(help: "nodejs, python, or a Lambda identifier (nodejs20.x, python3.12).") var runtime: String
            @Option(help: "FILE.FUNCTION, such as index.handler.") var handler: String
            @Option(help: "Memory in megabytes.") var memory = RegistryStore.Default.memoryMegabytes
            @Option(help: "Timeout in milliseconds.") var timeout = RegistryStore.Default.timeoutMilliseconds
            @Option(help: "The KeyValueStore a cloudfront-js-2.0 function reads through cf.kvs().") var kvs: String?
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                let bundle = try RegistryStore.bundle(from: code)
                let record = try await state.withRegistry { client in
                    try await client.publish(
                        name,
                        bundle: bundle,
                        runtime: runtime,
                        handler: handler,
                        memoryMegabytes: memory,
                        timeoutMilliseconds: timeout,
                        keyValueStore: kvs
                    )
                }
                Output.line("published \(record.ref) (sha256 \(record.sha256), \(record.size) bytes)")
                if Runtime(identifier: runtime)?.isCloudFrontFunction == true {
                    Output.line(
                        "\(record.ref) is the DEVELOPMENT stage: test it with `edgesim function test \(name) --stage development --event FILE`, serve it with `edgesim function promote \(name)`"
                    )
                }
            }
        }

        /// `edgesim function promote NAME [--version N] [--wait]`: CloudFront's PublishFunction.
        struct Promote: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make a CloudFront Function's DEVELOPMENT stage LIVE (CloudFront's PublishFunction).",
                discussion: "Every behavior that runs the function switches to it as one config epoch, with no new association."
            )
            @Argument(help: "The CloudFront Function.") var name: String
            @Option(help: "Make this version LIVE instead of the newest.") var version: Int?
            @Flag(help: "Wait until every node runs it, and print when each switched.") var wait = false
            @Option(help: "With --wait, give up after this many seconds (exit 1).") var timeout = 120.0
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                let network = try state.load()
                let startedAt = Date().timeIntervalSince1970
                let (promotion, result) = try await state.withRegistry { client in
                    let promotion = try await client.promote(name, version: version)
                    guard wait, let epoch = promotion.epoch else { return (promotion, PropagationResult?.none) }
                    let change = "\(name):\(promotion.live) LIVE"
                    let result = await PropagationRun.follow(
                        epoch,
                        of: change,
                        startedAt: startedAt,
                        client: client,
                        network: network,
                        timeout: .seconds(timeout)
                    )
                    return (promotion, result)
                }
                let reach = promotion.epoch.map { "every behavior running it switches in config epoch \($0)" } ?? "it is associated nowhere yet"
                Output.line("\(name):\(promotion.live) is LIVE; \(reach)")
                if let result {
                    Output.line(result.table(from: "promote"))
                    if !result.converged { throw ExitCode(1) }
                }
            }
        }

        /// `edgesim function list`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List every published version.")
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                let (versions, live) = try await state.withRegistry { client in
                    let versions = try await client.versions()
                    var live: [String: Int] = [:]
                    for name in Set(versions.filter { Runtime(identifier: $0.runtime)?.isCloudFrontFunction == true }.map(\.name)) {
                        live[name] = try await client.stages(of: name).live
                    }
                    return (versions, live)
                }
                var table = Table(["function", "version", "runtime", "stage", "handler", "memory", "timeout", "sha256", "published"])
                for version in versions {
                    let newest = versions.last { $0.name == version.name }?.version == version.version
                    let stage: String =
                        if Runtime(identifier: version.runtime)?.isCloudFrontFunction != true { "" } else {
                            [live[version.name] == version.version ? "LIVE" : nil, newest ? "DEVELOPMENT" : nil].compactMap { $0 }.joined(
                                separator: ", "
                            )
                        }
                    table.add([
                        version.name, "\(version.version)", version.runtime, stage, version.handler, "\(version.memoryMegabytes) MB",
                        "\(version.timeoutMilliseconds) ms", String(version.sha256.prefix(16)) + "…", version.publishedAt.formatted(.iso8601),
                    ])
                }
                Output.line(table.render())
            }
        }
    }

    /// `edgesim associate DIST --event E --function NAME:N`, or `--remove`.
    struct Associate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Associate a numbered function version with an event of a cache behavior, or take one away (a new config epoch)."
        )

        @Argument(help: "The distribution's id.") var distribution: String
        @Option(help: "viewer-request, origin-request, origin-response or viewer-response; repeat to change several events in one epoch.")
        var event: [String]
        @Option(help: "NAME:N — a numbered version; $LATEST is refused.") var function: String?
        @Option(help: "The behavior's path pattern.") var behavior = "*"
        @Flag(help: "Expose the request body (request events only).") var includeBody = false
        @Flag(help: "Take the events' associations away: nothing runs there afterwards.") var remove = false
        @OptionGroup var state: StateDirectoryOption

        func validate() throws {
            if remove, function != nil { throw ValidationError("--remove takes no --function: it empties the events named") }
            if !remove, function == nil { throw ValidationError("give --function NAME:N, or --remove") }
            if remove, includeBody { throw ValidationError("--include-body is for associating, not --remove") }
        }

        func run() async throws {
            var slots: [AssociationSlot] = []
            for name in event {
                guard let parsed = EventType(rawValue: name) else {
                    throw ValidationError("unknown event '\(name)': use viewer-request, origin-request, origin-response or viewer-response")
                }
                slots.append(AssociationSlot(distribution: distribution, behavior: behavior, event: parsed))
            }
            guard let function else {
                let config = try await state.withRegistry { try await $0.removeAssociations(slots) }
                Output.line(
                    "removed what ran at \(event.joined(separator: " and ")) of \(distribution) \(behavior): config epoch \(config.epoch)"
                )
                return
            }
            let requests = event.map {
                RegistryAPI.AssociateRequest(distribution: distribution, behavior: behavior, event: $0, function: function, includeBody: includeBody)
            }
            let config = try await state.withRegistry { try await $0.associate(requests) }
            Output.line(
                "associated \(function) with \(event.joined(separator: " and ")) of \(distribution) \(behavior): config epoch \(config.epoch)"
            )
        }
    }
}
