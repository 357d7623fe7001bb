import HTTPTypes

/// Checks `request.origin` as an origin-request function left it (spec §2): exactly one of
/// `custom` and `s3`, each field in range.
enum OriginValidator {
    /// Whether a function handed the origin back as it got it: only changes are checked (the
    /// topology's own origin may be one no function could set, such as a loopback address).
    static func isUnchanged(_ value: JSONValue, from original: EventOrigin?) -> Bool {
        guard let original, let expected = JSONValue(parsing: CloudFrontEvent.json(of: original)) else { return false }
        return value == expected
    }

    static func origin(_ value: JSONValue) throws(ValidationFailure) -> EventOrigin {
        guard let object = value.object, object.count == 1 else {
            throw ValidationFailure("request.origin must hold exactly one of 'custom' and 's3'.")
        }
        if let custom = object["custom"]?.object { return .custom(try self.custom(custom)) }
        if let s3 = object["s3"]?.object { return .s3(try self.s3(s3)) }
        throw ValidationFailure("request.origin must hold exactly one of 'custom' and 's3'.")
    }

    static func custom(_ object: [String: JSONValue]) throws(ValidationFailure) -> CustomOrigin {
        guard let domain = object["domainName"]?.string, !domain.isEmpty, domain.count <= 253, !domain.contains(":") else {
            throw ValidationFailure("request.origin.custom.domainName must be a host name of 1–253 characters without a colon.")
        }
        if domain.split(separator: ".").count == 4, domain.split(separator: ".").allSatisfy({ UInt8($0) != nil }) {
            throw ValidationFailure("request.origin.custom.domainName may not be an IP address.")
        }
        let port = try wholeNumber(object["port"], or: 80, at: "request.origin.custom.port")
        guard port == 80 || port == 443 || (1024...65535).contains(port) else {
            throw ValidationFailure("request.origin.custom.port must be 80, 443 or 1024–65535, not \(port).")
        }
        let scheme = object["protocol"]?.string ?? "http"
        guard scheme == "http" || scheme == "https" else { throw ValidationFailure("request.origin.custom.protocol must be 'http' or 'https'.") }
        let path = object["path"]?.string ?? ""
        guard path.isEmpty || (path.hasPrefix("/") && !path.hasSuffix("/") && path.count <= 255) else {
            throw ValidationFailure("request.origin.custom.path must be empty or start with '/', not end with '/', and be at most 255 characters.")
        }
        let readTimeout = try wholeNumber(object["readTimeout"], or: 30, at: "request.origin.custom.readTimeout")
        guard (4...60).contains(readTimeout) else { throw ValidationFailure("request.origin.custom.readTimeout must be 4–60 seconds.") }
        let keepalive = try wholeNumber(object["keepaliveTimeout"], or: 5, at: "request.origin.custom.keepaliveTimeout")
        guard (1...60).contains(keepalive) else { throw ValidationFailure("request.origin.custom.keepaliveTimeout must be 1–60 seconds.") }
        let custom = try object["customHeaders"].map { value throws(ValidationFailure) in
            try ResultValidator.headers(value, at: "request.origin.custom.customHeaders")
        }
        return CustomOrigin(
            domainName: domain,
            port: port,
            protocol: scheme,
            path: path,
            sslProtocols: object["sslProtocols"]?.array?.compactMap(\.string) ?? ["TLSv1.2"],
            readTimeout: readTimeout,
            keepaliveTimeout: keepalive,
            customHeaders: custom ?? [:]
        )
    }

    static func s3(_ object: [String: JSONValue]) throws(ValidationFailure) -> S3Origin {
        guard let domain = object["domainName"]?.string, !domain.isEmpty, domain.count <= 128, domain == domain.lowercased() else {
            throw ValidationFailure("request.origin.s3.domainName must be a lowercase bucket endpoint of at most 128 characters.")
        }
        let authMethod = object["authMethod"]?.string ?? "none"
        guard authMethod == "none" || authMethod == "origin-access-identity" else {
            throw ValidationFailure("request.origin.s3.authMethod must be 'origin-access-identity' or 'none'.")
        }
        let region = object["region"]?.string ?? ""
        if authMethod == "origin-access-identity", region.isEmpty {
            throw ValidationFailure("request.origin.s3.region is required with origin-access-identity.")
        }
        let custom = try object["customHeaders"].map { value throws(ValidationFailure) in
            try ResultValidator.headers(value, at: "request.origin.s3.customHeaders")
        }
        return S3Origin(
            domainName: domain,
            region: region,
            authMethod: authMethod,
            path: object["path"]?.string ?? "",
            customHeaders: custom ?? [:]
        )
    }

    /// A whole number member, or its default when absent.
    private static func wholeNumber(_ value: JSONValue?, or absent: Int, at path: String) throws(ValidationFailure) -> Int {
        guard let value else { return absent }
        guard let number = value.integer else {
            throw ValidationFailure("\(path) must be a whole number, not \(value.number.map { "\($0)" } ?? value.kind).")
        }
        return number
    }
}
