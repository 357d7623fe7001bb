import CDNCore
import HTTPTypes
import Logging
import NIOCore
import SignedURLs
import Topology

/// The edge's request path, top to bottom, as CloudFront runs it (spec §1):
///
/// viewer → distribution (by Host) → cache behavior (by path) → **viewer-request** → edge cache
/// → on a miss: **origin-request** → hub (GET/HEAD) or origin (other methods) → **origin-response**
/// → edge cache store → **viewer-response** → CloudFront's headers → viewer.
struct EdgeResponder: ViewerResponder {
    let id: String
    let viewers: ViewerDirectory
    let hub: UpstreamLink
    let origins: [String: UpstreamLink]
    let cache: CacheTier
    let client: UpstreamClient
    /// The function config in force; each request reads it once.
    let config: ActiveConfig
    let metrics: NodeMetrics
    let via: String
    /// `Via` and `X-Amz-Cf-Pop`, the same on every response, made once. `Via` names the
    /// viewer's HTTP version: `1.1 …` or, to an HTTP/2 viewer, `2.0 …`.
    let viaField: HTTPField
    let viaHTTP2Field: HTTPField
    let popField: HTTPField
    /// Past its limit of requests in flight, the edge answers 503 at once.
    let shedder: LoadShedder
    /// The HTTPS listener's port once bound, for the redirects of `redirect-to-https`.
    let httpsPort: BoundPort
    /// The key groups' public keys, for signed URLs and cookies.
    let trustedKeys: TrustedKeys
    /// Where the access log records go, when a distribution this edge serves logs.
    let accessLogs: (any AccessLogSink)?
    let logger: Logger

    init(
        id: String,
        topology: Topology,
        viewers: ViewerDirectory,
        hub: UpstreamLink,
        origins: [String: UpstreamLink],
        cache: CacheTier,
        client: UpstreamClient,
        config: ActiveConfig,
        metrics: NodeMetrics,
        via: String,
        shedder: LoadShedder,
        httpsPort: BoundPort,
        accessLogs: (any AccessLogSink)? = nil,
        logger: Logger
    ) {
        self.id = id
        self.viewers = viewers
        self.hub = hub
        self.origins = origins
        self.cache = cache
        self.client = client
        self.config = config
        self.metrics = metrics
        self.via = via
        viaField = HTTPField(name: .via, value: via)
        viaHTTP2Field = HTTPField(name: .via, value: "2.0 " + (via.split(separator: " ", maxSplits: 1).last ?? ""))
        popField = HTTPField(name: .amzCfPop, value: id)
        self.shedder = shedder
        self.httpsPort = httpsPort
        self.accessLogs = accessLogs
        self.logger = logger
        trustedKeys = TrustedKeys(topology.keyGroups, logger: logger)
    }

    func respond(to request: IncomingRequest) -> ViewerAnswer {
        // 0. An edge past its limit of requests in flight sheds the load instead of queueing it.
        guard shedder.admit() else {
            metrics.recordError("overloaded")
            let shed = Exchange(started: .now, requestID: CloudFrontIDs.requestID(), epoch: config.current.epoch)
            var page = ErrorPage.response(
                status: .serviceUnavailable,
                reason: "This edge is overloaded: too many requests at once. Try again shortly.",
                requestID: shed.requestID
            )
            page.headers[.retryAfter] = "1"
            return .now(finish(page, result: .error, shed))
        }
        // The slot is held until the answer is made: given back at once for an answer ready now,
        // when the task ends for one made later.
        switch answer(request) {
        case .now(let response):
            shedder.release()
            return .now(response)
        case .later(let work):
            return .later {
                defer { shedder.release() }
                return await work()
            }
        }
    }

