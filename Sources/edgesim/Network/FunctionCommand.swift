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
            abstract: "Publish and list function versions in the running network's registry.",
            subcommands: [Publish.self, List.self]
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
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                let client = try RegistryClient(state: state)
                let bundle = try RegistryStore.bundle(from: code)
                let query = "runtime=\(runtime)&handler=\(handler)&memory=\(memory)&timeout=\(timeout)"
                let reply = try await client.send(.POST, "/functions/\(name)/versions?\(query)", body: bundle, authorized: true)
                let record = try JSONDecoder.iso8601.decode(FunctionVersion.self, from: reply)
                Output.line("published \(record.ref) (sha256 \(record.sha256), \(record.size) bytes)")
            }
        }

        /// `edgesim function list`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List every published version.")
            @OptionGroup var state: StateDirectoryOption

            func run() async throws {
                let client = try RegistryClient(state: state)
                let versions = try JSONDecoder.iso8601.decode([FunctionVersion].self, from: try await client.send(.GET, "/functions"))
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
            let client = try RegistryClient(state: state)
            let requests = event.map {
                RegistryAPI.AssociateRequest(distribution: distribution, behavior: behavior, event: $0, function: function, includeBody: includeBody)
            }
            let reply = try await client.send(.POST, "/associations", body: try JSONEncoder().encode(requests), authorized: true)
            let config = try JSONDecoder().decode(RegistryConfigReply.self, from: reply)
            Output.line(
                "associated \(function) with \(event.joined(separator: " and ")) of \(distribution) \(behavior): config epoch \(config.epoch)"
            )
        }
    }
}

/// `GET /config`'s shape, for decoding.
struct RegistryConfigReply: Decodable {
    var epoch: Int
}

/// Talks to the running network's registry.
struct RegistryClient {
    let node: NetworkState.Node
    let token: String?

    init(state: StateDirectoryOption) throws {
        let network = try state.load()
        guard let registry = network.node("registry") else { throw ValidationError("the running network has no registry") }
        node = registry
        token = try? RegistryToken.load(stateDirectory: state.path)
    }

    /// Sends a request; prints the registry's message and exits when it refuses.
    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, authorized: Bool = false) async throws -> Data {
        let (status, data) = try await exchange(method, path, body: body, authorized: authorized)
        guard (200..<300).contains(status) else {
            let message = (try? JSONDecoder().decode(ErrorReply.self, from: data))?.error.message ?? String(decoding: data, as: UTF8.self)
            Output.error("error: the registry refused (\(status)): \(message)")
            throw ExitCode(1)
        }
        return data
    }

    /// Sends a request and returns whatever came back; throws only when nothing did.
    ///
    /// A GET that gets no answer at all is sent again, twice at most, 250 ms apart: the registry
    /// may be between processes (`up` restarts it within a quarter of a second), and a read is
    /// safe to repeat. Writes are sent once, so a version is never published twice.
    func exchange(_ method: HTTPMethod, _ path: String, body: Data? = nil, authorized: Bool = false) async throws -> (Int, Data) {
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if authorized, let token { headers.append(("Authorization", "Bearer \(token)")) }
        let attempts = method == .GET ? 3 : 1
        var attempt = 1
        while true {
            do {
                let reply = try await ViewerClient.get(
                    method: method,
                    host: node.host,
                    port: node.port,
                    path: path,
                    from: nil,
                    headers: headers,
                    body: body.map { ByteBuffer(bytes: $0) }
                )
                return (reply.status, Data(reply.body.readableBytesView))
            } catch  where attempt < attempts {
                attempt += 1
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    struct ErrorReply: Decodable {
        struct Message: Decodable { var message: String }
        var error: Message
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
