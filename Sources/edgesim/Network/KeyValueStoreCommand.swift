import ArgumentParser
import Foundation
import NIOHTTP1
import Registry
import Topology

extension EdgeSim {
    /// `edgesim kvs …`: CloudFront KeyValueStores in the running network's registry, with the
    /// AWS API's ETag rules. A write names the ETag it read with `--if-match` (a stale one is
    /// refused, as at AWS); without it the command reads the current one first.
    struct KeyValueStoreCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kvs",
            abstract: "Create, fill and read CloudFront KeyValueStores in the running network.",
            discussion: """
                A write that a function in force reads is a new config epoch: it reaches every edge through \
                the replication feed, with no republish. --wait follows it and prints when each node switched.
                """,
            subcommands: [Create.self, Import.self, Describe.self, List.self, Get.self, Put.self, Delete.self, DeleteStore.self]
        )

        /// What every write takes.
        struct WriteOptions: ParsableArguments {
            @Option(help: "The ETag the write expects (from describe); read first when left out.") var ifMatch: String?
            @Flag(help: "Wait until every node has the change, and print when each switched.") var wait = false
            @Option(help: "With --wait, give up after this many seconds (exit 1).") var timeout = 120.0
        }

        /// `edgesim kvs create NAME [--comment C]`.
        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create an empty store.")
            @Argument(help: "The store's name.") var name: String
            @Option(help: "A comment (at most 128 characters).") var comment = ""
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                let store = try await state.withRegistry { try await $0.createStore(name, comment: comment) }
                Output.line("created \(store.Name) (\(store.KvsARN)), ETag \(store.ETag)")
            }
        }

        /// `edgesim kvs import NAME FILE`.
        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a store from an import file ({\"data\": [{\"key\", \"value\"}, …]}), as AWS imports one at creation."
            )
            @Argument(help: "The store's name.") var name: String
            @Argument(help: "The import file.") var file: String
            @Option(help: "A comment (at most 128 characters).") var comment = ""
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
                do {
                    _ = try KeyValueStoreData.parse(importFile: data)
                } catch {
                    throw ValidationError("\(file): \(error)")
                }
                let store = try await state.withRegistry { try await $0.createStore(name, comment: comment, importFile: data) }
                Output.line("created \(store.Name) with \(store.ItemCount) keys (\(store.TotalSizeInBytes) bytes), ETag \(store.ETag)")
            }
        }

        /// `edgesim kvs describe NAME`.
        struct Describe: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a store: its ARN, size, ETag and revision.")
            @Argument(help: "The store's name or id.") var name: String
            @Flag(help: "Print the JSON the API returns.") var json = false
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                if json {
                    Output.line(
                        String(decoding: try await state.withRegistry { try await $0.send(.GET, "/key-value-stores/\(name)") }, as: UTF8.self)
                    )
                    return
                }
                let store = try await state.withRegistry { try await $0.describeStore(name) }
                var table = Table(["field", "value"])
                for (field, value) in [
                    ("name", store.Name), ("id", store.Id), ("arn", store.KvsARN), ("comment", store.Comment), ("status", store.Status),
                    ("keys", "\(store.ItemCount)"), ("size", "\(store.TotalSizeInBytes) bytes"), ("created", store.Created.formatted(.iso8601)),
                    ("last modified", store.LastModified.formatted(.iso8601)), ("revision", "\(store.Revision)"), ("etag", store.ETag),
                ] { table.add([field, value]) }
                Output.line(table.render())
            }
        }

        /// `edgesim kvs list [NAME]`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List every store, or with a name every key and value of that store.")
            @Argument(help: "A store: list its keys.") var name: String?
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                if let name {
                    let items = try await state.withRegistry { try await $0.keys(in: name) }
                    var table = Table(["key", "value"])
                    for item in items { table.add([item.Key, item.Value]) }
                    Output.line(table.render())
                    return
                }
                let stores = try await state.withRegistry { try await $0.stores() }
                var table = Table(["store", "keys", "size", "revision", "etag", "last modified"])
                for store in stores {
                    table.add([
                        store.Name, "\(store.ItemCount)", "\(store.TotalSizeInBytes) B", "\(store.Revision)", store.ETag,
                        store.LastModified.formatted(.iso8601),
                    ])
                }
                Output.line(table.render())
            }
        }

        /// `edgesim kvs get NAME KEY`.
        struct Get: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print one key's value.")
            @Argument(help: "The store.") var name: String
            @Argument(help: "The key.") var key: String
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                Output.line(try await state.withRegistry { try await $0.key(key, in: name) }.Value)
            }
        }

        /// `edgesim kvs put NAME KEY VALUE`.
        struct Put: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Set a key's value (PutKey).")
            @Argument(help: "The store.") var name: String
            @Argument(help: "The key.") var key: String
            @Argument(help: "The value (at most 1 KB).") var value: String
            @OptionGroup var write: WriteOptions
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                try await KeyValueStoreCommand.write(name, "put \(key)", options: write, state: state) { client, etag in
                    try await client.updateKeys(in: name, ifMatch: etag, puts: [.init(Key: key, Value: value)])
                }
            }
        }

        /// `edgesim kvs delete NAME KEY…`.
        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Delete keys (DeleteKey; several in one write).")
            @Argument(help: "The store.") var name: String
            @Argument(help: "The keys.") var keys: [String]
            @OptionGroup var write: WriteOptions
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                try await KeyValueStoreCommand.write(name, "delete \(keys.joined(separator: ", "))", options: write, state: state) { client, etag in
                    try await client.updateKeys(in: name, ifMatch: etag, deletes: keys)
                }
            }
        }

        /// `edgesim kvs delete-store NAME`.
        struct DeleteStore: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "delete-store", abstract: "Delete a store no function in force reads.")
            @Argument(help: "The store.") var name: String
            @Option(help: "The ETag the delete expects; read first when left out.") var ifMatch: String?
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                try await state.withRegistry { client in
                    let etag = if let ifMatch { ifMatch } else { try await client.describeStore(name).ETag }
                    try await client.deleteStore(name, ifMatch: etag)
                }
                Output.line("deleted \(name)")
            }
        }

        /// Sends one write with its ETag, prints the new one, and follows its epoch with `--wait`.
        static func write(
            _ name: String,
            _ what: String,
            options: WriteOptions,
            state: StateDirectoryOption,
            _ send: (RegistryClient, String) async throws -> RegistryAPI.StoreWrite
        ) async throws {
            let network = try state.load()
            let startedAt = Date().timeIntervalSince1970
            let (written, result) = try await state.withRegistry { client in
                let etag = if let ifMatch = options.ifMatch { ifMatch } else { try await client.describeStore(name).ETag }
                let written = try await send(client, etag)
                guard options.wait, let epoch = written.Epoch else { return (written, PropagationResult?.none) }
                let result = await PropagationRun.follow(
                    epoch,
                    of: "kvs \(name): \(what)",
                    startedAt: startedAt,
                    client: client,
                    network: network,
                    timeout: .seconds(options.timeout)
                )
                return (written, result)
            }
            let reach = written.Epoch.map { "config epoch \($0)" } ?? "no function in force reads it yet"
            Output.line("\(name): \(what) — \(written.ItemCount) keys, \(written.TotalSizeInBytes) bytes, ETag \(written.ETag); \(reach)")
            if let result {
                Output.line(result.table(from: "write"))
                if !result.converged { throw ExitCode(1) }
            }
        }
    }
}
