import CDNCore
import Foundation
import NIOCore
import NIOHTTP1
import Replication
import Topology

/// Talks to a running network's registry as the CLI, scripts and tests do: publishes versions,
/// associates them, and reads the config and the deployment status, each as a typed value.
///
/// A read that gets no answer at all is sent again, twice at most, 250 ms apart: the registry
/// may be between processes (`up` restarts it within a quarter of a second), and a read is safe
/// to repeat. Writes are sent once, so a version is never published twice.
///
/// ```swift
/// let client = try RegistryClient(network: try NetworkState.load(from: ".edgesim"), stateDirectory: ".edgesim")
/// let v2 = try await client.publish("auth", bundle: zip, runtime: "nodejs", handler: "index.handler")
/// let config = try await client.associate([.init(distribution: "E1", behavior: "*", event: "viewer-request", function: "\(v2.ref)", includeBody: nil)])
/// ```
public struct RegistryClient: Sendable {
    /// How many times a read is sent when no answer comes, and how long apart.
    public enum Default {
        public static let readAttempts = 3
        public static let retryDelay = Duration.milliseconds(250)
    }

    /// Where the registry listens.
    public var host: String
    /// Its API port.
    public var port: Int
    /// The write token, for publishing and associating.
    public var token: String?
    /// TLS to the registry: the network's CA trusted, the registry's name verified.
    public var tls: ViewerTLSClient?

    /// A client of a registry at an address.
    public init(host: String, port: Int, token: String?, tls: ViewerTLSClient?) {
        self.host = host
        self.port = port
        self.token = token
        self.tls = tls
    }

    /// A client of the registry of a state directory: the token and the CA come from there.
    /// - Throws: ``RegistryClientError/Code/unreachable`` when the CA cannot be read.
    public init(host: String, port: Int, stateDirectory: String) throws(RegistryClientError) {
        let files = TLSFiles(stateDirectory: stateDirectory)
        let tls: ViewerTLSClient
        do { tls = try ViewerTLSClient(certificateAuthority: files.authorityCertificate, serverName: TLSFiles.registryName) } catch {
            throw RegistryClientError(.unreachable, "cannot read the network's CA at \(files.authorityCertificate)", cause: error)
        }
        self.init(host: host, port: port, token: try? RegistryToken.load(stateDirectory: stateDirectory), tls: tls)
    }

    /// A client of a running network's registry; the token and the CA come from its state directory.
    /// - Throws: ``RegistryClientError/Code/noRegistry`` when the network has none.
    public init(network: NetworkState, stateDirectory: String) throws(RegistryClientError) {
        guard let registry = network.node(RegistrySpec.id) else { throw RegistryClientError(.noRegistry, "the running network has no registry") }
        try self.init(host: registry.host, port: registry.port, stateDirectory: stateDirectory)
    }

    // MARK: The API

    /// Publishes a new numbered version (`POST /functions/NAME/versions`).
    public func publish(
        _ name: String,
        bundle: Data,
        runtime: String,
        handler: String,
        memoryMegabytes: Int = RegistryStore.Default.memoryMegabytes,
        timeoutMilliseconds: Int = RegistryStore.Default.timeoutMilliseconds,
        keyValueStore: String? = nil
    ) async throws(RegistryClientError) -> FunctionVersion {
        var query = "runtime=\(runtime)&handler=\(handler)&memory=\(memoryMegabytes)&timeout=\(timeoutMilliseconds)"
        if let keyValueStore { query += "&kvs=\(RegistryClient.encoded(keyValueStore))" }
        return try decode(FunctionVersion.self, try await send(.POST, "/functions/\(name)/versions?\(query)", body: bundle, authorized: true))
    }

    /// A CloudFront Function's stages (`GET /functions/NAME/stages`).
    public func stages(of name: String) async throws(RegistryClientError) -> RegistryAPI.Stages {
        try decode(RegistryAPI.Stages.self, try await send(.GET, "/functions/\(name)/stages"))
    }

    /// CloudFront's PublishFunction (`POST /functions/NAME/live`): DEVELOPMENT, or a version, becomes LIVE.
    public func promote(_ name: String, version: Int? = nil) async throws(RegistryClientError) -> RegistryAPI.Promotion {
        let query = version.map { "?version=\($0)" } ?? ""
        return try decode(RegistryAPI.Promotion.self, try await send(.POST, "/functions/\(name)/live\(query)", authorized: true))
    }

