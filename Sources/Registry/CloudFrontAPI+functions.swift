import CDNCore
import CloudFrontImport
import Foundation
import HTTPTypes
import Hummingbird
import LambdaRuntime
import Logging
import NIOCore
import Replication
import Topology
import XMLCoder

/// CloudFront's function calls (cloudfront-functions-spec.md §6) on the registry's CloudFront
/// Functions, whose DEVELOPMENT stage is a function's newest version and LIVE the one published:
///
/// - `POST /2020-05-31/function` — CreateFunction: version 1 in DEVELOPMENT, 201, `UNPUBLISHED`
/// - `PUT …/function/NAME` with `If-Match` — UpdateFunction: a new DEVELOPMENT version
/// - `POST …/function/NAME/publish` with `If-Match` — PublishFunction: DEVELOPMENT becomes LIVE,
///   and every behavior that runs the function switches to it in one config epoch
/// - `POST …/function/NAME/test` with `If-Match` — TestFunction: the stage runs once, in a
///   worker of its runtime here at the registry, on the event given
/// - `GET …/function/NAME/describe?Stage=`, `GET …/function/NAME?Stage=` (the code), `GET …/function`
///
/// Each stage has its own ETag, which changes when the stage does. A function's status is
/// `UNPUBLISHED` while DEVELOPMENT is not what LIVE runs, then `DEPLOYED` when a behavior runs it
/// and `UNASSOCIATED` when none does (AWS lists no values; these are the ones it is seen to use).
extension CloudFrontAPI {
    enum Stage: String {
        case development = "DEVELOPMENT"
        case live = "LIVE"
    }

