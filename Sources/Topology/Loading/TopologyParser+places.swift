import Foundation
import Yams

extension TopologyParser {
    static let locationFields = [
        "lat", "lon", "country", "country_name", "city", "region", "region_name", "time_zone", "postal_code", "metro_code", "asn",
    ]

    /// `latency:` — the latency model's parameters.
    func parseLatency(_ node: Node) throws {
        let allowed = ["fibre_km_per_s", "inflation", "inflation_per_1000km", "node_access", "viewer_access"]
        guard let fields = try reader.fields(node, what: "'latency'", allowed: allowed) else { return }
        if let speed = try fields.number("fibre_km_per_s", in: 100_000...299_792.458) { latency.fibreKilometresPerSecond = speed }
        if let inflation = try fields.number("inflation", in: 1...10) { latency.inflation = inflation }
        if let slope = try fields.number("inflation_per_1000km", in: 0...1) { latency.inflationPer1000Kilometres = slope }
        if let access = try fields.quantity("node_access", Quantity.duration) { latency.nodeAccess = access }
        if let access = try fields.quantity("viewer_access", Quantity.duration) { latency.viewerAccess = access }
    }

    /// `locations:` — named places that nodes and viewers refer to.
    func parseLocations(_ node: Node) throws {
        guard let entries = try reader.entries(node, what: "'locations'") else { return }
        for entry in entries {
            declaredLocations.insert(entry.key)
            guard entry.key.wholeMatch(of: IdentifierRules.name) != nil else {
                try reader.report(
                    .invalidValue,
                    "location name '\(entry.key)' is not valid: expected \(IdentifierRules.nameExpected)",
                    at: entry.keyNode
                )
                continue
            }
            if let location = try parseLocation(entry.value, name: entry.key) { locations[entry.key] = location }
        }
    }

