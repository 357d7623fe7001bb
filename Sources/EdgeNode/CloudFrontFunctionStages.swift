import CDNCore
import HTTPTypes
import LambdaRuntime
import NIOCore
import Topology

/// The two viewer stages run by a CloudFront Function rather than a Lambda@Edge handler: the
/// event is CloudFront Functions' own (`{value}` maps, parsed cookies and query, an integer
/// status), the result is checked by their rules, and the failures are theirs
/// (cloudfront-functions-spec.md §2, §4). A function that keeps running past its compute budget
/// is throttled at this edge, and answered without running until its cool-down passes.
extension LambdaTriggers {
    /// viewer-request: the request changed, or a response generated (not cached).
    func functionRequestStage(_ code: FunctionCode, _ request: inout EdgeRequest, distribution: DistributionSpec) async -> StageOutcome {
        let original = Self.functionRequest(request)
        let event = Self.event(.viewerRequest, request: original, of: request, distribution: distribution)
        let json: [UInt8]
        let originChange: Result<OriginChange, ValidationFailure>?
        switch await runFunction(code, event: event) {
        case .success(let ran): (json, originChange) = (ran.json, ran.originChange)
        case .failure(let failure): return .fail(failure)
        }
        do {
            switch try FunctionResultValidator.requestResult(json, original: original, rawQuery: request.querystring) {
            case .request(let changed, let query):
                let hidden = request.headers.filter { FunctionResultValidator.isDisallowed($0.name.canonicalName) || $0.name.isInternal }
                request.uri = changed.uri
                request.querystring = query
                var fields = Self.withoutShownHost(Self.fields(changed.headers, casedAs: request.headers), request)
                if let cookie = Self.cookieLine(changed.cookies) { fields.append(HTTPField(name: .cookie, value: cookie)) }
                request.headers = fields + HTTPFields(hidden)
                if let originChange { try apply(originChange.get(), to: &request, distribution: distribution) }
                return .proceed
            case .response(let generated):
                return .respondFromFunction(Self.stored(generated, body: ByteBuffer()))
            }
        } catch {
            return .fail(functionValidationFailure(error, code: code, distribution: distribution, request: request))
        }
    }

    /// viewer-response: the status, headers, cookies and body may change.
    func functionResponseStage(
        _ code: FunctionCode,
        _ response: inout StoredResponse,
        request: EdgeRequest,
        distribution: DistributionSpec
    ) async -> FunctionFailure? {
        let original = FunctionResponse(status: response.status, fields: response.headers.removingInternal())
        let event = Self.event(.viewerResponse, request: Self.functionRequest(request), of: request, distribution: distribution, response: original)
        let json: [UInt8]
        switch await runFunction(code, event: event) {
        case .success(let ran): json = ran.json  // the origin helpers are viewer-request's only
        case .failure(let failure): return failure
        }
        do {
            let changed = try FunctionResultValidator.responseResult(json, original: original)
            let edgesimFields = response.headers.filter { $0.name.isInternal }
            response = Self.stored(
                changed,
                body: response.body,
                trace: response.trace,
                casedAs: response.headers,
                internalFields: HTTPFields(edgesimFields)
            )
            return nil
        } catch {
            return functionValidationFailure(error, code: code, distribution: distribution, request: request)
        }
    }

    // MARK: The origin helpers

