import CDNCore
import HTTPTypes
import Logging
import NIOCore
import Topology

extension EdgeResponder {
    /// The upstream fetch of a miss, run once per coalesced miss: the origins' answer,
    /// compressed here, once, before the edge cache keeps it (spec §6.2).
    func upstreamFetch(
        _ viewerRequest: EdgeRequest,
        distribution: DistributionSpec,
        behavior: CacheBehavior,
        triggers: any TriggerStages,
        exchange: Exchange
    ) -> CacheTier.Fetch {
        { validators in
            let response = try await fetchFromOrigins(
                viewerRequest,
                validators: validators,
                distribution: distribution,
                behavior: behavior,
                triggers: triggers,
                exchange: exchange
            )
            return EdgeCompression.compressed(response, acceptEncoding: viewerRequest.headers[.acceptEncoding], behavior: behavior)
        }
    }

    /// One origin's answer, or an origin group's: its primary and then, when that fails, its
    /// secondary (spec §3.1).
    ///
    /// Failover is for GET, HEAD and OPTIONS only, on the group's statuses, an origin that
    /// cannot be reached, or one that does not answer in time; every request starts at the
    /// primary, as at CloudFront, which keeps no memory of failures. origin-request and
    /// origin-response run for each attempt, as AWS documents; the secondary's answer is then
    /// handled as any origin's (cached, or replaced by a custom error page).
    private func fetchFromOrigins(
        _ viewerRequest: EdgeRequest,
        validators: HTTPFields,
        distribution: DistributionSpec,
        behavior: CacheBehavior,
        triggers: any TriggerStages,
        exchange: Exchange
    ) async throws -> StoredResponse {
        func attempt(_ request: EdgeRequest, failoverOn: Set<Int>) async throws -> StoredResponse {
            try await fetchOnce(
                request,
                validators: validators,
                failoverOn: failoverOn,
                distribution: distribution,
                behavior: behavior,
                triggers: triggers,
                exchange: exchange
            )
        }
        guard let group = viewerRequest.originGroup, Self.failsOver(viewerRequest.method) else {
            return try await attempt(viewerRequest, failoverOn: [])
        }
        let reason: String
        var first = ResponseTrace()
        do {
            let answer = try await attempt(viewerRequest, failoverOn: group.failoverStatuses)
            guard let why = Self.failoverReason(answer, group: group) else { return answer }
            (reason, first) = (why, answer.trace)
        } catch let error as UpstreamError {
            reason = error.kind.failoverReason
        }
        var secondary = viewerRequest
        (secondary.origin, secondary.originURL, secondary.originGroup) = (group.secondary, nil, nil)
        metrics.recordFailover(group: group.id, from: group.primary, to: group.secondary, reason: reason)
        logger.info("origin group \(group.id): \(group.primary) failed (\(reason)) for \(viewerRequest.uri); asking \(group.secondary)")
        var response = try await attempt(secondary, failoverOn: [])
        response.trace.functionsRun = first.functionsRun + response.trace.functionsRun
        response.trace.stageTimes = first.stageTimes + response.trace.stageTimes
        response.trace.failover = .init(group: group.id, from: group.primary, to: group.secondary, reason: reason)
        return response
    }

    /// The methods CloudFront fails over for.
    static func failsOver(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options
    }

    /// Why a primary's answer sends the request to the secondary, or `nil` to keep it: one of
    /// the group's statuses, or the hub's word that the origin gave no response. An answer a
    /// function generated never fails over.
    static func failoverReason(_ response: StoredResponse, group: OriginGroup) -> String? {
        guard response.trace.generatedBy == nil else { return nil }
        if let failure = response.trace.hub?.originFailure { return failure.failoverReason }
        return group.failoverStatuses.contains(response.status.code) ? "\(response.status.code)" : nil
    }

