import CDNCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Replication
import Topology

/// The registry's HTTP API. Reads are open; writes need `Authorization: Bearer TOKEN` (the
/// token `edgesim up` writes to the state directory with owner-only permissions).
///
/// - `GET /functions` — every version record
/// - `GET /functions/NAME/versions/N` — one record; `…/bundle` — its .zip
/// - `POST /functions/NAME/versions?runtime=R&handler=H[&memory=MB][&timeout=MS][&kvs=STORE]`, body
///   the .zip — publish
/// - the KeyValueStore routes (``addKeyValueStoreRoutes(to:store:token:)``)
/// - `GET /functions/NAME/stages` — a CloudFront Function's DEVELOPMENT and LIVE versions
/// - `POST /functions/NAME/live[?version=N]` — CloudFront's PublishFunction: DEVELOPMENT (or N)
///   becomes LIVE, and every behavior running the function switches (one config epoch)
/// - `GET /config` — the epoch and the associations
/// - `POST /associations` `{distribution, behavior, event, function: "NAME:N", includeBody}`, or an
///   array of them — associate, all in one new config epoch
/// - `DELETE /associations` `{distribution, behavior, event}`, or an array of them — take those
///   associations away, in one new config epoch
/// - `GET /public-key` — the Ed25519 public key, base64
/// - `GET /deployment` — the newest epoch and where every hub and edge stands
/// - `POST /deployment/reports` — a node's ``DeploymentReport`` (nodes have the token too)
/// - the replication feed (``ReplicationFeed``) that hubs follow
/// - CloudFront's own API under `/2020-05-31/` (``CloudFrontAPI``)
public enum RegistryAPI {
    /// What `POST /associations` takes.
    public struct AssociateRequest: Codable, Sendable {
        public var distribution: String
        public var behavior: String
        public var event: String
        public var function: String
        public var includeBody: Bool?

        public init(distribution: String, behavior: String, event: String, function: String, includeBody: Bool?) {
            self.distribution = distribution
            self.behavior = behavior
            self.event = event
            self.function = function
            self.includeBody = includeBody
        }
    }

    /// The config as `GET /config` and `POST /associations` return it.
    public struct Config: ResponseCodable, Sendable {
        /// The config epoch.
        public var epoch: Int
        /// Every association in force.
        public var associations: [Association]

        /// Creates a config reply.
        public init(epoch: Int, associations: [Association]) {
            self.epoch = epoch
            self.associations = associations
        }
    }

    /// A CloudFront Function's stages (`GET /functions/NAME/stages`): DEVELOPMENT is the newest
    /// version, LIVE the one promoted last.
    public struct Stages: ResponseCodable, Sendable {
        public var development: Int
        public var live: Int?
    }

    /// What `POST /functions/NAME/live` answers: the LIVE version, and the config epoch that
    /// switched the behaviors running it (none when it runs nowhere).
    public struct Promotion: ResponseCodable, Sendable {
        public var live: Int
        public var epoch: Int?
    }

    /// A JSON body of one item or a list of them, as the association routes take.
    static func oneOrMany<Item: Decodable>(_ type: Item.Type, in request: Request, naming what: String) async throws -> [Item] {
        let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
        let decoder = JSONDecoder()
        if let many = try? decoder.decode([Item].self, from: body) { return many }
        do {
            return [try decoder.decode(Item.self, from: body)]
        } catch {
            throw HTTPError(.badRequest, message: "the body is not \(what) or a list of them: \(error)")
        }
    }

