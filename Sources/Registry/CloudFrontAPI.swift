import CDNCore
import CloudFrontImport
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Topology
import XMLCoder

/// A part of CloudFront's own REST API (XML, version 2020-05-31) on the registry, so that
/// `aws cloudfront … --endpoint-url https://REGISTRY` and boto3 drive the network as they drive
/// CloudFront:
///
/// - `GET /2020-05-31/distribution` — ListDistributions
/// - `GET /2020-05-31/distribution/ID` — GetDistribution (with its ETag); `…/config` — GetDistributionConfig
/// - `PUT /2020-05-31/distribution/ID/config` with `If-Match` — UpdateDistribution: the new
///   config, its associations included, as one config epoch (`+update`); InProgress until every
///   node serving it runs that epoch, then Deployed
/// - `POST /2020-05-31/distribution/ID/invalidation` — CreateInvalidation: 201, InProgress, then
///   Completed once every edge and hub has dropped the objects
/// - `GET …/invalidation/INV` — GetInvalidation; `GET …/invalidation` — ListInvalidations
///
/// Anything else under `/2020-05-31/` gets CloudFront's error XML. Reads are open, as the rest of
/// the registry's are; a write is signed with the network's token as its access key id
/// (`AWS_ACCESS_KEY_ID=$(cat STATE/registry/token)`), since the SDKs cannot send a bearer token.
enum CloudFrontAPI {
    static let prefix = "/2020-05-31"

    static func addRoutes(
        to router: Router<BasicRequestContext>,
        configs: DistributionConfigs,
        board: DeploymentBoard,
        store: RegistryStore,
        invalidations: InvalidationLog,
        token: String
    ) {
        /// CloudFront's status: Deployed once every node that serves the distribution runs the
        /// epoch that last changed it.
        @Sendable func status(_ spec: DistributionSpec) async -> String {
            let since = await configs.lastChange(of: spec.id).epoch
            return await board.state(of: spec, since: since) == .deployed ? "Deployed" : "InProgress"
        }
        @Sendable func distribution(_ context: BasicRequestContext, in view: DistributionConfigs.View) throws -> DistributionSpec {
            let id = context.parameters.get("id") ?? ""
            guard let spec = view.distribution(id) else {
                throw CloudFrontAPIError(.notFound, "NoSuchDistribution", "The specified distribution does not exist: \(id).")
            }
            return spec
        }
        @Sendable func distributionDocument(_ spec: DistributionSpec, in view: DistributionConfigs.View) async -> Response {
            let (body, etag) = CloudFrontAPIDocuments.distribution(
                spec,
                in: view.topology,
                runtimes: view.runtimes,
                status: await status(spec),
                lastModified: await configs.lastChange(of: spec.id).at,
                invalidationsInProgress: await invalidations.inProgress(spec.id)
            )
            return xml(body, etag: etag)
        }

        router.get("\(prefix)/distribution") { _, _ -> Response in
            try await answer {
                let view = try await view(configs)
                var statuses: [String: String] = [:]
                var modified: [String: Date] = [:]
                for spec in view.distributions {
                    statuses[spec.id] = await status(spec)
                    modified[spec.id] = await configs.lastChange(of: spec.id).at
                }
                return xml(
                    CloudFrontAPIDocuments.list(
                        view.distributions,
                        in: view.topology,
                        runtimes: view.runtimes,
                        status: { statuses[$0.id] ?? "InProgress" },
                        lastModified: { modified[$0.id] ?? configs.started }
                    )
                )
            }
        }
        router.get("\(prefix)/distribution/:id") { _, context -> Response in
            try await answer {
                let view = try await view(configs)
                return await distributionDocument(try distribution(context, in: view), in: view)
            }
        }
        router.get("\(prefix)/distribution/:id/config") { _, context -> Response in
            try await answer {
                let view = try await view(configs)
                let (body, etag) = view.config(try distribution(context, in: view))
                return xml(body, etag: etag)
            }
        }
        router.put("\(prefix)/distribution/:id/config") { request, context -> Response in
            try await answer {
                try authorize(request, token: token)
                let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
                let view = try await update(
                    context.parameters.get("id") ?? "",
                    body: body,
                    ifMatch: request.headers[.ifMatch],
                    configs: configs,
                    store: store
                )
                return await distributionDocument(try distribution(context, in: view), in: view)
            }
        }
        router.post("\(prefix)/distribution/:id/invalidation") { request, context -> Response in
            try await answer {
                try authorize(request, token: token)
                let spec = try distribution(context, in: try await view(configs))
                let body = try await request.body.collect(upTo: 1 << 20)
                let batch: InvalidationBatch
                do { batch = try XMLDecoder().decode(InvalidationBatch.self, from: Data(body.readableBytesView)) } catch {
                    throw CloudFrontAPIError(.badRequest, "MalformedInput", "The InvalidationBatch could not be read: \(error).")
                }
                let paths = batch.paths.items?.path ?? []
                guard paths.count == batch.paths.quantity else {
                    throw CloudFrontAPIError(
                        .badRequest,
                        "InconsistentQuantities",
                        "Paths has Quantity \(batch.paths.quantity) but \(paths.count) Items."
                    )
                }
                guard !paths.isEmpty else { throw CloudFrontAPIError(.badRequest, "InvalidArgument", "An invalidation needs at least one path.") }
                if let bad = paths.first(where: { !$0.hasPrefix("/") || $0.utf8.count > 4000 }) {
                    throw CloudFrontAPIError(
                        .badRequest,
                        "InvalidArgument",
                        "Invalidation path '\(bad.prefix(80))' must start with '/' and be at most 4,000 characters."
                    )
                }
                if let bad = paths.first(where: { $0.dropLast().contains("*") }) {
                    throw CloudFrontAPIError(.badRequest, "InvalidArgument", "In '\(bad)' a '*' may only be the last character.")
                }
                let (invalidation, isNew) = try await invalidations.create(
                    distribution: spec.id,
                    callerReference: batch.callerReference,
                    paths: paths
                )
                let location =
                    "https://\(request.head.authority ?? "cloudfront.amazonaws.com")\(prefix)/distribution/\(spec.id)/invalidation/\(invalidation.id)"
                var response = xml(invalidation.xml, status: isNew ? .created : .created)
                response.headers[.location] = location
                return response
            }
        }
        router.get("\(prefix)/distribution/:id/invalidation/:invalidation") { _, context -> Response in
            try await answer {
                let spec = try distribution(context, in: try await view(configs))
                let id = context.parameters.get("invalidation") ?? ""
                guard let invalidation = await invalidations.find(id, distribution: spec.id) else {
                    throw CloudFrontAPIError(.notFound, "NoSuchInvalidation", "The specified invalidation does not exist: \(id).")
                }
                return xml(invalidation.xml)
            }
        }
        router.get("\(prefix)/distribution/:id/invalidation") { _, context -> Response in
            try await answer {
                let spec = try distribution(context, in: try await view(configs))
                return xml(CloudFrontAPIDocuments.invalidations(await invalidations.all(distribution: spec.id)))
            }
        }
        // Calls not served yet, at their own paths (a path another method serves would otherwise
        // answer a bare 404) and under the prefix.
        let unserved: [(String, HTTPRequest.Method)] = [
            ("\(prefix)/distribution/:id", .delete), ("\(prefix)/distribution", .post),
            ("\(prefix)/**", .get), ("\(prefix)/**", .post), ("\(prefix)/**", .put), ("\(prefix)/**", .delete),
        ]
        for (path, method) in unserved {
            router.on(RouterPath(path), method: method) { request, _ -> Response in
                failure(
                    CloudFrontAPIError(
                        .notImplemented,
                        "NotImplemented",
                        "edgesim's registry serves ListDistributions, GetDistribution, GetDistributionConfig, UpdateDistribution, the invalidation calls and the function calls but DeleteFunction; not \(request.method) \(request.uri.path)."
                    )
                )
            }
        }
    }

