import CDNCore
import HTTPTypes
import Logging
import NIOCore
import Topology

extension EdgeResponder {
    /// CloudFront's 403 for a viewer in a country the distribution does not serve, or the
    /// custom error page for 403 when there is one.
    func geoBlocked(_ viewerRequest: EdgeRequest, distribution: DistributionSpec, triggers: any TriggerStages, _ exchange: Exchange) -> ViewerAnswer {
        let refused = ErrorPage.response(
            status: .forbidden,
            reason: "The Amazon CloudFront distribution is configured to block access from your country.",
            requestID: exchange.requestID
        )
        guard let page = errorPage(for: .forbidden, distribution: distribution) else { return .now(finish(refused, result: .error, exchange)) }
        return .later {
            await sendErrorPage(page, for: viewerRequest, failed: .forbidden, distribution: distribution, triggers: triggers, exchange)
        }
    }

    /// A custom error page sent in place of an error, with `X-Cache: Error` and the page named
    /// in `Server-Timing`.
    /// - Parameter answer: How the cache tier answered with the error, when it did.
    func sendErrorPage(
        _ page: CustomErrorResponse.Page,
        for viewerRequest: EdgeRequest,
        failed: HTTPResponse.Status,
        distribution: DistributionSpec,
        triggers: any TriggerStages,
        _ exchange: Exchange,
        answer: TierAnswer? = nil
    ) async -> ViewerResponse {
        var exchange = exchange
        exchange.errorPage = page.path
        let served = await errorPageResponse(page, for: viewerRequest, failed: failed, distribution: distribution, triggers: triggers, exchange)
        return finish(served, result: .error, exchange, answer: answer)
    }

    /// The page a distribution sends in place of an upstream's error status, when it has one.
    func errorPage(for status: HTTPResponse.Status, distribution: DistributionSpec) -> CustomErrorResponse.Page? {
        guard status.code >= 400, !distribution.errorResponses.isEmpty else { return nil }
        return distribution.errorResponses[status.code]?.page
    }

    /// A custom error page, as CloudFront sends it (spec §2.2): a GET for the page's path,
    /// through the edge cache, from the first behavior the path matches, with that behavior's
    /// origin-facing functions (CloudFront forwards it to an origin like any object) but
    /// never viewer-request. A page fetched fine goes out with the entry's status; a page
    /// that fails sends its own failure (a deleted page: its 404).
    /// - Parameters:
    ///   - page: The custom error response's page.
    ///   - viewerRequest: The request whose answer was an error.
    ///   - failed: The upstream's error status.
    func errorPageResponse(
        _ page: CustomErrorResponse.Page,
        for viewerRequest: EdgeRequest,
        failed: HTTPResponse.Status,
        distribution: DistributionSpec,
        triggers: any TriggerStages,
        _ exchange: Exchange
    ) async -> StoredResponse {
        let behavior = distribution.behavior(forPath: page.path)
        var request = viewerRequest
        request.method = .get
        request.uri = page.path
        request.querystring = ""
        request.body = ByteBuffer()
        request.origin = distribution.firstOrigin(of: behavior.origin)
        request.originGroup = distribution.originGroup(behavior.origin)
        request.originURL = nil
        request.functionsRun = []
        request.headers = request.headers.removingConditionals()
        request.headers[.range] = nil
        metrics.recordErrorPage(errorCode: failed.code, responseCode: page.responseCode)
        do {
            let answer = try await cachedOrFetched(request, key: nil, distribution: distribution, behavior: behavior, triggers: triggers, exchange)
            var response = answer.response
            response.trace = ResponseTrace()
            guard response.status.code < 400 else {
                logger.warning(
                    "the custom error page \(page.path) for \(failed.code) on \(viewerRequest.uri) failed itself with \(response.status.code)"
                )
                return response
            }
            logger.info("sent the custom error page \(page.path) with \(page.responseCode) for \(failed.code) on \(viewerRequest.uri)")
            response.status = HTTPResponse.Status(code: page.responseCode)
            return response
        } catch let error as UpstreamError {
            logger.warning("the custom error page \(page.path) for \(failed.code) on \(viewerRequest.uri) could not be fetched: \(error)")
            return ErrorPage.response(
                status: error.status,
                reason: "CloudFront could not fetch the custom error page \(page.path): \(error).",
                requestID: exchange.requestID
            )
        } catch {
            logger.warning("the custom error page \(page.path) for \(failed.code) on \(viewerRequest.uri) failed: \(error)")
            let status = (error as? FunctionFailure)?.status ?? .badGateway
            return ErrorPage.response(
                status: status,
                reason: "CloudFront could not fetch the custom error page \(page.path).",
                requestID: exchange.requestID
            )
        }
    }
}