    /// Sends the request where the origin helpers said (cloudfront-functions-spec.md §3): an
    /// origin of the distribution by id, or an origin changed field by field (a new host,
    /// protocol, port or path; custom headers), the fields left out kept from the origin the
    /// behavior chose.
    /// - Throws: ``ValidationFailure`` (502) for an origin id the distribution does not have.
    private func apply(_ change: OriginChange, to request: inout EdgeRequest, distribution: DistributionSpec) throws(ValidationFailure) {
        func known(_ id: String) throws(ValidationFailure) -> String {
            guard distribution.origins.contains(id) else {
                throw OriginChange.invalid("\(distribution.id) has no origin '\(id)' (its origins: \(distribution.origins.joined(separator: ", ")))")
            }
            return id
        }
        switch change {
        case .select(let id):
            (request.origin, request.originURL, request.originGroup) = (try known(id), nil, nil)
        case .group(let primary, let secondary, let statuses):
            // A group made for this request, failing over as a configured one does.
            let group = OriginGroup(
                id: "createRequestOriginGroup",
                primary: try known(primary),
                secondary: try known(secondary),
                failoverStatuses: Set(statuses)
            )
            (request.origin, request.originURL, request.originGroup) = (group.primary, nil, group)
        case .update(let update):
            for (name, value) in (update.customHeaders ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let field = HTTPField.Name(name) { request.headers[field] = value }
            }
            guard update.domainName != nil || update.scheme != nil || update.port != nil || update.originPath != nil else { return }
            request.originGroup = nil
            if let domain = update.domainName, update.scheme == nil, update.port == nil, update.originPath == nil,
                let named = topology.origins.first(where: { $0.domainName == domain })
            {
                (request.origin, request.originURL) = (named.id, nil)
                return
            }
            guard case .custom(let base) = eventOrigin(of: request) ?? .custom(CustomOrigin(domainName: "", port: 80, protocol: "http", path: "")),
                update.domainName != nil || !base.domainName.isEmpty
            else {
                throw OriginChange.invalid("the built-in origin has no host to keep: updateRequestOrigin needs a domainName")
            }
            let scheme = update.scheme ?? base.protocol
            let port = update.port ?? (update.scheme.map { $0 == "https" ? 443 : 80 } ?? base.port)
            request.originURL = "\(scheme)://\(update.domainName ?? base.domainName):\(port)\(update.originPath ?? base.path)"
        }
    }

    // MARK: The event

    /// The request as a CloudFront Function's event shows it, with the viewer's Host.
    private static func functionRequest(_ request: EdgeRequest) -> FunctionRequest {
        FunctionRequest(
            method: request.method.rawValue,
            uri: request.uri,
            query: request.querystring,
            fields: withHost(request.headers.removingInternal(), request)
        )
    }

    private static func event(
        _ type: EventType,
        request shown: FunctionRequest,
        of request: EdgeRequest,
        distribution: DistributionSpec,
        response: FunctionResponse? = nil
    ) -> FunctionEvent {
        FunctionEvent(
            distributionDomainName: distribution.domainName,
            distributionId: distribution.id,
            eventType: type,
            requestId: request.requestID,
            viewerIP: request.clientIP,
            request: shown,
            response: response
        )
    }

    // MARK: Running the function

    /// Runs the function in a warm njs worker, unless it is throttled; a run stopped at its
    /// deadline throttles it, and its CPU time counts towards throttling.
    private func runFunction(
        _ code: FunctionCode,
        event: FunctionEvent
    ) async -> Result<(json: [UInt8], originChange: Result<OriginChange, ValidationFailure>?), FunctionFailure> {
        let throttles = host.computeThrottles
        let name = code.ref.description
        guard throttles.admits(code.name) else {
            metrics.recordInvocationError(function: name, kind: "FunctionThrottles")
            return .failure(throttled(code, "it ran past its compute time and is throttled at this edge"))
        }
        do {
            let invocation = try await host.pool(for: code).invoke(
                event: event.json,
                requestID: event.requestId,
                logStream: host.logStream(version: code.version),
                keyValueStore: code.keyValueStore,
                edgeLocation: event.eventType == .viewerRequest ? edgeLocation : nil
            )
            if invocation.keyValueStoreReads > 0 {
                metrics.recordKeyValueStoreReads(
                    function: code.name,
                    reads: invocation.keyValueStoreReads,
                    errors: invocation.keyValueStoreReadErrors
                )
            }
            if let cpuTime = invocation.cpuTime {
                throttles.record(code.name, cpuTime: cpuTime)
                metrics.recordComputeUtilization(function: code.name, utilization: ComputeBudget.utilization(of: cpuTime))
            }
            metrics.recordInvocation(
                function: name,
                event: event.eventType.rawValue,
                duration: invocation.cpuTime ?? invocation.duration,
                initDuration: invocation.initDuration,
                spawnDuration: invocation.spawnDuration,
                error: invocation.error?.type
            )
            if let error = invocation.error {
                metrics.recordInvocationError(function: name, kind: "FunctionExecutionErrors")
                return .failure(FunctionFailure(kind: .functionExecution, status: .serviceUnavailable, message: "\(code.ref): \(error)"))
            }
            return .success((invocation.result ?? Array("null".utf8), invocation.originChange))
        } catch {
            switch error {
            case .timedOut:
                throttles.stopped(code.name)
                metrics.recordInvocationError(function: name, kind: "FunctionThrottles")
                return .failure(throttled(code, "it ran past its compute time and was stopped"))
            case .throttled:
                metrics.recordInvocationError(function: name, kind: "FunctionThrottles")
                return .failure(throttled(code, "too many invocations at once at this edge"))
            case .failed(let handlerError):
                metrics.recordInvocationError(function: name, kind: "FunctionExecutionErrors")
                return .failure(FunctionFailure(kind: .functionExecution, status: .serviceUnavailable, message: "\(code.ref): \(handlerError)"))
            }
        }
    }

