import CDNCore
import HTTPTypes
import NIOCore
import Topology

/// What the access logs need of a request that its distribution logs, kept from its arrival
/// until its answer is finished. A class, so that the exchange, copied along the request path,
/// holds a reference and not the distribution's whole value.
final class LoggedRequest: Sendable {
    let request: IncomingRequest
    let distribution: DistributionSpec
    let behavior: CacheBehavior
    let country: String?

    init(request: IncomingRequest, distribution: DistributionSpec, behavior: CacheBehavior, country: String?) {
        self.request = request
        self.distribution = distribution
        self.behavior = behavior
        self.country = country
    }
}

extension EdgeResponder {
    /// The request's place in the logs, when its distribution has a standard log or its
    /// behavior a real-time one; `nil` otherwise, so a request nobody logs costs nothing more.
    func logged(_ request: IncomingRequest, distribution: DistributionSpec, behavior: CacheBehavior, country: String?) -> LoggedRequest? {
        guard accessLogs != nil, distribution.logging != nil || behavior.realtimeLog != nil else { return nil }
        return LoggedRequest(request: request, distribution: distribution, behavior: behavior, country: country)
    }

    /// The record of a finished response, for the listener to complete and log.
    func accessLogTicket(_ exchange: Exchange, response: StoredResponse, result: ResultType, answer: TierAnswer?) -> AccessLogTicket? {
        guard let logged = exchange.logged, let sink = accessLogs else { return nil }
        let request = logged.request
        let detailed: String =
            if exchange.geoBlocked != nil {
                "ClientGeoBlocked"
            } else if let failure = exchange.upstreamFailure {
                switch failure {
                case .timedOut: "OriginCommError"
                case .unreachable: "OriginConnectError"
                case .tooLarge: "OriginError"
                }
            } else if answer?.result == .miss, answer?.response.trace.hub?.shield?.servedFromCache == true {
                "OriginShieldHit"
            } else {
                result.rawValue
            }
        let record = AccessRecord(
            distributionID: logged.distribution.id,
            distributionDomain: logged.distribution.domainName,
            edgeLocation: id,
            standard: logged.distribution.logging != nil,
            realtimeConfig: logged.behavior.realtimeLog?.name,
            clientIP: request.remoteIP ?? "-",
            clientPort: request.remoteAddress?.port,
            method: request.method.rawValue,
            hostHeader: request.head.authority,
            uriStem: request.path,
            query: request.query,
            requestFields: request.headers,
            includesCookies: logged.distribution.logging?.includeCookies ?? false,
            scheme: request.viewerProtocol == .https ? "https" : "http",
            protocolVersion: "HTTP/" + request.versionText,
            status: response.status.code,
            resultType: result.rawValue,
            responseResultType: result.rawValue,
            detailedResultType: detailed,
            requestID: exchange.requestID,
            contentType: response.headers[.contentType],
            contentLength: ResponseHead.hasBody(response.status) ? response.body.readableBytes : nil,
            contentRange: response.headers[.contentRange],
            country: logged.country,
            pathPattern: logged.behavior.pathPattern,
            arrived: exchange.started
        )
        return AccessLogTicket(record: record, sink: sink)
    }
}
