import Foundation
import HTTPTypes
import Topology

/// The `CloudFront-Viewer-*` and `CloudFront-Is-*-Viewer` headers CloudFront adds after
/// viewer-request (spec §9), from the viewer location's place and the request's User-Agent.
/// Values a viewer sent under these names are replaced. A client the topology does not know
/// gets the device headers and its address only.
///
/// They are added to every request, hits included, so the work is done once where it can be: a
/// location's fields are made when the edge starts (``LocationFields``), and the device is read
/// from the User-Agent's bytes.
enum ViewerHeaders {
    /// The header names, made once.
    enum Name {
        static let address = HTTPField.Name("CloudFront-Viewer-Address")!
        static let forwardedProto = HTTPField.Name("CloudFront-Forwarded-Proto")!
        static let httpVersion = HTTPField.Name("CloudFront-Viewer-Http-Version")!
        static let android = HTTPField.Name("CloudFront-Is-Android-Viewer")!
        static let desktop = HTTPField.Name("CloudFront-Is-Desktop-Viewer")!
        static let ios = HTTPField.Name("CloudFront-Is-IOS-Viewer")!
        static let mobile = HTTPField.Name("CloudFront-Is-Mobile-Viewer")!
        static let smartTV = HTTPField.Name("CloudFront-Is-SmartTV-Viewer")!
        static let tablet = HTTPField.Name("CloudFront-Is-Tablet-Viewer")!
    }

    /// A viewer location's place as CloudFront's fields, percent-encoded, made once per location.
    struct LocationFields: Sendable {
        let fields: [HTTPField]

        init(_ location: Location) {
            let values: [(String, String?)] = [
                ("CloudFront-Viewer-Country", location.country),
                ("CloudFront-Viewer-Country-Name", location.countryName),
                ("CloudFront-Viewer-Country-Region", location.region),
                ("CloudFront-Viewer-Country-Region-Name", location.regionName),
                ("CloudFront-Viewer-City", location.city),
                ("CloudFront-Viewer-Postal-Code", location.postalCode),
                ("CloudFront-Viewer-Metro-Code", location.metroCode),
                ("CloudFront-Viewer-Time-Zone", location.timeZone),
                ("CloudFront-Viewer-Latitude", ViewerHeaders.format4(location.coordinate.latitude)),
                ("CloudFront-Viewer-Longitude", ViewerHeaders.format4(location.coordinate.longitude)),
                ("CloudFront-Viewer-ASN", location.asn.map(String.init)),
            ]
            fields = values.compactMap { name, value in
                guard let value, let name = HTTPField.Name(name) else { return nil }
                return HTTPField(name: name, value: ViewerHeaders.percentEncoded(value))
            }
        }
    }

    /// The request's fields with CloudFront's viewer fields in place of any the viewer sent.
    /// - Parameters:
    ///   - fields: The request's fields after viewer-request.
    ///   - location: The viewer location's fields, when the edge knows where the viewer is.
    ///   - request: The request, for the viewer's address.
    static func adding(to fields: HTTPFields, location: LocationFields?, request: EdgeRequest) -> HTTPFields {
        var result = HTTPFields()
        result.reserveCapacity(fields.count + 20)
        for field in fields where !isCloudFrontViewerField(field.name) { result.append(field) }
        // `ip:port`; an IPv6 address goes without brackets, as CloudFront sends it.
        result.append(HTTPField(name: Name.address, value: percentEncoded("\(request.clientIP):\(request.clientPort ?? 0)")))
        result.append(HTTPField(name: Name.forwardedProto, value: request.viewerProtocol.rawValue))
        result.append(HTTPField(name: Name.httpVersion, value: request.httpVersion))
        if let location { result.append(contentsOf: location.fields) }
        let device = Device(userAgent: fields[.userAgent] ?? "")
        let flags = [device.android, device.desktop, device.ios, device.mobile, device.smartTV, device.tablet]
        for (index, flag) in flags.enumerated() { result.append(flag ? DeviceFields.on[index] : DeviceFields.off[index]) }
        return result
    }