    /// Steps 1 and 2, then the answer: at once for a plain hit, or the rest in a task.
    private func answer(_ request: IncomingRequest) -> ViewerAnswer {
        // The config epoch this request runs under, start to finish (an atomic switch).
        let config = config.current
        let triggers = config.triggers
        var exchange = Exchange(
            started: .now,
            requestID: CloudFrontIDs.requestID(),
            epoch: config.epoch,
            viewerSpeaksHTTP2: request.isHTTP2
        )

        // 1. The distribution the viewer asked for, by Host.
        guard let distribution = config.distributions.distribution(for: request.head.authority) else {
            let host = request.head.authority ?? "(none)"
            let page = ErrorPage.response(
                status: .forbidden,
                reason: "Bad request: no distribution for '\(host)' is served at \(id).",
                requestID: exchange.requestID
            )
            return .now(finish(page, result: .error, exchange))
        }

        // 2. The cache behavior: the first path pattern that matches. A uri a function rewrites
        //    later does not re-select it (spec §10).
        let path = distribution.rootObjectApplied(to: request.path)
        let behavior = distribution.behavior(forPath: path)
        if let policy = behavior.responseHeadersPolicy { exchange.responsePolicy = ResponsePolicyContext(policy: policy, request: request) }
        let viewer = viewers.viewer(at: request.remoteIP)
        exchange.logged = logged(request, distribution: distribution, behavior: behavior, country: viewer?.location.country)
        var incoming = EdgeRequest(
            method: request.method,
            uri: path,
            querystring: request.query ?? "",
            headers: request.headers,
            body: request.body,
            clientIP: request.remoteIP ?? "127.0.0.1",
            requestID: exchange.requestID,
            viewer: viewer,
            origin: distribution.firstOrigin(of: behavior.origin),
            originGroup: distribution.originGroup(behavior.origin),
            clientPort: request.remoteAddress?.port,
            viewerProtocol: request.viewerProtocol,
            httpVersion: request.versionText,
            host: request.head.authority
        )

        // The viewer's Accept-Encoding, normalised for the cache key and the origin when the
        // behavior's policy holds encodings (spec §6.1).
        if !behavior.cacheKey.acceptEncodings.isEmpty {
            incoming.headers[.acceptEncoding] = EdgeCompression.normalized(
                incoming.headers[.acceptEncoding],
                enabled: behavior.cacheKey.acceptEncodings,
                beforeHTTP11: request.isBeforeHTTP11
            )
        }

        // 2¼. Geo restriction: the whole distribution's gate, before anything else runs (spec §4).
        if distribution.geoRestriction.blocks(country: incoming.viewer?.location.country) {
            let country = incoming.viewer?.location.country ?? ""
            metrics.recordGeoBlocked(country: country)
            var blocked = exchange
            blocked.geoBlocked = country
            return geoBlocked(incoming, distribution: distribution, triggers: triggers, blocked)
        }

        // 2½. The behavior's viewer protocol policy: plain HTTP redirected to HTTPS or refused,
        //     at the edge, before any function runs (spec §1.1).
        if request.viewerProtocol == .http, behavior.viewerProtocolPolicy != .allowAll {
            let (page, result) = protocolAnswer(
                request,
                policy: behavior.viewerProtocolPolicy,
                domain: distribution.domainName,
                requestID: exchange.requestID
            )
            return .now(finish(page, result: result, exchange))
        }

        // 2¾. Signed URLs and cookies: a behavior that trusts key groups takes only signed
        //     requests, checked before any function runs; CloudFront's parameters are then
        //     dropped from the query, so they reach neither the cache key nor the origin (spec §5).
        if !behavior.trustedKeyGroups.isEmpty {
            switch signedAccess(incoming, behavior: behavior, distribution: distribution) {
            case .success(let query): incoming.querystring = query
            case .failure(let denial):
                var refused = exchange
                refused.signedURLRefusal = denial.code + ": " + denial.reason
                return .now(finish(Self.refusal(denial), result: .error, refused))
            }
        }

        let viewerRequest = incoming

        // A request that no function sees, for an object fresh in the cache, is answered now,
        // on the connection's event loop: steps 3 and 5 have nothing to run, step 4 nothing to
        // wait for. Anything else goes on in a task.
        let seenByFunctions =
            triggers.runs(.viewerRequest, distribution: distribution, behavior: behavior)
            || triggers.runs(.viewerResponse, distribution: distribution, behavior: behavior)
        let key = !seenByFunctions && Self.isCacheable(viewerRequest) ? cacheKey(viewerRequest, distribution: distribution, behavior: behavior) : nil
        if let key, let answer = cache.fresh(key), errorPage(for: answer.response.status, distribution: distribution) == nil {
            return .now(reply(answer.response, answer: answer, request: request, exchange))
        }
        return .later { [exchange] in
            await proceed(
                viewerRequest,
                key: key,
                request: request,
                distribution: distribution,
                behavior: behavior,
                triggers: triggers,
                exchange
            )
        }
    }

