import CDNCore
import Foundation
import HTTPTypes
import LambdaRuntime
import NIOCore
import Topology

/// The four trigger stages with real Lambda@Edge handlers and CloudFront Functions: for each
/// stage the cache behavior associates a function with, the edge builds CloudFront's event (a
/// CloudFront Function's own shape, ``functionRequestStage(_:_:distribution:)``), runs the
/// handler in a warm worker, checks the result against CloudFront's rules and applies it — or
/// answers with CloudFront's error for the failure.
struct LambdaTriggers: TriggerStages {
    /// Where one function runs: a distribution's behavior and an event.
    struct Slot: Hashable, Sendable {
        var distribution: String
        var behavior: String
        var event: EventType
    }

    /// The version a slot runs, and whether it sees the body.
    struct Assigned: Sendable {
        var code: FunctionCode
        var includeBody: Bool
    }

    let host: FunctionHost
    /// The function version each slot of one config epoch runs.
    let slots: [Slot: Assigned]
    let topology: Topology
    let metrics: NodeMetrics
    /// The status of a `LambdaExecutionError`: the documented 500 or the widely observed 503.
    let executionErrorStatus: HTTPResponse.Status
    let validationLog: ValidationLog
    /// What `cf.edgeLocation` shows a CloudFront Function at viewer-request, as JSON.
    var edgeLocation: [UInt8] = []

    func viewerRequest(_ request: inout EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) async -> StageOutcome {
        await requestStage(.viewerRequest, &request, distribution: distribution, behavior: behavior)
    }

    func originRequest(_ request: inout EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) async -> StageOutcome {
        await requestStage(.originRequest, &request, distribution: distribution, behavior: behavior)
    }

    func originResponse(
        _ response: inout StoredResponse,
        request: EdgeRequest,
        distribution: DistributionSpec,
        behavior: CacheBehavior
    ) async -> FunctionFailure? {
        await responseStage(.originResponse, &response, request: request, distribution: distribution, behavior: behavior)
    }

    func viewerResponse(
        _ response: inout StoredResponse,
        request: EdgeRequest,
        distribution: DistributionSpec,
        behavior: CacheBehavior
    ) async -> FunctionFailure? {
        await responseStage(.viewerResponse, &response, request: request, distribution: distribution, behavior: behavior)
    }

    func runs(_ event: EventType, distribution: DistributionSpec, behavior: CacheBehavior) -> Bool {
        slots[Slot(distribution: distribution.id, behavior: behavior.pathPattern, event: event)] != nil
    }

    func seesViewerFields(_ event: EventType, distribution: DistributionSpec, behavior: CacheBehavior) -> Bool {
        slots[Slot(distribution: distribution.id, behavior: behavior.pathPattern, event: event)]?.code.runtime.isCloudFrontFunction == true
    }

    // MARK: The two shapes of stage

    private func requestStage(
        _ type: EventType,
        _ request: inout EdgeRequest,
        distribution: DistributionSpec,
        behavior: CacheBehavior
    ) async -> StageOutcome {
        guard let assigned = slots[Slot(distribution: distribution.id, behavior: behavior.pathPattern, event: type)] else { return .proceed }
        let code = assigned.code
        request.functionsRun.append(code.ref)
        if code.runtime.isCloudFrontFunction { return await functionRequestStage(code, &request, distribution: distribution) }
        let original = eventRequest(request, type: type, includeBody: assigned.includeBody)
        let event = CloudFrontEvent(config: config(distribution, type, request), request: original)
        let json: [UInt8]
        switch await invoke(code, event: event, type: type) {
        case .success(let result): json = result
        case .failure(let failure): return .fail(failure)
        }
        do {
            switch try ResultValidator.requestResult(json, original: original, event: type) {
            case .request(let changed):
                apply(changed, to: &request)
                return .proceed
            case .response(let generated):
                return .respond(stored(generated))
            }
        } catch {
            return .fail(validationFailure(error, code: code, distribution: distribution, request: request))
        }
    }

