import Foundation

/// Makes signed URLs and cookies as `aws cloudfront sign` does: a canned policy when only an
/// expiry is given, a custom one with a start time, an address block or a resource pattern.
public struct URLSigner: Sendable {
    public let keyPairID: String
    public let key: SigningKey
    public let algorithm: HashAlgorithm

    public init(keyPairID: String, key: SigningKey, algorithm: HashAlgorithm = .sha1) {
        self.keyPairID = keyPairID
        self.key = key
        self.algorithm = algorithm
    }

    /// CloudFront's parameters (or cookies) for a URL, by name without the `CloudFront-` prefix.
    /// - Parameters:
    ///   - url: The whole URL, its own query included.
    ///   - policy: What to allow; its `resource` defaults to the URL.
    public func parameters(for url: String, policy: SignedPolicy) throws -> [(name: String, value: String)] {
        let custom = policy.notBefore != nil || policy.sourceIP != nil || (policy.resource != nil && policy.resource != url)
        var result: [(name: String, value: String)] = []
        if custom {
            var policy = policy
            if policy.resource == nil { policy.resource = url }
            let json = policy.json
            result.append(("Policy", CloudFrontBase64.encode(json)))
            result.append(("Signature", CloudFrontBase64.encode(try key.sign(json, with: algorithm))))
        } else {
            result.append(("Expires", String(policy.notAfter)))
            let canned = SignedPolicy.canned(resource: url, expires: policy.notAfter)
            result.append(("Signature", CloudFrontBase64.encode(try key.sign(canned, with: algorithm))))
        }
        result.append(("Key-Pair-Id", keyPairID))
        if algorithm == .sha256 { result.append(("Hash-Algorithm", "SHA256")) }
        return result
    }

    /// The signed URL.
    public func signedURL(_ url: String, policy: SignedPolicy) throws -> String {
        let query = try parameters(for: url, policy: policy).map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        return url + (url.contains("?") ? "&" : "?") + query
    }
}