    /// The router.
    static func router(
        store: RegistryStore,
        board: DeploymentBoard,
        configs: DistributionConfigs,
        token: String,
        invalidations: InvalidationLog,
        logger: Logger
    ) -> Router<BasicRequestContext> {
        let router = Router()
        CloudFrontAPI.addRoutes(to: router, configs: configs, board: board, store: store, invalidations: invalidations, token: token)
        CloudFrontAPI.addFunctionRoutes(to: router, store: store, token: token, logger: logger)
        ReplicationFeed.addRoutes(to: router, source: store)
        addKeyValueStoreRoutes(to: router, store: store, token: token)
        router.get("/deployment") { _, _ -> Response in try json(await board.status(latest: await store.history.last)) }
        router.post("/deployment/reports") { request, context -> HTTPResponse.Status in
            try authorize(request, token: token)
            await board.record(try await request.decode(as: DeploymentReport.self, context: context))
            return .ok
        }
        router.get("/functions") { _, _ -> Response in try json(await store.versions) }
        router.get("/functions/:name/versions/:version") { _, context -> Response in
            let (name, number) = try (context.parameters.require("name"), context.parameters.require("version", as: Int.self))
            guard let record = await store.version(name, number) else { throw HTTPError(.notFound, message: "no version \(name):\(number)") }
            return try json(record)
        }
        router.get("/functions/:name/versions/:version/bundle") { _, context -> Response in
            let (name, number) = try (context.parameters.require("name"), context.parameters.require("version", as: Int.self))
            do {
                let data = try await store.bundle(name, number)
                return Response(status: .ok, headers: [.contentType: "application/zip"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
            } catch {
                throw HTTPError(.notFound, message: "\(error)")
            }
        }
        router.get("/functions/:name/stages") { _, context -> Stages in
            let name = try context.parameters.require("name")
            let stages = await store.stages(of: name)
            guard let development = stages.development else { throw HTTPError(.notFound, message: "NoSuchFunctionExists: no function '\(name)'") }
            return Stages(development: development, live: stages.live)
        }
        router.post("/functions/:name/live") { request, context -> Promotion in
            try authorize(request, token: token)
            let name = try context.parameters.require("name")
            let asked = request.uri.queryParameters["version"].flatMap { Int($0) }
            let (version, epoch) = try await answer { () throws(RegistryError) in try await store.promote(name, version: asked) }
            return Promotion(live: version, epoch: epoch)
        }
        router.get("/config") { _, _ -> Config in
            let config = await store.config
            return Config(epoch: config.epoch, associations: config.associations)
        }
        router.get("/public-key") { _, _ -> String in store.publicKey.base64EncodedString() }
        router.post("/functions/:name/versions") { request, context -> Response in
            try authorize(request, token: token)
            let name = try context.parameters.require("name")
            let query = request.uri.queryParameters
            guard let runtime = query["runtime"].map(String.init), let handler = query["handler"].map(String.init) else {
                throw HTTPError(.badRequest, message: "runtime and handler query parameters are required")
            }
            let body = try await request.body.collect(upTo: 50 << 20)
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-upload-\(UUID().uuidString).zip")
            defer { try? FileManager.default.removeItem(at: scratch) }
            try Data(body.readableBytesView).write(to: scratch)
            do {
                let record = try await store.publish(
                    name: name,
                    code: scratch.path,
                    runtime: runtime,
                    handler: handler,
                    memoryMegabytes: query["memory"].flatMap { Int($0) } ?? RegistryStore.Default.memoryMegabytes,
                    timeoutMilliseconds: query["timeout"].flatMap { Int($0) } ?? RegistryStore.Default.timeoutMilliseconds,
                    keyValueStore: query["kvs"].map(String.init)
                )
                return try json(record, status: .created)
            } catch {
                throw HTTPError(.badRequest, message: "\(error)")
            }
        }
        router.post("/associations") { request, _ -> Config in
            try authorize(request, token: token)
            let asked = try await oneOrMany(AssociateRequest.self, in: request, naming: "an association")
            let topology = try await configs.view().topology
            var changes: [AssociationChange] = []
            for item in asked {
                guard let distribution = topology.distribution(item.distribution) else {
                    let known = topology.distributions.map(\.id).joined(separator: ", ")
                    throw HTTPError(.badRequest, message: "no distribution '\(item.distribution)' in the topology (it has: \(known))")
                }
                guard distribution.behaviors.contains(where: { $0.pathPattern == item.behavior }) else {
                    let patterns = distribution.behaviors.map(\.pathPattern).joined(separator: ", ")
                    throw HTTPError(.badRequest, message: "\(distribution.id) has no behavior '\(item.behavior)' (its path patterns: \(patterns))")
                }
                guard let event = EventType(rawValue: item.event) else {
                    throw HTTPError(
                        .badRequest,
                        message: "unknown event '\(item.event)': use viewer-request, origin-request, origin-response or viewer-response"
                    )
                }
                changes.append(
                    AssociationChange(
                        distribution: item.distribution,
                        behavior: item.behavior,
                        event: event,
                        function: item.function,
                        includeBody: item.includeBody ?? false
                    )
                )
            }
            do {
                try await store.associate(changes)
            } catch {
                throw HTTPError(.badRequest, message: "\(error)")
            }
            let config = await store.config
            return Config(epoch: config.epoch, associations: config.associations)
        }
        router.delete("/associations") { request, _ -> Config in
            try authorize(request, token: token)
            let slots = try await oneOrMany(AssociationSlot.self, in: request, naming: "a slot {distribution, behavior, event}")
            do {
                try await store.removeAssociations(slots)
            } catch let error as RegistryError {
                throw HTTPError(error.code == .notFound ? .notFound : .badRequest, message: "\(error)")
            }
            let config = await store.config
            return Config(epoch: config.epoch, associations: config.associations)
        }
        return router
    }

    static func authorize(_ request: Request, token: String) throws {
        guard request.headers[.authorization] == "Bearer \(token)" else {
            throw HTTPError(.unauthorized, message: "writes need Authorization: Bearer TOKEN (the token is in STATE/registry/token)")
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, etag: String? = nil) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var headers: HTTPFields = [.contentType: "application/json"]
        if let etag { headers[.eTag] = etag }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
