import CDNCore
import Foundation
import HTTPTypes
import Logging
import NIOCore
import SignedURLs
import Topology

/// The public keys of every key group, read once when the edge starts: by group, then by key id.
struct TrustedKeys: Sendable {
    let groups: [String: [String: VerifyingKey]]

    init(_ groups: [KeyGroup], logger: Logger) {
        var read: [String: [String: VerifyingKey]] = [:]
        for group in groups {
            for key in group.keys {
                do {
                    read[group.id, default: [:]][key.id] = try VerifyingKey(pem: key.pem)
                } catch {
                    logger.error("public key \(key.id) of key group \(group.id) cannot verify signatures: \(error)")
                }
            }
        }
        self.groups = read
    }

    /// The keys a behavior trusts, by key id.
    func keys(trustedBy behavior: CacheBehavior) -> [String: VerifyingKey] {
        behavior.trustedKeyGroups.reduce(into: [:]) { keys, group in keys.merge(groups[group] ?? [:]) { first, _ in first } }
    }
}

extension EdgeResponder {
    /// Checks a request to a behavior that trusts key groups: the query without CloudFront's
    /// parameters, or why CloudFront refuses it.
    func signedAccess(_ request: EdgeRequest, behavior: CacheBehavior, distribution: DistributionSpec) -> Result<String, SignedRequestCheck.Denial> {
        let host = request.host.map(Self.hostWithoutPort) ?? distribution.domainName
        let check = SignedRequestCheck.Request(
            scheme: request.viewerProtocol == .https ? "https" : "http",
            host: host,
            path: request.uri,
            query: request.querystring,
            cookies: Self.cookies(request.headers),
            clientIP: request.clientIP
        )
        do {
            return .success(try SignedRequestCheck.check(check, now: Int(Date().timeIntervalSince1970), keys: trustedKeys.keys(trustedBy: behavior)))
        } catch {
            metrics.recordSignedURLDenial(code: error.code)
            logger.info("refused \(request.uri) from \(request.clientIP): \(error.code), \(error.reason)")
            return .failure(error)
        }
    }

    /// CloudFront's 403 for a refused signed URL or cookie, with its XML body.
    static func refusal(_ denial: SignedRequestCheck.Denial) -> StoredResponse {
        let headers: HTTPFields = [.server: "CloudFront", .contentType: "text/xml", .cacheControl: "no-store"]
        return StoredResponse(status: .forbidden, headers: headers, body: ByteBuffer(string: denial.body))
    }

    /// The viewer's cookies by name, from every `Cookie` field.
    static func cookies(_ headers: HTTPFields) -> [String: String] {
        var cookies: [String: String] = [:]
        for pair in headers.cookiePairs {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            cookies[parts[0].trimmingCharacters(in: .whitespaces)] = String(parts[1]).trimmingCharacters(in: .whitespaces)
        }
        return cookies
    }
}
