import Foundation

/// Whether a request to a behavior with trusted key groups carries a valid signed URL or
/// signed cookies (spec §5), and the query without CloudFront's parameters when it does.
public enum SignedRequestCheck {
    /// The query parameters CloudFront reads and strips before the cache key and the origin.
    public static let parameters: Set<String> = ["Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"]

    /// CloudFront's answer to a request that is not let through: always 403.
    public struct Denial: Error, Sendable, Equatable {
        /// The `<Code>` of CloudFront's XML body: `MissingKey`, `InvalidKey` or `AccessDenied`.
        public var code: String
        /// The `<Message>` of the body.
        public var message: String
        /// Why, for the edge's log (CloudFront's body says no more than "Access denied").
        public var reason: String

        /// CloudFront's body.
        public var body: String {
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>\(message)</Message></Error>"
        }

        static func accessDenied(_ reason: String) -> Denial { Denial(code: "AccessDenied", message: "Access denied", reason: reason) }
    }

    /// One request, as the check needs it.
    public struct Request: Sendable {
        /// `http` or `https`, the viewer's.
        public var scheme: String
        /// The host the viewer asked for, without a port.
        public var host: String
        public var path: String
        /// The raw query string, without `?`.
        public var query: String
        /// The viewer's cookies by name.
        public var cookies: [String: String]
        /// The viewer's address.
        public var clientIP: String?

        public init(scheme: String, host: String, path: String, query: String, cookies: [String: String], clientIP: String?) {
            self.scheme = scheme
            self.host = host
            self.path = path
            self.query = query
            self.cookies = cookies
            self.clientIP = clientIP
        }
    }

    /// Checks one request.
    /// - Parameters:
    ///   - request: The request.
    ///   - now: The time, in seconds since 1970 (injected, for tests).
    ///   - keys: The public keys of the behavior's trusted key groups, by id.
    /// - Returns: The query without CloudFront's parameters.
    /// - Throws: ``Denial``, CloudFront's 403.
    public static func check(_ request: Request, now: Int, keys: [String: VerifyingKey]) throws(Denial) -> String {
        let pairs = request.query.split(separator: "&", omittingEmptySubsequences: false).filter { !$0.isEmpty }.map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        let own = request.query.split(separator: "&", omittingEmptySubsequences: false).filter { pair in
            !pair.isEmpty && !parameters.contains(String(pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]))
        }.joined(separator: "&")
        // A signed URL wins over signed cookies.
        let signedURL = pairs.contains { parameters.contains($0.0) && $0.0 != "Hash-Algorithm" }
        func value(_ name: String) -> String? {
            signedURL ? pairs.last { $0.0 == name }?.1 : request.cookies["CloudFront-" + name]
        }
        guard let keyID = value("Key-Pair-Id"), !keyID.isEmpty else {
            throw Denial(code: "MissingKey", message: "Missing Key-Pair-Id query parameter or cookie value", reason: "no Key-Pair-Id")
        }
        guard let key = keys[keyID] else {
            throw Denial(code: "InvalidKey", message: "Unknown Key", reason: "key '\(keyID)' is in none of the behavior's trusted key groups")
        }
        guard let signatureText = value("Signature"), let signature = CloudFrontBase64.decode(signatureText) else {
            throw .accessDenied("no readable Signature")
        }
        guard let algorithm = value("Hash-Algorithm").map({ HashAlgorithm(rawValue: $0) }) ?? .sha1 else {
            throw .accessDenied("Hash-Algorithm is neither SHA1 nor SHA256")
        }
        let url = "\(request.scheme)://\(request.host)\(request.path)" + (own.isEmpty ? "" : "?" + own)
        let policy: SignedPolicy
        if let encoded = value("Policy") {
            guard let json = CloudFrontBase64.decode(encoded) else { throw .accessDenied("the Policy is not CloudFront's base64") }
            guard key.verifies(signature, of: json, with: algorithm) else { throw .accessDenied("the signature does not match the policy") }
            do { policy = try SignedPolicy.parse(json) } catch { throw .accessDenied(error.description) }
        } else if let expires = value("Expires").flatMap({ Int($0) }) {
            let canned = SignedPolicy.canned(resource: url, expires: expires)
            guard key.verifies(signature, of: canned, with: algorithm) else {
                throw .accessDenied("the signature does not match the canned policy for \(url)")
            }
            policy = SignedPolicy(resource: nil, notAfter: expires)
        } else {
            throw .accessDenied("neither Expires nor Policy")
        }
        if let refusal = policy.refusal(url: url, at: now, from: request.clientIP) { throw .accessDenied(refusal) }
        return own
    }
}