    /// Steps 3 to 6, for a request that a function sees or the cache cannot answer at once.
    /// - Parameter key: The request's cache key, when no viewer-request function can change it.
    private func proceed(
        _ viewerRequest: EdgeRequest,
        key: CacheKey?,
        request: IncomingRequest,
        distribution: DistributionSpec,
        behavior: CacheBehavior,
        triggers: any TriggerStages,
        _ exchange: Exchange
    ) async -> ViewerResponse {
        var exchange = exchange
        var viewerRequest = viewerRequest

        // 3. viewer-request: may change the request (and so the cache key) or answer it; a
        //    generated response is not cached and skips viewer-response. A CloudFront Function
        //    sees CloudFront's viewer fields here already; Lambda@Edge does not.
        if triggers.seesViewerFields(.viewerRequest, distribution: distribution, behavior: behavior) {
            viewerRequest = withViewerFields(viewerRequest)
        }
        let viewerRequestStarted = ContinuousClock.now
        let viewerRequestOutcome = await triggers.viewerRequest(&viewerRequest, distribution: distribution, behavior: behavior)
        exchange.trace.functionsRun = viewerRequest.functionsRun
        if !viewerRequest.functionsRun.isEmpty { exchange.trace.noteStage(.viewerRequest, .now - viewerRequestStarted) }
        switch viewerRequestOutcome {
        case .proceed: break
        case .respond(let generated): return finish(generated, result: .lambdaGeneratedResponse, exchange)
        case .respondFromFunction(let generated): return finish(generated, result: .functionGeneratedResponse, exchange)
        case .fail(let failure): return fail(failure, exchange)
        }

        // CloudFront's viewer headers (location, device) exist from here on, not before (spec §9).
        // They are made where something reads them (``withViewerFields(_:)``): the cache key
        // when its policy names one, a miss's fetch, a viewer-response function. A plain hit
        // reads none, and making them is about twenty field appends.

        // 4. The edge cache, or the upstream on a miss. An upstream that cannot be reached
        //    answers with CloudFront's 502 or 504, which a custom error response may replace.
        let answer: TierAnswer
        do {
            answer = try await cachedOrFetched(viewerRequest, key: key, distribution: distribution, behavior: behavior, triggers: triggers, exchange)
        } catch let error as UpstreamError {
            metrics.recordError(error.kind == .timedOut ? "upstream_timeout" : "upstream_unreachable")
            exchange.upstreamFailure = error.kind
            logger.warning("upstream failed for \(viewerRequest.uri): \(error)")
            let page = ErrorPage.response(
                status: error.status,
                reason: "CloudFront could not reach the upstream: \(error).",
                requestID: exchange.requestID
            )
            answer = TierAnswer(response: page, result: .miss, age: .zero)
        } catch let failure as FunctionFailure {
            return fail(failure, exchange)
        } catch {
            logger.error("request for \(viewerRequest.uri) failed: \(error)")
            let page = ErrorPage.response(
                status: .internalServerError,
                reason: "CloudFront could not answer: \(error).",
                requestID: exchange.requestID
            )
            return finish(page, result: .error, exchange)
        }
        if let upstream = answer.upstreamTime { metrics.recordUpstream(upstream) }

        // 4½. A custom error response's page in place of an error from upstream, fetched
        //     through the cache; viewer-response does not run for it (spec §2.2).
        if let page = errorPage(for: answer.response.status, distribution: distribution) {
            exchange.trace.stageTimes += answer.response.trace.stageTimes
            exchange.trace.functionsRun += answer.response.trace.functionsRun
            return await sendErrorPage(
                page,
                for: viewerRequest,
                failed: answer.response.status,
                distribution: distribution,
                triggers: triggers,
                exchange,
                answer: answer
            )
        }

        // 5. viewer-response: on hits and misses, never for a status of 400 or more. The origin
        //    stages' functions ran for this request only if it fetched: only a miss's response
        //    carries their trace (the cache keeps none).
        var response = answer.response
        exchange.trace.stageTimes += response.trace.stageTimes
        let ranUpstream = response.trace.functionsRun.count
        let viewerResponseStarted = ContinuousClock.now
        var viewerResponseFailure: FunctionFailure?
        if response.status.code < 400 {
            let runsFunction = triggers.runs(.viewerResponse, distribution: distribution, behavior: behavior)
            let seen = runsFunction ? withViewerFields(viewerRequest) : viewerRequest
            viewerResponseFailure = await triggers.viewerResponse(&response, request: seen, distribution: distribution, behavior: behavior)
        }
        if response.trace.functionsRun.count > ranUpstream { exchange.trace.noteStage(.viewerResponse, .now - viewerResponseStarted) }
        exchange.trace.functionsRun += response.trace.functionsRun
        if let failure = viewerResponseFailure { return fail(failure, exchange) }
        return reply(response, answer: answer, request: request, exchange)
    }