    /// One attempt at one origin: origin-request, then the hub for GET and HEAD (the origin
    /// directly for methods CloudFront does not send through its regional caches), then
    /// origin-response.
    /// - Parameter failoverOn: An origin group primary's failover statuses, which the hub
    ///   passes back uncached.
    private func fetchOnce(
        _ viewerRequest: EdgeRequest,
        validators: HTTPFields,
        failoverOn: Set<Int>,
        distribution: DistributionSpec,
        behavior: CacheBehavior,
        triggers: any TriggerStages,
        exchange: Exchange
    ) async throws -> StoredResponse {
        var request = withViewerFields(viewerRequest)
        request.functionsRun = []
        let throughHub = Self.isCacheable(request) || request.headers[.range] != nil
        let originHost = origins[request.origin]?.hostHeader ?? request.origin
        if behavior.cachePolicy != nil {
            // Under a cache policy the origin gets what the key and the origin request policy
            // name, and no more (spec §7.2); the legacy settings forward as CloudFront's did.
            let forwarding = OriginRequestFields.PolicyForwarding(cacheKey: behavior.cacheKey, originRequest: behavior.originRequestPolicy)
            request.headers = OriginRequestFields.make(
                from: request.headers,
                viewerHost: request.host,
                clientIP: request.clientIP,
                originHost: originHost,
                via: via,
                requestID: exchange.requestID,
                forwarding: forwarding
            )
            request.querystring = forwarding.query(request.querystring)
        } else {
            request.headers = OriginRequestFields.make(
                from: request.headers,
                clientIP: request.clientIP,
                originHost: originHost,
                via: via,
                requestID: exchange.requestID,
                policy: behavior.cacheKey
            )
        }
        if throughHub { request.headers = request.headers.removingConditionals() }
        for field in validators { request.headers[field.name] = field.value }
        let originRequestStarted = ContinuousClock.now
        let originRequestOutcome = await triggers.originRequest(&request, distribution: distribution, behavior: behavior)
        let originRequestTime = ContinuousClock.now - originRequestStarted
        switch originRequestOutcome {
        case .proceed: break
        case .respond(var generated), .respondFromFunction(var generated):  // cached; origin-response does not run
            generated.trace.functionsRun = request.functionsRun
            generated.trace.noteStage(.originRequest, originRequestTime)
            generated.trace.generatedBy = .originRequest
            return generated
        case .fail(let failure): throw failure
        }
        // origin-request may have chosen another origin: resolve it only now.
        var response: StoredResponse
        if throughHub {
            request.headers[.edgesimDistribution] = distribution.id
            request.headers[.edgesimBehavior] = behavior.pathPattern
            request.headers[.edgesimOrigin] = request.origin
            if request.viewerProtocol == .https { request.headers[.edgesimViewerProtocol] = "https" }
            if let url = request.originURL { request.headers[.edgesimOriginURL] = url }
            if !failoverOn.isEmpty { request.headers[.edgesimFailoverOn] = failoverOn.sorted().map(String.init).joined(separator: ",") }
            let method: HTTPRequest.Method = request.method == .head ? .get : request.method
            response = try await client.send(method, port: hub.port, target: request.target, fields: request.headers, body: nil)
            response.trace.hub = HubTrace.take(from: &response.headers)
        } else if let url = request.originURL {
            let body = request.body.readableBytes > 0 ? request.body : nil
            response = try await client.send(request.method, url: url + request.target, fields: request.headers, body: body)
        } else {
            guard let originLink = origins[request.origin] else {
                throw UpstreamError(.unreachable, underlying: "no link to origin '\(request.origin)'")
            }
            let body = request.body.readableBytes > 0 ? request.body : nil
            let endpoint = originLink.endpoint(for: request.viewerProtocol)
            response = try await client.send(
                request.method,
                toOrigin: originLink,
                endpoint: endpoint,
                target: request.target,
                fields: request.headers,
                body: body
            )
        }
        response.trace.functionsRun = request.functionsRun
        if !request.functionsRun.isEmpty { response.trace.noteStage(.originRequest, originRequestTime) }
        let originResponseStarted = ContinuousClock.now
        let originResponseFailure = await triggers.originResponse(&response, request: request, distribution: distribution, behavior: behavior)
        if response.trace.functionsRun.count > request.functionsRun.count {
            response.trace.noteStage(.originResponse, .now - originResponseStarted)
        }
        if let failure = originResponseFailure { throw failure }
        return response
    }

}
