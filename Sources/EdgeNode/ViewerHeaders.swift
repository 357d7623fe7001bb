import HTTPTypes
import Topology

/// The `CloudFront-Viewer-*` and `CloudFront-Is-*-Viewer` headers CloudFront adds after
/// viewer-request (spec §9), from the viewer location's place and the request's User-Agent.
/// Values a viewer sent under these names are replaced. A client the topology does not know
/// gets the device headers and its address only.
enum ViewerHeaders {
    static func adding(to fields: HTTPFields, viewer: ViewerSpec?, request: EdgeRequest) -> HTTPFields {
        var result = HTTPFields(
            fields.filter { !$0.name.canonicalName.hasPrefix("cloudfront-viewer-") && !$0.name.canonicalName.hasPrefix("cloudfront-is-") }
        )
        func set(_ name: String, _ value: String?) {
            guard let value, let field = HTTPField.Name(name) else { return }
            result[field] = percentEncoded(value)
        }
        // `ip:port`; an IPv6 address goes without brackets, as CloudFront sends it.
        set("CloudFront-Viewer-Address", "\(request.clientIP):\(request.clientPort ?? 0)")
        set("CloudFront-Forwarded-Proto", "http")
        set("CloudFront-Viewer-Http-Version", "1.1")
        if let location = viewer?.location {
            set("CloudFront-Viewer-Country", location.country)
            set("CloudFront-Viewer-Country-Name", location.countryName)
            set("CloudFront-Viewer-Country-Region", location.region)
            set("CloudFront-Viewer-Country-Region-Name", location.regionName)
            set("CloudFront-Viewer-City", location.city)
            set("CloudFront-Viewer-Postal-Code", location.postalCode)
            set("CloudFront-Viewer-Metro-Code", location.metroCode)
            set("CloudFront-Viewer-Time-Zone", location.timeZone)
            set("CloudFront-Viewer-Latitude", String(format4(location.coordinate.latitude)))
            set("CloudFront-Viewer-Longitude", String(format4(location.coordinate.longitude)))
            set("CloudFront-Viewer-ASN", location.asn.map(String.init))
        }
        let device = Device(userAgent: fields[.userAgent] ?? "")
        set("CloudFront-Is-Android-Viewer", "\(device.android)")
        set("CloudFront-Is-Desktop-Viewer", "\(device.desktop)")
        set("CloudFront-Is-IOS-Viewer", "\(device.ios)")
        set("CloudFront-Is-Mobile-Viewer", "\(device.mobile)")
        set("CloudFront-Is-SmartTV-Viewer", "\(device.smartTV)")
        set("CloudFront-Is-Tablet-Viewer", "\(device.tablet)")
        return result
    }

    /// Non-ASCII characters percent-encoded (RFC 3986), as CloudFront sends city names.
    static func percentEncoded(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if byte < 0x80 { out.unicodeScalars.append(Unicode.Scalar(byte)) } else { out += "%" + String(byte, radix: 16, uppercase: true) }
        }
        return out
    }

    private static func format4(_ value: Double) -> String {
        let scaled = (value * 10_000).rounded() / 10_000
        return "\(scaled)"
    }

    /// What a User-Agent says about the device, by the tokens CloudFront's detection keys on.
    struct Device {
        var android = false
        var ios = false
        var mobile = false
        var tablet = false
        var smartTV = false
        var desktop = false

        init(userAgent: String) {
            let ua = userAgent.lowercased()
            android = ua.contains("android")
            ios = ua.contains("iphone") || ua.contains("ipad") || ua.contains("ipod")
            tablet = ua.contains("ipad") || ua.contains("tablet") || (android && !ua.contains("mobile"))
            mobile = ua.contains("mobile") || ua.contains("iphone") || ua.contains("ipod") || (android && ua.contains("mobile"))
            smartTV =
                ua.contains("smart-tv") || ua.contains("smarttv") || ua.contains("googletv") || ua.contains("appletv") || ua.contains("hbbtv")
                || ua.contains("crkey") || ua.contains("tizen") || ua.contains("webos")
            desktop = !mobile && !tablet && !smartTV
        }
    }
}
