import Foundation

/// A signed URL's or cookie's policy (spec §5.3): which URLs it opens, when, and from which
/// addresses. A canned policy is rebuilt from the URL and its `Expires`; a custom one is sent.
public struct SignedPolicy: Sendable, Equatable {
    /// The URL pattern it opens (`*` and `?` wildcards); `nil` opens any URL the key is trusted on.
    public var resource: String?
    /// `DateLessThan`: the request must come before this (seconds since 1970).
    public var notAfter: Int
    /// `DateGreaterThan`: the request must come after this.
    public var notBefore: Int?
    /// `IpAddress`: one IPv4 address or CIDR block the viewer must be in.
    public var sourceIP: String?

    public init(resource: String?, notAfter: Int, notBefore: Int? = nil, sourceIP: String? = nil) {
        self.resource = resource
        self.notAfter = notAfter
        self.notBefore = notBefore
        self.sourceIP = sourceIP
    }

    /// A canned policy's exact bytes, which the signature covers: CloudFront rebuilds them, so
    /// signer and checker must agree to the byte (no whitespace; the time an unquoted number).
    public static func canned(resource: String, expires: Int) -> Data {
        let escaped = resource.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return Data(#"{"Statement":[{"Resource":"\#(escaped)","Condition":{"DateLessThan":{"AWS:EpochTime":\#(expires)}}}]}"#.utf8)
    }

    /// A custom policy's JSON, as `edgesim sign` writes it.
    public var json: Data {
        var condition: [String: Any] = ["DateLessThan": ["AWS:EpochTime": notAfter]]
        if let notBefore { condition["DateGreaterThan"] = ["AWS:EpochTime": notBefore] }
        if let sourceIP { condition["IpAddress"] = ["AWS:SourceIp": sourceIP] }
        var statement: [String: Any] = ["Condition": condition]
        if let resource { statement["Resource"] = resource }
        return (try? JSONSerialization.data(withJSONObject: ["Statement": [statement]], options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    /// Reads a custom policy: one statement (in a `Statement` list or alone), `DateLessThan`
    /// required, the names exact.
    /// - Throws: ``SignedPolicyError`` saying what is wrong.
    public static func parse(_ data: Data) throws(SignedPolicyError) -> SignedPolicy {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw SignedPolicyError("the policy is not a JSON object")
        }
        let statements: [[String: Any]]
        if let list = object["Statement"] as? [[String: Any]] {
            statements = list
        } else if let one = object["Statement"] as? [String: Any] {
            statements = [one]
        } else {
            throw SignedPolicyError("the policy has no Statement")
        }
        guard statements.count == 1, let statement = statements.first else { throw SignedPolicyError("a policy has exactly one statement") }
        let condition = statement["Condition"] as? [String: Any] ?? [:]
        func epoch(_ name: String) -> Int? {
            ((condition[name] as? [String: Any])?["AWS:EpochTime"] as? NSNumber)?.intValue
        }
        guard let notAfter = epoch("DateLessThan") else { throw SignedPolicyError("the policy has no DateLessThan AWS:EpochTime") }
        let sourceIP = (condition["IpAddress"] as? [String: Any])?["AWS:SourceIp"] as? String
        if let sourceIP, IPv4Block(sourceIP) == nil { throw SignedPolicyError("AWS:SourceIp '\(sourceIP)' is not an IPv4 address or CIDR block") }
        return SignedPolicy(resource: statement["Resource"] as? String, notAfter: notAfter, notBefore: epoch("DateGreaterThan"), sourceIP: sourceIP)
    }

    /// Why a request does not meet the policy, or `nil` when it does.
    public func refusal(url: String, at now: Int, from address: String?) -> String? {
        if now >= notAfter { return "the URL expired" }
        if let notBefore, now <= notBefore { return "the URL is not valid yet" }
        if let sourceIP {
            guard let block = IPv4Block(sourceIP), let address, block.contains(address) else { return "the viewer's address is not in \(sourceIP)" }
        }
        if let resource, !ResourcePattern(resource).matches(url) { return "the policy's resource does not match the URL" }
        return nil
    }
}

/// Why a policy could not be read.
public struct SignedPolicyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One IPv4 address or CIDR block (`192.0.2.0/24`); CloudFront's policies take no IPv6.
struct IPv4Block {
    let network: UInt32
    let mask: UInt32

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = Self.address(String(parts[0])) else { return nil }
        let bits = parts.count == 2 ? Int(parts[1]) : 32
        guard let bits, (0...32).contains(bits) else { return nil }
        mask = bits == 0 ? 0 : UInt32.max << (32 - bits)
        network = address & mask
    }

    func contains(_ text: String) -> Bool {
        guard let address = Self.address(text) else { return false }
        return address & mask == network
    }

    static func address(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false).map { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ ($0 ?? 256) < 256 }) else { return nil }
        return octets.reduce(0) { $0 << 8 | $1! }
    }
}

/// A policy's `Resource`, matched section by section (spec §5.3): `scheme://domain/path\?query`,
/// each wildcard inside its own section, with CloudFront's exceptions — `*` alone matches every
/// URL, a trailing `*` in the path any query too, a trailing `*` in the domain any path and
/// query, and a pattern without a scheme any scheme.
struct ResourcePattern {
    let text: String

    init(_ text: String) { self.text = text }

    func matches(_ url: String) -> Bool {
        if text == "*" { return true }
        var pattern = Substring(text)
        var scheme: Substring = "*"
        if let separator = pattern.range(of: "://") {
            scheme = pattern[..<separator.lowerBound]
            pattern = pattern[separator.upperBound...]
        }
        let domain: Substring
        var path: Substring
        var query: Substring?
        if let slash = pattern.firstIndex(of: "/") {
            domain = pattern[..<slash]
            path = pattern[slash...]
            if let literal = path.range(of: "\\?") {
                query = path[literal.upperBound...]
                path = path[..<literal.lowerBound]
            } else if path.hasSuffix("*") {
                query = "*"
            }
        } else {
            domain = pattern
            path = domain.hasSuffix("*") ? "*" : "/"
            query = domain.hasSuffix("*") ? "*" : nil
        }
        guard let target = url.range(of: "://") else { return false }
        let urlScheme = url[..<target.lowerBound]
        let rest = url[target.upperBound...]
        let urlDomain = rest.firstIndex(of: "/").map { rest[..<$0] } ?? rest
        let afterDomain = rest[urlDomain.endIndex...]
        let urlPath = afterDomain.firstIndex(of: "?").map { afterDomain[..<$0] } ?? afterDomain
        let urlQuery = afterDomain.firstIndex(of: "?").map { afterDomain[afterDomain.index(after: $0)...] } ?? ""
        return Self.glob(scheme, urlScheme) && Self.glob(domain, urlDomain) && Self.glob(path, urlPath.isEmpty ? "/" : urlPath)
            && Self.glob(query ?? "", urlQuery)
    }

    /// `*` any run of characters, `?` exactly one.
    static func glob(_ pattern: Substring, _ text: Substring) -> Bool {
        let pattern = Array(pattern)
        let text = Array(text)
        var (p, t) = (0, 0)
        var star: Int?
        var resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                (p, t) = (p + 1, t + 1)
            } else if p < pattern.count, pattern[p] == "*" {
                (star, resume, p) = (p, t, p + 1)
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
