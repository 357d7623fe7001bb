import Yams

extension TopologyParser {
    /// `geo_restriction: {restriction_type, locations}` — CloudFront's `GeoRestriction`: `none`
    /// without locations, `whitelist` or `blacklist` with at least one ISO 3166-1 alpha-2 code.
    func parseGeoRestriction(_ fields: Fields) throws -> GeoRestriction {
        guard let node = fields["geo_restriction"],
            let geo = try reader.fields(node, what: "'geo_restriction' of \(fields.what)", allowed: ["restriction_type", "locations"])
        else { return .init() }
        guard geo.values["restriction_type"] != nil else {
            try reader.report(
                .missingField,
                "'geo_restriction' of \(fields.what) needs a 'restriction_type' (none, whitelist or blacklist)",
                at: node
            )
            return .init()
        }
        guard let kind = try geo.choice("restriction_type", GeoRestriction.Kind.self) else { return .init() }
        let listed = try geo.strings("locations") ?? []
        var countries: Set<String> = []
        for (code, node) in listed {
            guard code.wholeMatch(of: IdentifierRules.country) != nil else {
                let hint =
                    code.count == 2 && code.uppercased().wholeMatch(of: IdentifierRules.country) != nil
                    ? "; did you mean '\(code.uppercased())'?" : ""
                try reader.report(.invalidValue, "'\(code)' in 'locations' of \(geo.what) is not \(IdentifierRules.countryExpected)\(hint)", at: node)
                continue
            }
            countries.insert(code)
        }
        if kind == .none, !listed.isEmpty {
            try reader.report(
                .invalidValue,
                "\(geo.what) has restriction_type none and locations: CloudFront wants none without locations",
                at: geo.values["locations"]!
            )
        } else if kind != .none, listed.isEmpty {
            try reader.report(
                .missingField,
                "\(geo.what) is a \(kind.rawValue) with no 'locations': list at least one country (ISO 3166-1 alpha-2)",
                at: geo.values["locations"] ?? geo.node
            )
        }
        return GeoRestriction(kind: kind, countries: countries)
    }
}
