import HTTPTypes
import NIOCore
import Testing
import Topology

@testable import EdgeNode

/// CloudFront's viewer headers, from the viewer location's place and the User-Agent.
@Suite struct ViewerHeadersTests {
    static let zurich = Location(
        name: "zurich",
        coordinate: GeoPoint(latitude: 47.376_89, longitude: 8.541_69),
        country: "CH",
        countryName: "Switzerland",
        city: "Zürich",
        region: "ZH",
        regionName: "Zürich",
        timeZone: "Europe/Zurich",
        postalCode: "8001",
        asn: 3303
    )

    static func request(userAgent: String?, extra: HTTPFields = [:]) -> EdgeRequest {
        var headers = extra
        if let userAgent { headers[.userAgent] = userAgent }
        return EdgeRequest(
            method: .get,
            uri: "/",
            querystring: "",
            headers: headers,
            body: ByteBuffer(),
            clientIP: "127.0.1.7",
            requestID: "id",
            viewer: nil,
            origin: "site",
            clientPort: 40_000
        )
    }

    static func value(_ fields: HTTPFields, _ name: String) -> String? { fields[HTTPField.Name(name)!] }

    @Test func aViewerLocationsPlaceIsSentPercentEncoded() {
        let request = Self.request(userAgent: "curl/8.5.0")
        let viewer = ViewerSpec(id: "zurich-home", location: Self.zurich, access: .milliseconds(2))
        let fields = ViewerHeaders.adding(to: request.headers, location: ViewerHeaders.LocationFields(viewer.location), request: request)
        #expect(Self.value(fields, "CloudFront-Viewer-Address") == "127.0.1.7:40000")
        #expect(Self.value(fields, "CloudFront-Viewer-Country") == "CH")
        #expect(Self.value(fields, "CloudFront-Viewer-Country-Name") == "Switzerland")
        #expect(Self.value(fields, "CloudFront-Viewer-City") == "Z%C3%BCrich")
        #expect(Self.value(fields, "CloudFront-Viewer-Country-Region-Name") == "Z%C3%BCrich")
        #expect(Self.value(fields, "CloudFront-Viewer-Latitude") == "47.3769" && Self.value(fields, "CloudFront-Viewer-Longitude") == "8.5417")
        #expect(Self.value(fields, "CloudFront-Viewer-Time-Zone") == "Europe/Zurich" && Self.value(fields, "CloudFront-Viewer-ASN") == "3303")
        #expect(Self.value(fields, "CloudFront-Viewer-Postal-Code") == "8001" && Self.value(fields, "CloudFront-Viewer-Metro-Code") == nil)
        #expect(Self.value(fields, "CloudFront-Is-Desktop-Viewer") == "true" && Self.value(fields, "CloudFront-Forwarded-Proto") == "http")
    }

    @Test func anUnknownClientGetsItsAddressAndDeviceOnlyAndSentValuesAreReplaced() {
        let request = Self.request(
            userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148",
            extra: [HTTPField.Name("CloudFront-Viewer-Country")!: "XX", HTTPField.Name("CloudFront-Is-Desktop-Viewer")!: "true"]
        )
        let fields = ViewerHeaders.adding(to: request.headers, location: nil, request: request)
        #expect(Self.value(fields, "CloudFront-Viewer-Country") == nil)
        #expect(Self.value(fields, "CloudFront-Is-Desktop-Viewer") == "false")
        #expect(Self.value(fields, "CloudFront-Is-IOS-Viewer") == "true" && Self.value(fields, "CloudFront-Is-Mobile-Viewer") == "true")
        #expect(fields[.userAgent]?.hasPrefix("Mozilla/5.0 (iPhone") == true)
    }

    @Test func devicesAreToldApartByTheirTokens() {
        typealias Device = ViewerHeaders.Device
        let cases: [(String, Device)] = [
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36", Device(android: true, mobile: true)),
            ("Mozilla/5.0 (Linux; Android 13; SM-X700) Safari/537.36", Device(android: true, tablet: true)),
            ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)", Device(ios: true, tablet: true)),
            ("Mozilla/5.0 (iPod touch; CPU iPhone OS 12_0)", Device(ios: true, mobile: true)),
            ("Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0)", Device(smartTV: true)),
            ("Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 CrKey/1.56", Device(smartTV: true)),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0", Device(desktop: true)),
            ("", Device(desktop: true)),
            ("ANDROID TABLET", Device(android: true, tablet: true)),
        ]
        for (userAgent, expected) in cases {
            #expect(Device(userAgent: userAgent) == expected, "\(userAgent)")
        }
    }
}
