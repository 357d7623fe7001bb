import CDNCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Replication
import Topology

/// A regional hub's request path, for requests its edges forward:
///
/// 1. the distribution, behavior and origin the edge chose (internal headers: a rewritten uri
///    must not re-select them);
/// 2. for GET and HEAD, the hub's cache tier: fresh hit, revalidation, or one coalesced fetch;
/// 3. on a miss, the origin over the hub↔origin link;
/// 4. the answer, with how the hub answered and how long the origin took, for the edge's
///    `Server-Timing`.
struct HubResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let id: String
    /// The distributions as the config epoch in force says (an UpdateDistribution changes them).
    let distributions: DistributionsInForce
    let origins: [String: UpstreamLink]
    /// The Origin Shield hubs this hub fetches their origins through.
    let shields: [String: UpstreamLink]
    let cache: CacheTier
    let client: UpstreamClient
    let metrics: NodeMetrics
    /// The replication feed the hub relays to its edges, when it follows a registry.
    let feed: RouterResponder<BasicRequestContext>?
    /// Whether the feed is served over TLS only (the network has its TLS files).
    var feedNeedsTLS = false

    func respond(to request: Request, context: Context) async throws -> Response {
        // Replication: an edge's own request (a viewer's always carries the distribution).
        if let feed, request.uri.path.hasPrefix(ReplicationFeed.prefix), request.headers[.edgesimDistribution] == nil {
            guard !feedNeedsTLS || request.head.scheme == "https" else {
                return Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(string: "the replication feed is served over TLS only\n")))
            }
            return try await feed.respond(to: request, context: context)
        }
        let requestID = request.headers[.amzCfID] ?? CloudFrontIDs.requestID()
        let topology = distributions.topology
        guard let distribution = request.headers[.edgesimDistribution].flatMap(topology.distribution) else {
            return answer(
                ErrorPage.response(status: .badRequest, reason: "The hub got a request without a known distribution.", requestID: requestID),
                result: .error,
                request: request
            )
        }
        let path = request.uri.path
        let pattern = request.headers[.edgesimBehavior]
        let behavior = distribution.behaviors.first { $0.pathPattern == pattern } ?? distribution.behavior(forPath: path)
        let originID = request.headers[.edgesimOrigin] ?? behavior.origin
        if let url = request.headers[.edgesimOriginURL] {
            // An origin a function chose that the topology does not describe: fetched directly.
            return try await direct(url: url, request: request, requestID: requestID)
        }
        guard let origin = origins[originID] else {
            let page = ErrorPage.response(status: .badGateway, reason: "The hub has no link to origin '\(originID)'.", requestID: requestID)
            return answer(page, result: .error, request: request)
        }

        // The viewer's protocol picks a match-viewer origin's port; the object is cached once.
        let viewer: ViewerProtocol = request.headers[.edgesimViewerProtocol] == "https" ? .https : .http
        let endpoint = origin.endpoint(for: viewer)
        let cacheable = Self.isCacheable(request)
        // The hub revalidates with its own validators; the edge's are answered below.
        let fields = cacheable ? request.headers.removingInternal().removingConditionals() : request.headers.removingInternal()
        let body = try await request.body.collect(upTo: UpstreamClient.Default.maximumBody)
        // An origin group's primary: an answer the edge fails over on is passed back, not kept.
        let failoverOn = Set((request.headers[.edgesimFailoverOn] ?? "").split(separator: ",").compactMap { Int($0) })
        // An origin with an Origin Shield is fetched through that hub's cache, which fetches it
        // from the origin once for every hub (spec: OriginShield); the shield hub itself, and
        // every hub for an origin without one, asks the origin.
        let shield = topology.shield(for: originID, at: id).flatMap { shields[$0] }
        let fetch: CacheTier.Fetch = { validators in
            var sent = fields
            for field in validators { sent[field.name] = field.value }
            let method: HTTPRequest.Method = request.method == .head ? .get : request.method
            var response: StoredResponse
            if let shield {
                response = try await fetchThrough(shield, method: method, request: request, fields: sent)
            } else {
                response = try await client.send(
                    method,
                    toOrigin: origin,
                    endpoint: endpoint,
                    target: request.uri.description,
                    fields: sent,
                    body: nil
                )
            }
            if failoverOn.contains(response.status.code) { throw FailoverAnswer(response: response) }
            return response
        }

        do {
            if cacheable {
                let key = CacheKey(
                    host: distribution.domainName,
                    path: path,
                    query: request.uri.query ?? "",
                    fields: fields,
                    policy: behavior.cacheKey
                )
                let tier = try await cache.answer(key: key, behavior: behavior, errorResponses: distribution.errorResponses, fetch: fetch)
                if let upstream = tier.upstreamTime { metrics.recordUpstream(upstream) }
                let response = tier.response.answering(conditional: request.headers[.ifNoneMatch])
                let shielded = tier.result == .miss ? tier.response.trace.hub?.shield : nil
                return answer(
                    response,
                    result: ResultType(tier.result),
                    age: tier.age,
                    originTime: tier.upstreamTime,
                    shield: shielded,
                    request: request
                )
            }
            let started = ContinuousClock.now
            let response = try await client.send(
                request.method,
                toOrigin: origin,
                endpoint: endpoint,
                target: request.uri.description,
                fields: fields,
                body: body.readableBytes > 0 ? body : nil
            )
            let elapsed = ContinuousClock.now - started
            metrics.recordUpstream(elapsed)
            return answer(response, result: .miss, originTime: elapsed, request: request)
        } catch let failed as FailoverAnswer {
            return answer(failed.response, result: .miss, request: request)
        } catch let error as UpstreamError {
            metrics.recordError(error.kind == .timedOut ? "upstream_timeout" : "upstream_unreachable")
            context.logger.warning("origin \(originID) failed for \(path): \(error)")
            return answer(
                ErrorPage.response(status: error.status, reason: "The hub could not reach origin '\(originID)': \(error)", requestID: requestID),
                result: .error,
                originFailure: error.kind,
                request: request
            )
        }
    }

    /// One fetch through an Origin Shield: the request as the edge sent it, with the facts the
    /// shield needs to pick the same behavior and origin; the shield's answer comes back with
    /// how it answered, which the edge's `Server-Timing` shows. A shield that could not reach
    /// the origin is that origin's failure here too.
    private func fetchThrough(
        _ shield: UpstreamLink,
        method: HTTPRequest.Method,
        request: Request,
        fields: HTTPFields
    ) async throws
        -> StoredResponse
    {
        var sent = fields
        for name in [HTTPField.Name.edgesimDistribution, .edgesimBehavior, .edgesimOrigin, .edgesimViewerProtocol, .edgesimFailoverOn] {
            if let value = request.headers[name] { sent[name] = value }
        }
        var response = try await client.send(method, port: shield.port, target: request.uri.description, fields: sent, body: nil)
        let trace = HubTrace.take(from: &response.headers)
        if let failure = trace?.originFailure {
            throw UpstreamError(failure, underlying: "the Origin Shield \(shield.id) could not reach the origin")
        }
        metrics.recordShieldFetch(shield: shield.id, hit: trace?.servedFromCache ?? false)
        response.trace.hub = HubTrace(
            result: .miss,
            shield: .init(id: shield.id, servedFromCache: trace?.servedFromCache ?? false, originTime: trace?.originTime)
        )
        return response
    }

    /// Fetches from an origin outside the topology, uncached (its TTL rules are unknown here).
    private func direct(url: String, request: Request, requestID: String) async throws -> Response {
        let fields = request.headers.removingInternal()
        let body = try await request.body.collect(upTo: UpstreamClient.Default.maximumBody)
        let method: HTTPRequest.Method = request.method == .head ? .get : request.method
        do {
            let started = ContinuousClock.now
            let response = try await client.send(
                method,
                url: url + request.uri.description,
                fields: fields,
                body: body.readableBytes > 0 ? body : nil
            )
            return answer(response, result: .miss, originTime: .now - started, request: request)
        } catch {
            let page = ErrorPage.response(status: error.status, reason: "The hub could not reach \(url): \(error)", requestID: requestID)
            return answer(page, result: .error, request: request)
        }
    }

    /// GET and HEAD without a byte range go through the cache; everything else passes through.
    static func isCacheable(_ request: Request) -> Bool {
        (request.method == .get || request.method == .head) && request.headers[.range] == nil
    }

    private func answer(
        _ stored: StoredResponse,
        result: ResultType,
        age: Duration = .zero,
        originTime: Duration? = nil,
        originFailure: UpstreamError.Kind? = nil,
        shield: HubTrace.Shield? = nil,
        request: Request
    ) -> Response {
        var extra = HTTPFields()
        HubTrace(result: result, originTime: originTime, originFailure: originFailure, shield: shield).write(to: &extra)
        if age >= .seconds(1) { extra[.age] = "\(age.components.seconds)" }
        metrics.recordRequest(result, status: stored.status.code, bytes: stored.body.readableBytes)
        return stored.response(adding: extra, head: request.method == .head)
    }
}

/// An origin group primary's answer with a failover status: thrown out of the cache tier's
/// fetch so that it is neither kept nor shared, and handed back to the edge as it is.
struct FailoverAnswer: Error {
    let response: StoredResponse
}