    /// The edge cache's answer for a request, or the upstream's when it is not cacheable.
    /// - Parameter key: The request's cache key, when already made.
    func cachedOrFetched(
        _ request: EdgeRequest,
        key: CacheKey?,
        distribution: DistributionSpec,
        behavior: CacheBehavior,
        triggers: any TriggerStages,
        _ exchange: Exchange
    ) async throws -> TierAnswer {
        let fetch = upstreamFetch(request, distribution: distribution, behavior: behavior, triggers: triggers, exchange: exchange)
        guard Self.isCacheable(request) else {
            let started = ContinuousClock.now
            let response = try await fetch(HTTPFields())
            return TierAnswer(response: response, result: .miss, age: .zero, upstreamTime: .now - started)
        }
        let key = key ?? cacheKey(request, distribution: distribution, behavior: behavior)
        return try await cache.answer(key: key, behavior: behavior, errorResponses: distribution.errorResponses, fetch: fetch)
    }

    /// 6. CloudFront's own headers, then the viewer's conditional request.
    private func reply(_ response: StoredResponse, answer: TierAnswer, request: IncomingRequest, _ exchange: Exchange) -> ViewerResponse {
        let generatedNow = answer.result == .miss && answer.response.trace.generatedBy != nil
        let result: ResultType = generatedNow ? .lambdaGeneratedResponse : response.status.code >= 400 ? .error : ResultType(answer.result)
        return finish(response, result: result, exchange, answer: answer, conditional: request.headers[.ifNoneMatch])
    }

    /// The cache key of a request, with CloudFront's viewer fields when its policy names one.
    func cacheKey(_ request: EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) -> CacheKey {
        CacheKey(
            host: distribution.domainName,
            path: request.uri,
            query: request.querystring,
            fields: Self.keyNamesViewerField(behavior.cacheKey) ? withViewerFields(request).headers : request.headers,
            policy: behavior.cacheKey
        )
    }

    /// What plain HTTP gets under a policy other than allow-all: a redirect to the same URL over
    /// HTTPS (301 for GET and HEAD; 307 for other methods over HTTP/1.1, which keeps the method
    /// and body; 403 over HTTP/1.0), or 403 under https-only.
    private func protocolAnswer(
        _ request: IncomingRequest,
        policy: ViewerProtocolPolicy,
        domain: String,
        requestID: String
    ) -> (StoredResponse, ResultType) {
        let keepsMethod = request.method == .get || request.method == .head
        guard policy == .redirectToHTTPS, keepsMethod || !request.isBeforeHTTP11 else {
            let reason =
                policy == .httpsOnly
                ? "This distribution only accepts HTTPS: ask https://\(request.head.authority ?? "")\(request.target)."
                : "This distribution redirects HTTP to HTTPS, which an HTTP/1.0 \(request.method) cannot follow."
            return (ErrorPage.response(status: .forbidden, reason: reason, requestID: requestID), .error)
        }
        let authority = request.head.authority ?? domain
        let host = Self.hostWithoutPort(authority)
        let port = httpsPort.port.map { $0 == 443 ? "" : ":\($0)" } ?? ""
        let location = "https://\(host)\(port)\(request.target)"
        var page = ErrorPage.response(
            status: keepsMethod ? .movedPermanently : .temporaryRedirect,
            reason: "This object has moved to \(location).",
            requestID: requestID
        )
        page.headers[.location] = location
        return (page, .redirect)
    }

    /// `host` of `host:port` (and of `[v6]:port`).
    static func hostWithoutPort(_ authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") { return String(authority[...end]) }
        guard let colon = authority.lastIndex(of: ":") else { return authority }
        return String(authority[..<colon])
    }

    /// The request with CloudFront's viewer fields (location, device, address, protocol) in
    /// place of any the viewer sent.
    func withViewerFields(_ request: EdgeRequest) -> EdgeRequest {
        var request = request
        request.headers = ViewerHeaders.adding(to: request.headers, location: viewers.locationFields(of: request.viewer), request: request)
        return request
    }

    /// Whether a cache key policy names a field the edge adds (all of them `CloudFront-…`).
    static func keyNamesViewerField(_ policy: CacheKeyPolicy) -> Bool {
        policy.headers.contains { $0.utf8.count > 11 && $0.prefix(11).lowercased() == "cloudfront-" }
    }

    /// GET and HEAD without a byte range are answered from the cache; the rest pass through.
    static func isCacheable(_ request: EdgeRequest) -> Bool {
        (request.method == .get || request.method == .head) && request.headers[.range] == nil
    }

}
