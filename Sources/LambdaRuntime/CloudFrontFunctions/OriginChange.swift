/// What a 2.0 viewer-request function asked of the `cloudfront` module's origin helpers
/// (cloudfront-functions-spec.md §3), checked: the edge sends this request to another origin.
/// The last helper called wins, as each replaces the request's origin.
public enum OriginChange: Hashable, Sendable {
    /// `cf.updateRequestOrigin(params)`: fields left out keep the chosen origin's.
    case update(OriginUpdate)
    /// `cf.selectRequestOriginById(id)`: another origin of the distribution, all its settings.
    case select(originID: String)
    /// `cf.createRequestOriginGroup({originIds, failoverCriteria})`: two of the distribution's
    /// origins, the first the primary, failing over on the given statuses.
    case group(primary: String, secondary: String, failoverStatuses: [Int])

    /// The AWS error text for any bad value, and the detail after it.
    public static func invalid(_ detail: String) -> ValidationFailure {
        ValidationFailure("The CloudFront function returned an invalid value for origin rewrite. (\(detail))")
    }

    /// Reads what the worker recorded.
    /// - Throws: ``ValidationFailure`` with CloudFront's 502 text and what was wrong.
    static func parse(_ value: JSONValue) throws(ValidationFailure) -> OriginChange {
        guard let asked = value.object else { throw invalid("nothing was asked") }
        if let select = asked["select"]?.string {
            guard !select.isEmpty else { throw invalid("selectRequestOriginById needs an origin id") }
            return .select(originID: select)
        }
        if let group = asked["group"]?.object {
            let ids = (group["originIds"]?.array ?? []).compactMap { $0.string ?? $0.object?["originId"]?.string }
            guard ids.count == 2 else { throw invalid("createRequestOriginGroup takes exactly two originIds") }
            let statuses = (group["failoverCriteria"]?.object?["statusCodes"]?.array ?? []).compactMap(\.integer)
            guard !statuses.isEmpty else { throw invalid("createRequestOriginGroup needs failoverCriteria.statusCodes") }
            return .group(primary: ids[0], secondary: ids[1], failoverStatuses: statuses)
        }
        guard let params = asked["update"]?.object else { throw invalid("updateRequestOrigin needs an object of parameters") }
        return .update(try OriginUpdate(params))
    }
}

/// `cf.updateRequestOrigin`'s parameters that change where the request goes, checked against
/// AWS's bounds. Timeouts, Origin Shield, origin access control and certificate names are
/// accepted and not modelled.
public struct OriginUpdate: Hashable, Sendable {
    /// The origin's host name (≤ 253 characters, no `:`, not an IP address).
    public var domainName: String?
    /// A path prefix (starts with `/`, no trailing `/`, ≤ 255 characters).
    public var originPath: String?
    /// `customOriginConfig.protocol`: `http` or `https`.
    public var scheme: String?
    /// `customOriginConfig.port`.
    public var port: Int?
    /// `customHeaders`, a flat map with lower-case names; `[:]` clears them.
    public var customHeaders: [String: String]?

    init(_ params: [String: JSONValue]) throws(ValidationFailure) {
        if let domain = params["domainName"] {
            guard let name = domain.string, !name.isEmpty, name.count <= 253, !name.contains(":"), !Self.isIPAddress(name) else {
                throw OriginChange.invalid("domainName must be a host name of at most 253 characters, not an IP address")
            }
            domainName = name
        }
        if let path = params["originPath"] {
            guard let text = path.string, text.hasPrefix("/"), !text.hasSuffix("/") || text == "/", text.count <= 255 else {
                throw OriginChange.invalid("originPath must start with / and not end with one")
            }
            originPath = text == "/" ? "" : text
        }
        if let config = params["customOriginConfig"]?.object {
            if let value = config["protocol"] {
                guard let text = value.string, text == "http" || text == "https" else {
                    throw OriginChange.invalid("customOriginConfig.protocol must be http or https")
                }
                scheme = text
            }
            if let value = config["port"] {
                guard let number = value.integer, (1...65_535).contains(number) else {
                    throw OriginChange.invalid("customOriginConfig.port must be a port")
                }
                port = number
            }
        }
        if let headers = params["customHeaders"] {
            guard let map = headers.object else { throw OriginChange.invalid("customHeaders must be a flat map of names to values") }
            var flat: [String: String] = [:]
            for (name, value) in map {
                guard name == name.lowercased(), !name.isEmpty, let text = value.string else {
                    throw OriginChange.invalid("customHeaders must map lower-case names to strings ('\(name)')")
                }
                guard !HeaderRules.isDisallowed(name), !FunctionResultValidator.isDisallowed(name) else {
                    throw OriginChange.invalid("customHeaders may not set '\(name)'")
                }
                flat[name] = text
            }
            customHeaders = flat
        }
        if let attempts = params["connectionAttempts"], !(1...3).contains(attempts.integer ?? 0) {
            throw OriginChange.invalid("connectionAttempts must be 1 to 3")
        }
    }

    private static func isIPAddress(_ name: String) -> Bool {
        name.split(separator: ".").count == 4 && name.split(separator: ".").allSatisfy { UInt8($0) != nil }
    }
}