    /// The registry's view of the distributions, or CloudFront's InternalError.
    static func view(_ configs: DistributionConfigs) async throws -> DistributionConfigs.View {
        do { return try await configs.view() } catch {
            throw CloudFrontAPIError(.internalServerError, "InternalError", "The topology in force does not load: \(error)")
        }
    }

    /// The body of a call, or CloudFront's error XML for what it threw.
    static func answer(_ body: () async throws -> Response) async throws -> Response {
        do { return try await body() } catch let error as CloudFrontAPIError { return failure(error) }
    }

    /// A write's credential: its SigV4 access key id must be the network's token (or, from
    /// edgesim's own CLI, the token as a bearer token).
    static func authorize(_ request: Request, token: String) throws {
        let authorization = request.headers[.authorization] ?? ""
        if authorization == "Bearer \(token)" { return }
        guard let credential = authorization.range(of: "Credential=") else {
            throw CloudFrontAPIError(
                .forbidden,
                "MissingAuthenticationToken",
                "The request is not signed: sign it with the network's token as the access key id."
            )
        }
        let key = authorization[credential.upperBound...].prefix { $0 != "/" }
        guard key == token else {
            throw CloudFrontAPIError(.forbidden, "InvalidClientTokenId", "The access key id is not the network's token (STATE/registry/token).")
        }
    }

    static func xml(_ body: String, status: HTTPResponse.Status = .ok, etag: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "text/xml", HTTPField.Name("x-amz-request-id")!: CloudFrontIDs.requestID()]
        if let etag { headers[.eTag] = etag }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func failure(_ error: CloudFrontAPIError) -> Response {
        let id = CloudFrontIDs.requestID()
        var response = xml(CloudFrontXML.error(code: error.code, message: error.message, requestID: id), status: error.status)
        response.headers[HTTPField.Name("x-amz-request-id")!] = id
        return response
    }

    /// CreateInvalidation's body.
    struct InvalidationBatch: Decodable {
        struct Paths: Decodable {
            struct Items: Decodable {
                var path: [String]
                enum CodingKeys: String, CodingKey { case path = "Path" }
            }
            var quantity: Int
            var items: Items?
            enum CodingKeys: String, CodingKey {
                case quantity = "Quantity"
                case items = "Items"
            }
        }
        var paths: Paths
        var callerReference: String
        enum CodingKeys: String, CodingKey {
            case paths = "Paths"
            case callerReference = "CallerReference"
        }
    }
}

/// A CloudFront API error: its HTTP status, CloudFront's code and a message.
struct CloudFrontAPIError: Error {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}
