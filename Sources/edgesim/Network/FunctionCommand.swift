import ArgumentParser
import CDNCore
import Foundation
import NIOCore
import NIOHTTP1
import Registry
import Replication

extension EdgeSim {
    /// `edgesim function publish|list`: the registry's function versions.
    struct FunctionCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "function",
            abstract: "Publish, list and test function versions.",
            subcommands: [Publish.self, List.self, Test.self]
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
            }
        }

        /// `edgesim function list`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List every published version.")
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                let versions = try await state.withRegistry { try await $0.versions() }
                var table = Table(["function", "version", "runtime", "handler", "memory", "timeout", "sha256", "published"])
                for version in versions {
                    table.add([
                        version.name, "\(version.version)", version.runtime, version.handler, "\(version.memoryMegabytes) MB",
                        "\(version.timeoutMilliseconds) ms", String(version.sha256.prefix(16)) + "…", version.publishedAt.formatted(.iso8601),
                    ])
                }
                Output.line(table.render())
            }
        }
    }

    /// `edgesim associate DIST --event E --function NAME:N`.
    struct Associate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Associate a numbered function version with an event of a cache behavior (a new config epoch)."
        )

        @Argument(help: "The distribution's id.") var distribution: String
        @Option(help: "viewer-request, origin-request, origin-response or viewer-response; repeat to associate several events in one epoch.")
        var event: [String]
        @Option(help: "NAME:N — a numbered version; $LATEST is refused.") var function: String
        @Option(help: "The behavior's path pattern.") var behavior = "*"
        @Flag(help: "Expose the request body (request events only).") var includeBody = false
        @OptionGroup var state: StateDirectoryOption

        func run() async throws {
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