    /// Every published version, in publish order (`GET /functions`).
    public func versions() async throws(RegistryClientError) -> [FunctionVersion] {
        try decode([FunctionVersion].self, try await send(.GET, "/functions"))
    }

    /// A version's .zip (`GET /functions/NAME/versions/N/bundle`).
    public func bundle(of ref: FunctionRef) async throws(RegistryClientError) -> Data {
        try await send(.GET, "/functions/\(ref.name)/versions/\(ref.version)/bundle")
    }

    /// Makes one config epoch of several associations (`POST /associations`).
    /// - Returns: The config it made.
    public func associate(_ requests: [RegistryAPI.AssociateRequest]) async throws(RegistryClientError) -> RegistryAPI.Config {
        let body: Data
        do {
            body = try JSONEncoder().encode(requests)
        } catch {
            throw RegistryClientError(.badReply, "cannot encode the associations", cause: error)
        }
        return try decode(RegistryAPI.Config.self, try await send(.POST, "/associations", body: body, authorized: true))
    }

    /// Takes associations away, in one config epoch (`DELETE /associations`).
    /// - Returns: The config it made.
    public func removeAssociations(_ slots: [AssociationSlot]) async throws(RegistryClientError) -> RegistryAPI.Config {
        let body: Data
        do {
            body = try JSONEncoder().encode(slots)
        } catch {
            throw RegistryClientError(.badReply, "cannot encode the slots", cause: error)
        }
        return try decode(RegistryAPI.Config.self, try await send(.DELETE, "/associations", body: body, authorized: true))
    }

    /// The config in force (`GET /config`).
    public func config() async throws(RegistryClientError) -> RegistryAPI.Config {
        try decode(RegistryAPI.Config.self, try await send(.GET, "/config"))
    }

    /// Where every node stands (`GET /deployment`).
    public func deployment() async throws(RegistryClientError) -> DeploymentStatus {
        try decode(DeploymentStatus.self, try await send(.GET, "/deployment"))
    }

    // MARK: Requests

    /// Sends a request and returns the body of a 2xx answer.
    /// - Throws: ``RegistryClientError`` with the registry's own message when it refuses.
    public func send(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        authorized: Bool = false,
        headers extra: [(String, String)] = []
    ) async throws(RegistryClientError) -> Data {
        let (status, data) = try await exchange(method, path, body: body, authorized: authorized, headers: extra)
        guard (200..<300).contains(status) else {
            let message = (try? JSONDecoder().decode(ErrorReply.self, from: data))?.error.message ?? String(decoding: data, as: UTF8.self)
            throw RegistryClientError(.refused, message, status: status)
        }
        return data
    }

    /// Sends a request and returns whatever came back, retrying a read that got no answer.
    /// - Throws: ``RegistryClientError/Code/unreachable`` when nothing came back.
    public func exchange(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        authorized: Bool = false,
        headers extra: [(String, String)] = []
    ) async throws(RegistryClientError) -> (status: Int, body: Data) {
        let reply = try await reply(method, path, body: body, authorized: authorized, headers: extra)
        return (reply.status, Data(reply.body.readableBytesView))
    }

    /// Sends a request and returns the whole reply, header fields included (CloudFront's API
    /// answers with an `ETag`), retrying a read that got no answer.
    /// - Throws: ``RegistryClientError/Code/unreachable`` when nothing came back.
    public func reply(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        authorized: Bool = false,
        headers extra: [(String, String)] = []
    ) async throws(RegistryClientError) -> ViewerClient.Reply {
        var headers: [(String, String)] = [("Content-Type", "application/json")] + extra
        if authorized, let token { headers.append(("Authorization", "Bearer \(token)")) }
        let attempts = method == .GET ? Default.readAttempts : 1
        var attempt = 1
        while true {
            do {
                let reply = try await ViewerClient.get(
                    method: method,
                    host: host,
                    port: port,
                    path: path,
                    from: nil,
                    headers: headers,
                    body: body.map { ByteBuffer(bytes: $0) },
                    tls: tls
                )
                return reply
            } catch {
                guard attempt < attempts else {
                    throw RegistryClientError(.unreachable, "no answer from the registry at \(host):\(port) to \(method) \(path)", cause: error)
                }
                attempt += 1
                try? await Task.sleep(for: Default.retryDelay)
            }
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(RegistryClientError) -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw RegistryClientError(.badReply, "the registry's answer is not a \(T.self)", cause: error)
        }
    }

    private struct ErrorReply: Decodable {
        struct Message: Decodable { var message: String }
        var error: Message
    }
}
