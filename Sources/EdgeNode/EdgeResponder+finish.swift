import CDNCore
import HTTPTypes
import NIOCore
import Topology

/// What the edge knows about one request from start to reply.
struct Exchange: Sendable {
    /// When the request arrived.
    var started: ContinuousClock.Instant
    /// Its id: `X-Amz-Cf-Id`, `config.requestId`.
    var requestID: String
    /// The config epoch it runs under.
    var epoch: Int
    /// The function versions that ran for it and each stage's function time, in order.
    var trace = ResponseTrace()
    /// Whether the viewer asked over HTTP/2, which `Via` says.
    var viewerSpeaksHTTP2 = false
    /// The custom error page sent in place of the upstream's error, when one was.
    var errorPage: String?
    /// The viewer's country, when geo restriction refused it.
    var geoBlocked: String?
    /// Why a signed URL or cookie was refused (`AccessDenied: the URL expired`).
    var signedURLRefusal: String?
    /// The behavior's response headers policy and what it reads of the request, when it has one.
    var responsePolicy: ResponsePolicyContext?
    /// What the access logs need, when the distribution or behavior logs.
    var logged: LoggedRequest?
    /// How the upstream failed, when it could not be reached or did not answer in time.
    var upstreamFailure: UpstreamError.Kind?
}

extension EdgeResponder {
    /// CloudFront's answer to a failed function: its status, an error page, and the failure's
    /// `X-Cache` value (`LambdaValidationError`, `FunctionExecutionError`, …).
    func fail(_ failure: FunctionFailure, _ exchange: Exchange) -> ViewerResponse {
        let reason =
            switch failure.kind {
            case .validation: "The Lambda function returned an invalid request or response to CloudFront."
            case .execution: "The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions."
            case .limitExceeded: "The Lambda function associated with the CloudFront distribution was throttled or timed out."
            // CloudFront's page names the rule a CloudFront Function's result broke.
            case .functionValidation: failure.message
            case .functionExecution: "The CloudFront function associated with the CloudFront distribution is invalid or could not run."
            case .functionThrottled: "The CloudFront function associated with the CloudFront distribution was throttled."
            }
        let page = ErrorPage.response(status: failure.status, reason: reason, requestID: exchange.requestID)
        return finish(page, result: failure.result, exchange)
    }

    /// Adds CloudFront's response headers (spec §9) and the stage timings, answers a matching
    /// `If-None-Match` with 304, and counts the request.
    ///
    /// The response's own fields go out as they are, without the ones the edge sets itself; a
    /// cached object's come as its cache prepared them (``prepareForViewers(_:)``), so a hit
    /// neither copies nor encodes them one by one.
    /// - Parameters:
    ///   - stored: The response to send.
    ///   - result: The result, for `X-Cache` and the metrics.
    ///   - exchange: The request's id and start.
    ///   - answer: How the cache tier answered, when it did.
    ///   - conditional: The viewer's `If-None-Match`, if any.
    func finish(
        _ stored: StoredResponse,
        result: ResultType,
        _ exchange: Exchange,
        answer: TierAnswer? = nil,
        conditional: String? = nil
    ) -> ViewerResponse {
        let response = stored.answering(conditional: conditional)
        let setsAge = answer.map { $0.result != .miss } ?? false
        var added = AddedFields()
        if let answer, setsAge { added.append(.age, Int(answer.age.components.seconds)) }
        added.append(exchange.viewerSpeaksHTTP2 ? viaHTTP2Field : viaField)
        added.append(result.xCacheField)
        added.append(popField)
        added.append(.amzCfID, generated: exchange.requestID)
        added.append(.edgesimConfigEpoch, exchange.epoch)
        if !exchange.trace.functionsRun.isEmpty {
            var seen = Set<FunctionRef>()
            let names = exchange.trace.functionsRun.filter { seen.insert($0).inserted }.map(\.description)
            added.append(.edgesimFunctions, names.joined(separator: ", "))
        }
        if exchange.responsePolicy?.sendsServerTiming() ?? true { added.append(.serverTiming, serverTiming(exchange, answer: answer)) }
        metrics.recordRequest(result, status: response.status.code, bytes: response.body.readableBytes)
        var viewerResponse = made(response, added: added, setsAge: setsAge, exchange)
        if exchange.logged != nil { viewerResponse.accessLog = accessLogTicket(exchange, response: response, result: result, answer: answer) }
        return viewerResponse
    }

    /// The response's fields as the viewer gets them, beside the edge's own.
    private func made(_ response: StoredResponse, added: AddedFields, setsAge: Bool, _ exchange: Exchange) -> ViewerResponse {
        if let policy = exchange.responsePolicy {
            // A response headers policy changes the fields: a hit's prepared ones are not used.
            var kept = HTTPFields(response.headers.filter { !Self.isSetByTheEdge($0.name, age: setsAge) })
            policy.apply(to: &kept)
            if let cors = policy.corsResult { metrics.recordCORS(policy: policy.policy.name, result: cors) }
            return ViewerResponse(status: response.status, fields: kept, added: added, body: response.body)
        }
        if setsAge, let prepared = response.prepared {
            return ViewerResponse(
                status: response.status,
                fields: prepared.fields,
                encodedFields: prepared.encoded,
                added: added,
                body: response.body
            )
        }
        let kept = HTTPFields(response.headers.filter { !Self.isSetByTheEdge($0.name, age: setsAge) })
        return ViewerResponse(status: response.status, fields: kept, added: added, body: response.body)
    }

