import Foundation

/// Eight edges on five continents behind three hubs, and twelve viewers around them: enough
/// for the nearest-edge answer to differ from viewer to viewer, small enough to start quickly.
/// The second distribution has every routing policy at once: PriceClass_200 (no GRU50, no
/// SYD50), routing by resolver (Lagos's resolver is in London, Tokyo's in California) and
/// a 25% anycast-like share.
enum GeoDNSTopology {
    static func make() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-dns-\(UUID().uuidString)")
        let yaml = """
            name: geodns
            hubs:
              us-east-1: { location: { lat: 38.9, lon: -77.4 } }
              eu-central-1: { location: { lat: 50.1, lon: 8.7 } }
              ap-southeast-1: { location: { lat: 1.35, lon: 103.8 } }
            edges:
              IAD50: { location: { lat: 38.95, lon: -77.45, country: US }, hub: us-east-1 }
              LAX50: { location: { lat: 33.94, lon: -118.4, country: US }, hub: us-east-1 }
              GRU50: { location: { lat: -23.4, lon: -46.5, country: BR }, hub: us-east-1 }
              FRA50: { location: { lat: 50.03, lon: 8.57, country: DE }, hub: eu-central-1 }
              LHR50: { location: { lat: 51.47, lon: -0.45, country: GB }, hub: eu-central-1 }
              JNB50: { location: { lat: -26.1, lon: 28.2, country: ZA }, hub: eu-central-1 }
              SIN50: { location: { lat: 1.36, lon: 103.99, country: SG }, hub: ap-southeast-1 }
              SYD50: { location: { lat: -33.9, lon: 151.2, country: AU }, hub: ap-southeast-1 }
            origins:
              site: { location: { lat: 38.9, lon: -77.4 }, static: site }
            viewers:
              new-york: { location: { lat: 40.7, lon: -74.0 } }
              chicago: { location: { lat: 41.9, lon: -87.6 } }
              seattle: { location: { lat: 47.6, lon: -122.3 } }
              bogota: { location: { lat: 4.7, lon: -74.1 } }
              madrid: { location: { lat: 40.4, lon: -3.7 } }
              stockholm: { location: { lat: 59.3, lon: 18.1 } }
              lagos: { location: { lat: 6.5, lon: 3.4 }, resolver: { lat: 51.5, lon: -0.1 } }
              cairo: { location: { lat: 30.0, lon: 31.2 } }
              mumbai: { location: { lat: 19.1, lon: 72.9 } }
              tokyo: { location: { lat: 35.7, lon: 139.7 }, resolver: { lat: 37.4, lon: -122.1 } }
              perth: { location: { lat: -31.9, lon: 115.9 } }
              auckland: { location: { lat: -36.8, lon: 174.8 } }
            distributions:
              E2GEODNS00001:
                origins: [site]
              E2GEODNS00002:
                origins: [site]
                price_class: PriceClass_200
                routing: { locate_by: resolver, second_nearest: 25% }
            """
        try folder.write(files: ["site/index.html": "<h1>geodns</h1>\n", "network.yaml": yaml])
        return folder.appendingPathComponent("network.yaml")
    }
}
