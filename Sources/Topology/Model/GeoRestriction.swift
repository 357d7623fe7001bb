/// Which viewer countries a distribution serves (CloudFront's `Restrictions.GeoRestriction`):
/// every one, only those listed, or all but those listed. It applies to every behavior, before
/// any function runs; a viewer whose country is unknown is served, as at CloudFront.
public struct GeoRestriction: Hashable, Sendable {
    /// CloudFront's `RestrictionType`.
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        case none
        /// An allow list: only these countries.
        case whitelist
        /// A block list: all but these countries.
        case blacklist
    }

    public var kind: Kind
    /// ISO 3166-1 alpha-2 codes, upper case.
    public var countries: Set<String>

    public init(kind: Kind = .none, countries: Set<String> = []) {
        self.kind = kind
        self.countries = countries
    }

    /// Whether a viewer in a country is refused (`nil`: the country is unknown, so served).
    public func blocks(country: String?) -> Bool {
        guard let country else { return false }
        switch kind {
        case .none: return false
        case .whitelist: return !countries.contains(country)
        case .blacklist: return countries.contains(country)
        }
    }
}