    private func responseStage(
        _ type: EventType,
        _ response: inout StoredResponse,
        request: EdgeRequest,
        distribution: DistributionSpec,
        behavior: CacheBehavior
    ) async -> FunctionFailure? {
        guard let code = slots[Slot(distribution: distribution.id, behavior: behavior.pathPattern, event: type)]?.code else { return nil }
        response.trace.functionsRun.append(code.ref)
        if code.runtime.isCloudFrontFunction { return await functionResponseStage(code, &response, request: request, distribution: distribution) }
        let original = EventResponse(
            status: response.status.code,
            statusDescription: response.status.reasonPhrase,
            headers: response.headers.removingInternal()
        )
        let event = CloudFrontEvent(
            config: config(distribution, type, request),
            request: eventRequest(request, type: type, includeBody: false),
            response: original
        )
        let json: [UInt8]
        switch await invoke(code, event: event, type: type) {
        case .success(let result): json = result
        case .failure(let failure): return failure
        }
        do {
            let changed = try ResultValidator.responseResult(json, original: original, event: type)
            let edgesimFields = response.headers.filter { $0.name.canonicalName.hasPrefix("x-edgesim-") }
            response.status = HTTPResponse.Status(code: changed.status, reasonPhrase: changed.statusDescription)
            response.headers = changed.headers + HTTPFields(edgesimFields)
            if let body = changed.body { response.body = ByteBuffer(bytes: body) }
            return nil
        } catch {
            return validationFailure(error, code: code, distribution: distribution, request: request)
        }
    }

    // MARK: Running the handler

    private func invoke(_ code: FunctionCode, event: CloudFrontEvent, type: EventType) async -> Result<[UInt8], FunctionFailure> {
        let pool = host.pool(for: code)
        do {
            let invocation = try await pool.invoke(
                event: event.json,
                requestID: CloudFrontIDs.invocationID(),
                logStream: host.logStream(version: code.version)
            )
            metrics.recordInvocation(
                function: code.ref.description,
                event: type.rawValue,
                duration: invocation.duration,
                initDuration: invocation.initDuration,
                spawnDuration: invocation.spawnDuration,
                error: invocation.error?.type
            )
            if let error = invocation.error {
                return .failure(FunctionFailure(kind: .execution, status: executionErrorStatus, message: "\(code.ref): \(error)"))
            }
            return .success(invocation.result ?? Array("null".utf8))
        } catch {
            let limited: Bool
            let kind: String
            switch error {
            case .timedOut:
                (limited, kind) = (true, "Timeout")
            case .throttled:
                (limited, kind) = (true, "Throttled")
            case .failed(let handlerError):
                (limited, kind) = (false, handlerError.type)
            }
            metrics.recordInvocation(
                function: code.ref.description,
                event: type.rawValue,
                duration: .zero,
                initDuration: nil,
                spawnDuration: nil,
                error: kind
            )
            return .failure(
                FunctionFailure(
                    kind: limited ? .limitExceeded : .execution,
                    status: limited ? .serviceUnavailable : executionErrorStatus,
                    message: "\(code.ref): \(error)"
                )
            )
        }
    }

    private func validationFailure(_ error: any Error, code: FunctionCode, distribution: DistributionSpec, request: EdgeRequest) -> FunctionFailure {
        validationLog.write(distribution: distribution.id, requestID: request.requestID, function: code, message: "\(error)")
        metrics.recordInvocationError(function: code.ref.description, kind: "ValidationError")
        return FunctionFailure(kind: .validation, status: .badGateway, message: "\(code.ref) returned an invalid result: \(error)")
    }

    // MARK: Between the edge's request and CloudFront's event

    private func config(_ distribution: DistributionSpec, _ type: EventType, _ request: EdgeRequest) -> EventConfig {
        EventConfig(distributionDomainName: distribution.domainName, distributionId: distribution.id, eventType: type, requestId: request.requestID)
    }