    /// A response as the edge's cache keeps it: with the fields its hits send (all but those
    /// the edge and the listener set) chosen and encoded once.
    @Sendable static func prepareForViewers(_ response: StoredResponse) -> StoredResponse {
        var prepared = response
        prepared.prepared = PreparedFields(response.headers) { !isSetByTheEdge($0, age: true) && !ResponseHead.isOwn($0) }
        return prepared
    }

    /// Whether the edge replaces a response's field: edgesim's internal ones, and those it
    /// sets itself (`Age` only when it answers from its cache). Read by length first, since
    /// most names are none of these.
    static func isSetByTheEdge(_ name: HTTPField.Name, age: Bool) -> Bool {
        let canonical = name.canonicalName
        switch canonical.utf8.count {
        case 3: return canonical == "via" || (age && canonical == "age")
        case 7: return canonical == "x-cache"
        case 11: return canonical == "x-amz-cf-id"
        case 12: return canonical == "x-amz-cf-pop"
        case 13: return canonical == "server-timing" || name.isInternal
        case 17: return canonical == "edgesim-functions" || name.isInternal
        case 20: return canonical == "edgesim-config-epoch" || name.isInternal
        default: return name.isInternal
        }
    }

    /// `Server-Timing`: CloudFront's `cdn-*` metrics, the tier that answered, and the time of
    /// each stage — the edge itself, edge↔hub plus the hub, hub↔origin plus the origin.
    private func serverTiming(_ exchange: Exchange, answer: TierAnswer?) -> ServerTiming {
        var timing = ServerTiming()
        timing.add("cdn-pop", detail: id)
        timing.add("cdn-rid", detail: exchange.requestID)
        switch answer?.result {
        case .hit: timing.add("cdn-cache-hit")
        case .refreshHit: timing.add("cdn-cache-refresh")
        case .miss: timing.add("cdn-cache-miss")
        case nil: break
        }
        if let country = exchange.geoBlocked { timing.add("geo-blocked", detail: country) }
        if let cors = exchange.responsePolicy?.corsResult { timing.add("cors", detail: cors) }
        if let refusal = exchange.signedURLRefusal { timing.add("signed-url-refused", detail: refusal) }
        if let page = exchange.errorPage { timing.add("error-page", detail: page) }
        if let status = answer?.staleOnError { timing.add("stale-on-error", detail: "\(status)") }
        if let failover = answer?.response.trace.failover {
            timing.add("origin-failover", detail: "\(failover.from) \(failover.reason), then \(failover.to)")
        }
        let total = ContinuousClock.now - exchange.started
        // Each function's stage, inside the time of the node part that ran it.
        for time in exchange.trace.stageTimes { timing.add(time.stage.rawValue, duration: time.duration) }
        guard let answer else {
            timing.add("edge", duration: total)
            return timing
        }
        let hub = answer.response.trace.hub
        let layer: String =
            switch (answer.result, hub?.servedFromCache) {
            case (.hit, _), (.refreshHit, _): "EDGE"
            case (.miss, true): "REC"
            case (.miss, _) where hub?.shield?.servedFromCache == true: "Origin Shield"
            default: "Origin"
            }
        timing.add("cdn-hit-layer", detail: layer)
        if let shield = hub?.shield, answer.result == .miss {
            timing.add("origin-shield", detail: "\(shield.id) \(shield.servedFromCache ? "hit" : "miss")")
        }
        // The origin stages run inside the upstream fetch: their time is taken out of the hub's
        // (or the origin's) share, so every part is counted once.
        let originStages = exchange.trace.originStagesTime
        let upstream = answer.upstreamTime.map { $0 - originStages } ?? .zero
        timing.add("edge", duration: total - upstream - originStages)
        if answer.upstreamTime != nil, hub == nil {
            timing.add("origin", duration: upstream)  // straight to the origin, past the hub
        } else if answer.upstreamTime != nil {
            let origin = hub?.originTime
            if let origin, let shield = hub?.shield {
                // Through an Origin Shield, `hub` holds hub↔shield and the shield too, which
                // `shield` shows apart; `origin` is shield↔origin and the origin.
                let behind = shield.originTime ?? .zero
                timing.add("hub", duration: upstream - behind)
                timing.add("shield", duration: origin - behind)
                if shield.originTime != nil { timing.add("origin", duration: behind) }
            } else {
                timing.add("hub", duration: upstream - (origin ?? .zero))
                if let origin { timing.add("origin", duration: origin) }
            }
        }
        return timing
    }
}
