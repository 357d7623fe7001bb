/// A named place: where a node or a viewer is, with what CloudFront derives from a viewer's
/// address (the `CloudFront-Viewer-*` headers, spec §9).
public struct Location: Hashable, Sendable {
    /// The name the topology file gives the place (`tokyo`), or the owner's id for an inline location.
    public var name: String
    /// Where the place is.
    public var coordinate: GeoPoint
    /// ISO 3166-1 alpha-2 country code, upper case (`JP`).
    public var country: String?
    /// The country's name (`Japan`).
    public var countryName: String?
    /// The city (`Tokyo`).
    public var city: String?
    /// ISO 3166-2 first-level subdivision code, without the country prefix (`13`).
    public var region: String?
    /// The subdivision's name (`Tokyo`).
    public var regionName: String?
    /// IANA time zone name (`Asia/Tokyo`).
    public var timeZone: String?
    /// Postal code.
    public var postalCode: String?
    /// US metro (DMA) code.
    public var metroCode: String?
    /// The autonomous system number viewers here come from.
    public var asn: Int?
    /// Where the place is declared.
    public var source: SourceLocation?

    /// Creates a place; only the name and the coordinate are required.
    public init(
        name: String,
        coordinate: GeoPoint,
        country: String? = nil,
        countryName: String? = nil,
        city: String? = nil,
        region: String? = nil,
        regionName: String? = nil,
        timeZone: String? = nil,
        postalCode: String? = nil,
        metroCode: String? = nil,
        asn: Int? = nil,
        source: SourceLocation? = nil
    ) {
        self.name = name
        self.coordinate = coordinate
        self.country = country
        self.countryName = countryName
        self.city = city
        self.region = region
        self.regionName = regionName
        self.timeZone = timeZone
        self.postalCode = postalCode
        self.metroCode = metroCode
        self.asn = asn
        self.source = source
    }
}

extension Location {
    /// "Tokyo, JP", or the location's name when the file gives no city: for tables.
    public var label: String {
        [city ?? name, country].compactMap { $0 }.joined(separator: ", ")
    }
}