    /// The request as the event shows it: the body only with IncludeBody, base64 and truncated at
    /// the event's limit; the origin only in origin events.
    private func eventRequest(_ request: EdgeRequest, type: EventType, includeBody: Bool) -> EventRequest {
        var body: EventBody?
        if includeBody, type.isRequestEvent, request.body.readableBytes > 0 || ["POST", "PUT", "PATCH", "DELETE"].contains(request.method.rawValue) {
            let limit = type == .viewerRequest ? 40 * 1024 : 1 << 20
            let bytes = request.body.getBytes(at: request.body.readerIndex, length: min(limit, request.body.readableBytes)) ?? []
            body = EventBody(
                inputTruncated: request.body.readableBytes > limit,
                action: "read-only",
                encoding: "base64",
                data: Data(bytes).base64EncodedString()
            )
        }
        let origin = type == .originRequest || type == .originResponse ? eventOrigin(of: request) : nil
        return EventRequest(
            clientIp: request.clientIP,
            method: request.method.rawValue,
            uri: request.uri,
            querystring: request.querystring,
            headers: Self.withHost(request.headers.removingInternal(), request),
            body: body,
            origin: origin
        )
    }

    /// The topology origin as CloudFront describes it: the built-in one as an S3 bucket, a URL
    /// origin as a custom origin.
    func eventOrigin(of request: EdgeRequest) -> EventOrigin? {
        if let url = request.originURL.flatMap(URL.init(string:)), let host = url.host {
            return .custom(CustomOrigin(domainName: host, port: url.port ?? 80, protocol: url.scheme ?? "http", path: url.path))
        }
        guard let origin = topology.origin(request.origin) else { return nil }
        switch origin.kind {
        case .staticFolder: return .s3(S3Origin(domainName: origin.domainName))
        case .url(let text):
            let url = URL(string: text)
            return .custom(
                CustomOrigin(
                    domainName: url?.host ?? text,
                    port: url?.port ?? (url?.scheme == "https" ? 443 : 80),
                    protocol: url?.scheme ?? "http",
                    path: url?.path ?? ""
                )
            )
        }
    }

    /// The fields with the viewer's Host first, as CloudFront's events always show it (the
    /// edge keeps it apart from the fields, as HTTP/2's `:authority` is).
    static func withHost(_ fields: HTTPFields, _ request: EdgeRequest) -> HTTPFields {
        guard let host = request.host, fields[.host] == nil else { return fields }
        return [HTTPField(name: .host, value: host)] + fields
    }

    /// A function's changed fields without the Host ``withHost(_:_:)`` showed it, when the
    /// request itself carries none (the edge keeps the viewer's Host apart).
    static func withoutShownHost(_ fields: HTTPFields, _ request: EdgeRequest) -> HTTPFields {
        request.headers[.host] != nil ? fields : HTTPFields(fields.filter { $0.name != .host })
    }

    /// Applies a changed request: uri, query, headers (with the ones functions never see put
    /// back, and without the Host the event showed), a replaced body, and a new origin — which
    /// really changes where the request goes.
    private func apply(_ changed: EventRequest, to request: inout EdgeRequest) {
        let hidden = request.headers.filter { HeaderRules.isDisallowed($0.name.canonicalName) }
        request.uri = changed.uri
        request.querystring = changed.querystring
        request.headers = Self.withoutShownHost(changed.headers, request) + HTTPFields(hidden)
        if let body = changed.body, body.action == "replace" {
            let bytes = body.encoding == "text" ? Array(body.data.utf8) : Array(Data(base64Encoded: body.data) ?? Data())
            request.body = ByteBuffer(bytes: bytes)
        }
        guard let origin = changed.origin, origin != eventOrigin(of: request) else { return }
        if let known = topology.origins.first(where: { $0.domainName == origin.domainName }) {
            request.origin = known.id
            request.originURL = nil
        } else if case .custom(let custom) = origin {
            request.originURL = "\(custom.protocol)://\(custom.domainName):\(custom.port)\(custom.path)"
        } else {
            request.originURL = "http://\(origin.domainName)"
        }
    }

    /// A generated response as the edge stores it.
    private func stored(_ response: EventResponse) -> StoredResponse {
        StoredResponse(
            status: HTTPResponse.Status(code: response.status, reasonPhrase: response.statusDescription),
            headers: response.headers,
            body: ByteBuffer(bytes: response.body ?? [])
        )
    }
}