    private func throttled(_ code: FunctionCode, _ why: String) -> FunctionFailure {
        FunctionFailure(kind: .functionThrottled, status: .serviceUnavailable, message: "\(code.name): \(why)")
    }

    private func functionValidationFailure(
        _ error: any Error,
        code: FunctionCode,
        distribution: DistributionSpec,
        request: EdgeRequest
    )
        -> FunctionFailure
    {
        validationLog.write(distribution: distribution.id, requestID: request.requestID, function: code, message: "\(error)")
        metrics.recordInvocationError(function: code.ref.description, kind: "FunctionValidationErrors")
        return FunctionFailure(kind: .functionValidation, status: .badGateway, message: "\(error)")
    }

    // MARK: Between value maps and header fields

    /// A response as the edge sends it: the function's headers in CloudFront's wire casing,
    /// a `Set-Cookie` per cookie value, and the body the function set or the one it had.
    static func stored(
        _ response: FunctionResponse,
        body: ByteBuffer,
        trace: ResponseTrace = ResponseTrace(),
        casedAs original: HTTPFields = HTTPFields(),
        internalFields: HTTPFields = HTTPFields()
    ) -> StoredResponse {
        var fields = Self.fields(response.headers, casedAs: original)
        for cookie in response.cookies.fields {
            for value in cookie.values {
                let attributes = value.attributes.map { $0.isEmpty ? "" : "; " + $0 } ?? ""
                fields.append(HTTPField(name: .setCookie, value: "\(cookie.name)=\(value.value)\(attributes)"))
            }
        }
        var stored = StoredResponse(
            status: HTTPResponse.Status(code: response.statusCode, reasonPhrase: response.statusDescription ?? ""),
            headers: fields + internalFields,
            body: response.body.map { ByteBuffer(bytes: $0) } ?? body
        )
        stored.trace = trace
        return stored
    }

    /// Header fields from a value map: a name the fields had already keeps its casing, a new
    /// one is sent in CloudFront's wire casing (`x-example-name` as `X-Example-Name`).
    static func fields(_ map: FunctionFields, casedAs original: HTTPFields) -> HTTPFields {
        var fields = HTTPFields()
        for field in map.fields {
            let known = original.first { $0.name.canonicalName == field.name }?.name
            guard let name = known ?? HTTPField.Name(wireName(field.name)) else { continue }
            for value in field.values { fields.append(HTTPField(name: name, value: value.value)) }
        }
        return fields
    }

    /// The first ASCII letter of each hyphen-separated word capitalised.
    static func wireName(_ lowercase: String) -> String {
        lowercase.split(separator: "-", omittingEmptySubsequences: false).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "-")
    }

    /// The request's cookies as one `Cookie` line; `nil` for none.
    static func cookieLine(_ cookies: FunctionFields) -> String? {
        let pairs = cookies.fields.flatMap { cookie in cookie.values.map { "\(cookie.name)=\($0.value)" } }
        return pairs.isEmpty ? nil : pairs.joined(separator: "; ")
    }
}