    /// The six device fields, each made once with `true` and once with `false`, in the order
    /// CloudFront sends them.
    private enum DeviceFields {
        static let names = [Name.android, Name.desktop, Name.ios, Name.mobile, Name.smartTV, Name.tablet]
        static let on = names.map { HTTPField(name: $0, value: "true") }
        static let off = names.map { HTTPField(name: $0, value: "false") }
    }

    /// Whether a field is one CloudFront sets itself (`CloudFront-Viewer-*`, `CloudFront-Is-*`):
    /// the canonical name's bytes compared in place, with no string made.
    private static func isCloudFrontViewerField(_ name: HTTPField.Name) -> Bool {
        let canonical = name.canonicalName.utf8
        guard canonical.count > 14, canonical.starts(with: "cloudfront-".utf8) else { return false }
        let rest = canonical.dropFirst(11)
        return rest.starts(with: "viewer-".utf8) || rest.starts(with: "is-".utf8)
    }

    /// Non-ASCII characters percent-encoded (RFC 3986), as CloudFront sends city names.
    static func percentEncoded(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 >= 0x80 }) else { return value }
        var out = ""
        for byte in value.utf8 {
            if byte < 0x80 { out.unicodeScalars.append(Unicode.Scalar(byte)) } else { out += "%" + String(byte, radix: 16, uppercase: true) }
        }
        return out
    }

    fileprivate static func format4(_ value: Double) -> String {
        let scaled = (value * 10_000).rounded() / 10_000
        return "\(scaled)"
    }

    /// What a User-Agent says about the device, by the tokens CloudFront's detection keys on.
    struct Device: Equatable {
        var android = false
        var ios = false
        var mobile = false
        var tablet = false
        var smartTV = false
        var desktop = false

        init(android: Bool = false, ios: Bool = false, mobile: Bool = false, tablet: Bool = false, smartTV: Bool = false, desktop: Bool = false) {
            (self.android, self.ios, self.mobile, self.tablet, self.smartTV, self.desktop) = (android, ios, mobile, tablet, smartTV, desktop)
        }

        /// Reads the tokens from the User-Agent's bytes, lower-cased once: on every request,
        /// this is an edge's hottest string work.
        init(userAgent: String) {
            var lowered = Array(userAgent.utf8)
            for index in lowered.indices where lowered[index] >= 0x41 && lowered[index] <= 0x5A { lowered[index] |= 0x20 }
            let bytes = lowered  // a constant: the scans below then need no exclusivity checks
            func has(_ token: StaticString) -> Bool { Self.contains(bytes, token) }
            android = has("android")
            let iphone = has("iphone")
            let ipad = has("ipad")
            let ipod = has("ipod")
            let mobileToken = has("mobile")
            ios = iphone || ipad || ipod
            tablet = ipad || has("tablet") || (android && !mobileToken)
            mobile = mobileToken || iphone || ipod
            smartTV =
                has("smart-tv") || has("smarttv") || has("googletv") || has("appletv") || has("hbbtv") || has("crkey") || has("tizen")
                || has("webos")
            desktop = !mobile && !tablet && !smartTV
        }

        /// Whether lower-cased bytes hold an ASCII token: a plain scan for its first byte, then
        /// a compare, with no string made.
        private static func contains(_ bytes: [UInt8], _ token: StaticString) -> Bool {
            let needle = UnsafeBufferPointer(start: token.utf8Start, count: token.utf8CodeUnitCount)
            guard let first = needle.first, bytes.count >= needle.count else { return false }
            return bytes.withUnsafeBufferPointer { haystack in
                var index = 0
                let last = haystack.count - needle.count
                while index <= last {
                    if haystack[index] == first, memcmp(haystack.baseAddress! + index, needle.baseAddress!, needle.count) == 0 { return true }
                    index += 1
                }
                return false
            }
        }
    }
}