    static func addFunctionRoutes(to router: Router<BasicRequestContext>, store: RegistryStore, token: String, logger: Logger) {
        let path = "\(prefix)/function"
        router.post(RouterPath(path)) { request, _ -> Response in
            try await answer {
                try authorize(request, token: token)
                let asked = try await decode(CreateFunctionRequest.self, from: request)
                let (source, runtime, kvs) = try await checked(name: asked.name, config: asked.functionConfig, code: asked.functionCode, store: store)
                let record = try await put(asked.name, source, runtime, asked.functionConfig.comment ?? "", kvs, replacing: nil, store: store)
                let (summary, etag) = try await summary(asked.name, stage: .development, store: store, version: record.version)
                var response = xml(summary.xml, status: .created, etag: etag)
                response.headers[.location] = "https://\(request.head.authority ?? "cloudfront.amazonaws.com")\(path)/\(summary.arn)"
                return response
            }
        }
        router.get(RouterPath(path)) { request, _ -> Response in
            try await answer {
                let only = try stage(request, default: nil)
                var summaries: [CloudFrontAPIDocuments.FunctionSummary] = []
                for function in await store.cloudFrontFunctions {
                    for stage in [Stage.development, .live] where only == nil || only == stage {
                        if stage == .live, function.live == nil { continue }
                        summaries.append(try await summary(function.name, stage: stage, store: store).0)
                    }
                }
                return xml(CloudFrontAPIDocuments.functionList(summaries))
            }
        }
        router.get(RouterPath("\(path)/:name/describe")) { request, context -> Response in
            try await answer {
                let (summary, etag) = try await summary(
                    try name(context),
                    stage: try stage(request, default: .development) ?? .development,
                    store: store
                )
                return xml(summary.xml, etag: etag)
            }
        }
        router.get(RouterPath("\(path)/:name")) { request, context -> Response in
            try await answer {
                let name = try name(context)
                let stage = try stage(request, default: .development) ?? .development
                let (_, etag) = try await summary(name, stage: stage, store: store)
                let version = try await stageVersion(name, stage, store: store)
                let source: Data
                do throws(RegistryError) { source = try await store.cloudFrontFunctionSource(name, version.version) } catch {
                    throw CloudFrontAPIError(.internalServerError, "InternalError", error.message)
                }
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/octet-stream", .eTag: etag],
                    body: .init(byteBuffer: ByteBuffer(bytes: source))
                )
            }
        }
        router.put(RouterPath("\(path)/:name")) { request, context -> Response in
            try await answer {
                try authorize(request, token: token)
                let name = try name(context)
                let development = try await matched(name, .development, ifMatch: request.headers[.ifMatch], store: store)
                let asked = try await decode(UpdateFunctionRequest.self, from: request)
                let (source, runtime, kvs) = try await checked(name: name, config: asked.functionConfig, code: asked.functionCode, store: store)
                let record = try await put(
                    name,
                    source,
                    runtime,
                    asked.functionConfig.comment ?? "",
                    kvs,
                    replacing: development.version,
                    store: store
                )
                let (summary, etag) = try await summary(name, stage: .development, store: store, version: record.version)
                var response = xml(summary.xml, etag: etag)
                // botocore's model reads UpdateFunction's ETag from a header it spells `ETtag`.
                response.headers[HTTPField.Name("ETtag")!] = etag
                return response
            }
        }
        router.post(RouterPath("\(path)/:name/publish")) { request, context -> Response in
            try await answer {
                try authorize(request, token: token)
                let name = try name(context)
                let development = try await matched(name, .development, ifMatch: request.headers[.ifMatch], store: store)
                do throws(RegistryError) { _ = try await store.promote(name, version: development.version) } catch {
                    throw CloudFrontAPIError(.badRequest, "InvalidArgument", error.message)
                }
                return xml(try await summary(name, stage: .live, store: store).0.xml)
            }
        }
        router.post(RouterPath("\(path)/:name/test")) { request, context -> Response in
            try await answer {
                try authorize(request, token: token)
                let name = try name(context)
                let asked = try await decode(TestFunctionRequest.self, from: request)
                guard let stage = Stage(rawValue: asked.stage ?? Stage.development.rawValue) else {
                    throw CloudFrontAPIError(.badRequest, "InvalidArgument", "Stage must be DEVELOPMENT or LIVE, not '\(asked.stage ?? "")'.")
                }
                let version = try await matched(name, stage, ifMatch: request.headers[.ifMatch], store: store)
                let result = try await test(version, event: asked.eventObject, stage: stage, store: store, logger: logger)
                let (summary, _) = try await summary(name, stage: stage, store: store)
                return xml(
                    CloudFrontAPIDocuments.testResult(
                        summary,
                        computeUtilization: result.computeUtilization,
                        logs: result.functionExecutionLogs,
                        error: result.functionErrorMessage,
                        output: result.functionOutput
                    )
                )
            }
        }
    }

    // MARK: The calls' parts

    private static func name(_ context: BasicRequestContext) throws -> String {
        let name = context.parameters.get("name") ?? ""
        guard isFunctionName(name) else { throw noSuchFunction(name) }
        return name
    }

    /// CloudFront's function names: `[a-zA-Z0-9-_]{1,64}`.
    static func isFunctionName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
    }

    private static func noSuchFunction(_ name: String) -> CloudFrontAPIError {
        CloudFrontAPIError(.notFound, "NoSuchFunctionExists", "The function does not exist: \(name).")
    }

    /// The `Stage` query parameter, or the default when there is none.
    private static func stage(_ request: Request, default fallback: Stage?) throws -> Stage? {
        guard let text = request.uri.queryParameters["Stage"].map(String.init) else { return fallback }
        guard let stage = Stage(rawValue: text) else {
            throw CloudFrontAPIError(.badRequest, "InvalidArgument", "Stage must be DEVELOPMENT or LIVE, not '\(text)'.")
        }
        return stage
    }

    private static func decode<Body: Decodable>(_ type: Body.Type, from request: Request) async throws -> Body {
        let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
        guard !body.isEmpty else { throw CloudFrontAPIError(.badRequest, "MissingBody", "The call needs a \(type) body.") }
        do { return try XMLDecoder().decode(type, from: body) } catch {
            throw CloudFrontAPIError(.badRequest, "MalformedInput", "The \(type) could not be read: \(error).")
        }
    }

    /// The version a stage runs.
    private static func stageVersion(_ name: String, _ stage: Stage, store: RegistryStore) async throws -> FunctionVersion {
        guard let function = await store.cloudFrontFunction(name) else { throw noSuchFunction(name) }
        switch stage {
        case .development: return function.development
        case .live:
            guard let live = function.live else {
                throw CloudFrontAPIError(.notFound, "NoSuchFunctionExists", "\(name) has no LIVE stage: publish it first.")
            }
            return live
        }
    }

    /// The stage's version, once the caller's `If-Match` is its ETag.
    private static func matched(_ name: String, _ stage: Stage, ifMatch: String?, store: RegistryStore) async throws -> FunctionVersion {
        guard let ifMatch, !ifMatch.isEmpty else {
            throw CloudFrontAPIError(
                .badRequest,
                "InvalidIfMatchVersion",
                "The If-Match version is missing: send the ETag that DescribeFunction returned."
            )
        }
        let version = try await stageVersion(name, stage, store: store)
        guard ifMatch == CloudFrontAPIDocuments.functionETag(name: name, version: version.version, stage: stage.rawValue) else {
            throw CloudFrontAPIError(
                .preconditionFailed,
                "PreconditionFailed",
                "The If-Match version \(ifMatch) is not the current ETag of \(name)'s \(stage.rawValue) stage: describe the function again."
            )
        }
        return version
    }

    /// A stage's summary and ETag (`version`: the one just made, so that a concurrent call
    /// cannot show another).
    private static func summary(
        _ name: String,
        stage: Stage,
        store: RegistryStore,
        version made: Int? = nil
    ) async throws -> (CloudFrontAPIDocuments.FunctionSummary, String) {
        guard let function = await store.cloudFrontFunction(name) else { throw noSuchFunction(name) }
        var version = try await stageVersion(name, stage, store: store)
        if let made, stage == .development, let record = await store.version(name, made) { version = record }
        let status: String
        if stage == .development, function.live?.version != version.version {
            status = "UNPUBLISHED"
        } else {
            status = function.isAssociated ? "DEPLOYED" : "UNASSOCIATED"
        }
        var stores: String?
        if let storeName = version.keyValueStore { stores = (try? await store.keyValueStore(storeName))?.arn }
        let summary = CloudFrontAPIDocuments.FunctionSummary(
            name: name,
            status: status,
            comment: function.comment,
            runtime: version.runtime,
            keyValueStoreARNs: stores.map { [$0] } ?? [],
            stage: stage.rawValue,
            created: function.created,
            lastModified: version.publishedAt
        )
        return (summary, CloudFrontAPIDocuments.functionETag(name: name, version: version.version, stage: stage.rawValue))
    }

    /// What CreateFunction and UpdateFunction carry, checked as CloudFront checks it.
    private static func checked(
        name: String,
        config: FunctionConfigBody,
        code: Data,
        store: RegistryStore
    ) async throws -> (Data, Runtime, String?) {
        guard isFunctionName(name) else {
            throw CloudFrontAPIError(.badRequest, "InvalidArgument", "The function name '\(name)' must match [a-zA-Z0-9-_]{1,64}.")
        }
        guard let runtime = Runtime(identifier: config.runtime), runtime.isCloudFrontFunction else {
            throw CloudFrontAPIError(
                .badRequest,
                "InvalidArgument",
                "Runtime must be cloudfront-js-1.0 or cloudfront-js-2.0, not '\(config.runtime)'."
            )
        }
        if let comment = config.comment, comment.count > 128 {
            throw CloudFrontAPIError(.badRequest, "InvalidArgument", "The comment is \(comment.count) characters; at most 128.")
        }
        guard !code.isEmpty else { throw CloudFrontAPIError(.badRequest, "InvalidArgument", "FunctionCode is empty.") }
        guard code.count <= FunctionSourceCheck.maximumBytes else {
            throw CloudFrontAPIError(
                .contentTooLarge,
                "FunctionSizeLimitExceeded",
                "The function code is \(code.count) bytes; a CloudFront Function may be at most \(FunctionSourceCheck.maximumBytes)."
            )
        }
        let arns = config.keyValueStoreAssociations?.items?.keyValueStoreAssociation.map(\.keyValueStoreARN) ?? []
        guard arns.count == (config.keyValueStoreAssociations?.quantity ?? 0) else {
            throw CloudFrontAPIError(
                .badRequest,
                "InconsistentQuantities",
                "KeyValueStoreAssociations has Quantity \(config.keyValueStoreAssociations?.quantity ?? 0) but \(arns.count) Items."
            )
        }
        guard arns.count <= 1 else { throw CloudFrontAPIError(.badRequest, "InvalidArgument", "A function reads at most one key value store.") }
        var storeName: String?
        if let arn = arns.first {
            do { storeName = try await store.keyValueStore(arn).name } catch {
                throw CloudFrontAPIError(.badRequest, "InvalidArgument", "No key value store \(arn) in this network.")
            }
        }
        return (code, runtime, storeName)
    }

    /// The source as the function's next version.
    private static func put(
        _ name: String,
        _ source: Data,
        _ runtime: Runtime,
        _ comment: String,
        _ keyValueStore: String?,
        replacing expected: Int?,
        store: RegistryStore
    ) async throws -> FunctionVersion {
        do throws(RegistryError) {
            return try await store.putCloudFrontFunction(
                name: name,
                source: source,
                runtime: runtime,
                comment: comment,
                keyValueStore: keyValueStore,
                replacing: expected
            )
        } catch let error where error.code == .conflict {
            throw expected == nil
                ? CloudFrontAPIError(.conflict, "FunctionAlreadyExists", "The function already exists: \(error.message).")
                : CloudFrontAPIError(.preconditionFailed, "PreconditionFailed", "The function changed meanwhile: \(error.message).")
        } catch let error where error.code == .notFound {
            throw noSuchFunction(name)
        } catch let error where error.code == .refused {
            throw CloudFrontAPIError(.badRequest, "InvalidArgument", error.message)
        } catch {
            throw CloudFrontAPIError(.internalServerError, "InternalError", error.message)
        }
    }

    /// TestFunction: the version runs once on the event in a worker of its own, with its store's
    /// current data, under a scratch folder that is removed afterwards.
    private static func test(
        _ version: FunctionVersion,
        event: Data,
        stage: Stage,
        store: RegistryStore,
        logger: Logger
    ) async throws -> FunctionTestResult {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bundlePath = scratch.appendingPathComponent("bundle.zip")
        var code: FunctionCode
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            try await store.bundle(version.name, version.version).write(to: bundlePath)
            guard let spec = version.spec(code: bundlePath.path) else { throw RegistryError(.refused, "unknown runtime \(version.runtime)") }
            code = try FunctionCode.prepare(spec, version: version.version, for: [FunctionTest.eventType(of: event)], stateDirectory: scratch.path)
            if let (path, record) = try await store.keyValueStoreFile(for: version) {
                code.keyValueStore = KeyValueStoreFile(
                    path: path,
                    name: record.name,
                    id: record.id,
                    created: record.current.created,
                    lastModified: record.current.lastModified,
                    keyCount: record.current.itemCount
                )
            }
        } catch {
            throw CloudFrontAPIError(.internalServerError, "TestFunctionFailed", "\(version.ref) could not be prepared: \(error)")
        }
        do {
            return try await FunctionTest.run(code, event: event, stage: stage.rawValue, stateDirectory: scratch.path, logger: logger)
        } catch let error as FunctionTestError {
            throw CloudFrontAPIError(.badRequest, "InvalidArgument", "EventObject: \(error)")
        } catch {
            throw CloudFrontAPIError(.internalServerError, "TestFunctionFailed", "\(error)")
        }
    }

    // MARK: The bodies

    struct FunctionConfigBody: Decodable {
        struct Associations: Decodable {
            struct Items: Decodable {
                var keyValueStoreAssociation: [Association]
                enum CodingKeys: String, CodingKey { case keyValueStoreAssociation = "KeyValueStoreAssociation" }
            }
            struct Association: Decodable {
                var keyValueStoreARN: String
                enum CodingKeys: String, CodingKey { case keyValueStoreARN = "KeyValueStoreARN" }
            }
            var quantity: Int
            var items: Items?
            enum CodingKeys: String, CodingKey {
                case quantity = "Quantity"
                case items = "Items"
            }
        }
        var comment: String?
        var runtime: String
        var keyValueStoreAssociations: Associations?
        enum CodingKeys: String, CodingKey {
            case comment = "Comment"
            case runtime = "Runtime"
            case keyValueStoreAssociations = "KeyValueStoreAssociations"
        }
    }

    /// CreateFunction's body (the code is base64 in the XML, as botocore sends a blob).
    struct CreateFunctionRequest: Decodable {
        var name: String
        var functionConfig: FunctionConfigBody
        var functionCode: Data
        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case functionConfig = "FunctionConfig"
            case functionCode = "FunctionCode"
        }
    }

    struct UpdateFunctionRequest: Decodable {
        var functionConfig: FunctionConfigBody
        var functionCode: Data
        enum CodingKeys: String, CodingKey {
            case functionConfig = "FunctionConfig"
            case functionCode = "FunctionCode"
        }
    }

    struct TestFunctionRequest: Decodable {
        var stage: String?
        var eventObject: Data
        enum CodingKeys: String, CodingKey {
            case stage = "Stage"
            case eventObject = "EventObject"
        }
    }
}