    /// One place: coordinates and what CloudFront would derive from an address there.
    func parseLocation(_ node: Node, name: String) throws -> Location? {
        guard let fields = try reader.fields(node, what: "location '\(name)'", allowed: Self.locationFields) else { return nil }
        let latitude = try fields.number("lat", required: true, in: -90...90)
        let longitude = try fields.number("lon", required: true, in: -180...180)
        let country = try fields.string("country", matching: IdentifierRules.country, expected: IdentifierRules.countryExpected)
        let timeZone = try fields.string("time_zone")
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            try report(
                .invalidValue,
                "'time_zone' of location '\(name)' is '\(timeZone)', not an IANA time zone such as Asia/Tokyo",
                field: "time_zone",
                of: fields
            )
        }
        let location = Location(
            name: name,
            coordinate: GeoPoint(latitude: latitude ?? 0, longitude: longitude ?? 0),
            country: country,
            countryName: try fields.string("country_name"),
            city: try fields.string("city"),
            region: try fields.string("region"),
            regionName: try fields.string("region_name"),
            timeZone: timeZone,
            postalCode: try fields.string("postal_code"),
            metroCode: try fields.string("metro_code"),
            asn: try fields.integer("asn", in: 1...4_294_967_295),
            source: reader.location(node)
        )
        return latitude == nil || longitude == nil ? nil : location
    }

    /// A node's or viewer's `location:` (or a viewer's `resolver:`) — a named place, or a place
    /// written inline.
    func location(of fields: Fields, owner: String, key: String = "location", required: Bool = true) throws -> Location? {
        guard let node = required ? try fields.require(key) : fields[key] else { return nil }
        if case .mapping = node { return try parseLocation(node, name: owner) }
        guard let name = try reader.text(node, what: "'\(key)' of \(fields.what)") else { return nil }
        guard let location = locations[name] else {
            guard !declaredLocations.contains(name) else { return nil }  // declared but broken: already reported
            try reader.report(
                .unknownReference,
                "\(fields.what) names unknown location '\(name)'\(Suggestion.phrase(for: name, among: locations.keys.sorted()))",
                at: node
            )
            return nil
        }
        return location
    }

    /// A node's `host:` and `port:`.
    func listenAddress(of fields: Fields) throws -> ListenAddress {
        var address = ListenAddress()
        if let host = try fields.string("host", matching: IdentifierRules.host, expected: IdentifierRules.hostExpected) { address.host = host }
        if let port = try fields.integer("port", in: 0...65_535) { address.port = port }
        return address
    }

    /// Checks that an id has the shape its role requires.
    func checkID(_ id: String, at node: Node, role: String, rule: Regex<Substring>, expected: String) throws -> Bool {
        guard id.wholeMatch(of: rule) == nil else { return true }
        try reader.report(.invalidValue, "\(role) id '\(id)' is not valid: expected \(expected)", at: node)
        return false
    }

    /// `registry:` — where the function registry runs.
    func parseRegistry(_ node: Node) throws {
        guard let fields = try reader.fields(node, what: "the registry", allowed: ["location", "host", "port"]) else { return }
        let location = fields["location"] == nil ? RegistrySpec.defaultLocation : try self.location(of: fields, owner: RegistrySpec.id)
        registry = RegistrySpec(
            location: location ?? RegistrySpec.defaultLocation,
            listen: try listenAddress(of: fields),
            source: reader.location(node)
        )
    }

    /// One entry of `hubs:`.
    func parseHub(id: String, keyNode: Node, value: Node) throws -> HubSpec? {
        let validID = try checkID(id, at: keyNode, role: "hub", rule: IdentifierRules.hub, expected: IdentifierRules.hubExpected)
        guard let fields = try reader.fields(value, what: "hub '\(id)'", allowed: ["location", "host", "port"]),
            let location = try location(of: fields, owner: id), validID
        else { return nil }
        return HubSpec(id: id, location: location, listen: try listenAddress(of: fields), source: reader.location(keyNode))
    }

    /// One entry of `edges:`.
    func parseEdge(id: String, keyNode: Node, value: Node) throws -> EdgeSpec? {
        let validID = try checkID(id, at: keyNode, role: "edge", rule: IdentifierRules.edge, expected: IdentifierRules.edgeExpected)
        guard let fields = try reader.fields(value, what: "edge '\(id)'", allowed: ["location", "hub", "host", "port"]) else { return nil }
        let location = try location(of: fields, owner: id)
        let listen = try listenAddress(of: fields)
        guard let hub = try fields.string("hub", required: true), let hubNode = fields["hub"],
            try resolve(hub, role: "hub", at: hubNode, in: "edge '\(id)'"), let location, validID
        else { return nil }
        return EdgeSpec(id: id, location: location, hub: hub, listen: listen, source: reader.location(keyNode))
    }

    /// One entry of `origins:` — the built-in static origin (`static: folder`) or any HTTP server (`url:`).
    func parseOrigin(id: String, keyNode: Node, value: Node) throws -> OriginSpec? {
        let validID = try checkID(id, at: keyNode, role: "origin", rule: IdentifierRules.name, expected: IdentifierRules.nameExpected)
        let allowed = [
            "location", "static", "url", "cache_control", "host", "port", "protocol_policy", "http_port", "https_port", "ssl_protocols",
            "connection_attempts", "connection_timeout", "response_timeout", "origin_shield",
        ]
        guard let fields = try reader.fields(value, what: "origin '\(id)'", allowed: allowed) else { return nil }
        let location = try location(of: fields, owner: id)
        let listen = try listenAddress(of: fields)
        let cacheControl = try fields.string("cache_control")
        let kind: OriginSpec.Kind?
        switch (try fields.string("static"), try fields.string("url")) {
        case (let folder?, nil):
            kind = try staticFolder(folder, fields: fields)
        case (nil, let url?):
            kind = try originURL(url, fields: fields)
        case (.some, .some):
            try report(.invalidValue, "origin '\(id)' has both 'static' and 'url': an origin is one or the other", field: "url", of: fields)
            kind = nil
        case (nil, nil):
            if fields["static"] == nil, fields["url"] == nil {
                try reader.report(.missingField, "origin '\(id)' needs 'static' (a folder to serve) or 'url' (an HTTP server)", at: value)
            }
            kind = nil
        }
        let policy = try fields.choice("protocol_policy", OriginProtocolPolicy.self)
        // CloudFront's valid origin ports.
        let ports = try ["http_port", "https_port"].map { key -> Int? in
            guard let port = try fields.integer(key, in: 1...65535) else { return nil }
            if port != 80, port != 443, port < 1024 {
                try report(.outOfRange, "'\(key)' of origin '\(id)' is \(port): CloudFront allows 80, 443 or 1024–65535", field: key, of: fields)
            }
            return port
        }
        var sslProtocols: [OriginSSLProtocol] = [.tlsv1_2]
        if let listed = try fields.strings("ssl_protocols") {
            sslProtocols = []
            for (text, node) in listed {
                if let value = OriginSSLProtocol(rawValue: text) {
                    sslProtocols.append(value)
                } else {
                    let choices = OriginSSLProtocol.allCases.map(\.rawValue).joined(separator: ", ")
                    try reader.report(.invalidValue, "'\(text)' in 'ssl_protocols' of origin '\(id)' is not one of \(choices)", at: node)
                }
            }
            if listed.isEmpty, let node = fields["ssl_protocols"] {
                try reader.report(.missingField, "'ssl_protocols' of origin '\(id)' lists no protocol", at: node)
            }
        }
        let speaksHTTP = { if case .url(let url) = kind { !url.lowercased().hasPrefix("https:") } else { false } }()
        if policy == .httpOnly || (policy == nil && speaksHTTP), let node = fields["ssl_protocols"] {
            try reader.report(.invalidValue, "'ssl_protocols' of origin '\(id)' goes with HTTPS: its protocol_policy is http-only", at: node)
        }
        if case .staticFolder = kind, let key = ["protocol_policy", "http_port", "https_port", "ssl_protocols"].first(where: { fields[$0] != nil }) {
            try report(
                .invalidValue,
                "'\(key)' of origin '\(id)': the built-in origin is S3-style, spoken to in the viewer's protocol on its one port",
                field: key,
                of: fields
            )
        }
        let timeouts = try originTimeouts(fields)
        // CloudFront's OriginShield: a regional edge cache every other one fetches through.
        let shield = try fields.string("origin_shield")
        if let shield, !hubs.contains(where: { $0.id == shield }), let node = fields["origin_shield"] {
            try reader.report(
                .unknownReference,
                "origin '\(id)' names '\(shield)' as its origin_shield, which is not a hub\(Suggestion.phrase(for: shield, among: hubs.map(\.id)))",
                at: node
            )
        }
        guard let location, let kind, validID else { return nil }
        var origin = OriginSpec(
            id: id,
            location: location,
            kind: kind,
            cacheControl: cacheControl,
            protocolPolicy: policy,
            httpPort: ports[0],
            httpsPort: ports[1],
            sslProtocols: sslProtocols,
            listen: listen,
            timeouts: timeouts,
            source: reader.location(keyNode)
        )
        origin.originShield = shield
        return origin
    }

    /// `connection_attempts`, `connection_timeout` and `response_timeout`, in CloudFront's ranges.
    private func originTimeouts(_ fields: Fields) throws -> OriginTimeouts {
        var timeouts = OriginTimeouts()
        if let attempts = try fields.integer("connection_attempts", in: OriginTimeouts.attemptsRange) { timeouts.connectionAttempts = attempts }
        for (key, range) in [
            ("connection_timeout", OriginTimeouts.connectionTimeoutRange), ("response_timeout", OriginTimeouts.responseTimeoutRange),
        ] {
            guard let value = try fields.quantity(key, Quantity.duration) else { continue }
            guard range.contains(value) else {
                try report(
                    .outOfRange,
                    "'\(key)' of \(fields.what) is \((Double(value.nanoseconds) / 1e9).compact) s: CloudFront allows \(range.lowerBound.components.seconds)–\(range.upperBound.components.seconds) s",
                    field: key,
                    of: fields
                )
                continue
            }
            if key == "connection_timeout" { timeouts.connectionTimeout = value } else { timeouts.responseTimeout = value }
        }
        return timeouts
    }

    private func staticFolder(_ folder: String, fields: Fields) throws -> OriginSpec.Kind? {
        let path = absolutePath(folder)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            try report(.invalidValue, "'static' of \(fields.what): no folder at '\(folder)' (resolved to \(path))", field: "static", of: fields)
            return nil
        }
        return .staticFolder(path: path)
    }

    private func originURL(_ url: String, fields: Fields) throws -> OriginSpec.Kind? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = components.host, !host.isEmpty
        else {
            try report(
                .invalidValue,
                "'url' of \(fields.what) is '\(url)': expected an http:// or https:// URL with a host",
                field: "url",
                of: fields
            )
            return nil
        }
        return .url(url)
    }

    /// One entry of `viewers:`.
    func parseViewer(id: String, keyNode: Node, value: Node) throws -> ViewerSpec? {
        let validID = try checkID(id, at: keyNode, role: "viewer", rule: IdentifierRules.name, expected: IdentifierRules.nameExpected)
        let allowed = ["location", "access", "address", "resolver"]
        guard let fields = try reader.fields(value, what: "viewer '\(id)'", allowed: allowed) else { return nil }
        let location = try location(of: fields, owner: id)
        let resolver = try self.location(of: fields, owner: "\(id)-resolver", key: "resolver", required: false)
        let access = try fields.quantity("access", Quantity.duration)
        let address = try fields.string("address")
        if let address, !IdentifierRules.isIPv4(address), !address.contains(":") {
            try report(
                .invalidValue,
                "'address' of viewer '\(id)' is '\(address)': expected an IP address, e.g. 127.0.1.1",
                field: "address",
                of: fields
            )
        }
        guard let location, validID else { return nil }
        return ViewerSpec(
            id: id,
            location: location,
            access: access ?? latency.viewerAccess,
            address: address,
            resolver: resolver,
            source: reader.location(keyNode)
        )
    }

    /// Two nodes cannot listen on the same fixed port of the same host.
    func checkListenAddresses() throws {
        var taken: [ListenAddress: String] = [:]
        let nodes: [any NodeSpec] = [registry] + hubs + edges + origins
        for node in nodes where node.listen.port != 0 {
            if let other = taken[node.listen], let declaredAt = declared[node.id]?.node {
                try reader.report(
                    .duplicateID,
                    "\(node.role.rawValue) '\(node.id)' listens on \(node.listen), which \(other) already uses",
                    at: declaredAt
                )
            }
            taken[node.listen] = "\(node.role.rawValue) '\(node.id)'"
        }
    }

    /// Viewers are told apart by their source address, so no two may share one.
    func checkViewerAddresses() throws {
        var taken: [String: String] = [:]
        for viewer in viewers {
            guard let address = viewer.address else { continue }
            if let other = taken[address], let declaredAt = declared[viewer.id]?.node {
                try reader.report(.duplicateID, "viewer '\(viewer.id)' has address \(address), which viewer '\(other)' already has", at: declaredAt)
            }
            taken[address] = viewer.id
        }
    }
}
