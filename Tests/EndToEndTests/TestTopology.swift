import Foundation

/// The topologies the end-to-end suites launch, written to a scratch folder with their site.
enum TestTopology {
    /// A folder with `site/` (an index, a JSON file, a 64 KiB file) and `network.yaml`:
    /// the minimal topology's two Japanese edges behind one hub, plus
    /// - a viewer in Sydney whose only edges are in Japan (a long link to measure),
    /// - `/ttl/*`, whose objects live one second,
    /// - `/down/*`, served by a URL origin (by default on a closed port).
    static func make(customOrigin: String = "http://127.0.0.1:1") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-topology-\(UUID().uuidString)")
        let site = folder.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site.appendingPathComponent("ttl"), withIntermediateDirectories: true)
        try Data("<h1>home</h1>\n".utf8).write(to: site.appendingPathComponent("index.html"))
        try Data("{\"ok\":true}\n".utf8).write(to: site.appendingPathComponent("api.json"))
        try Data("short-lived\n".utf8).write(to: site.appendingPathComponent("ttl/object.txt"))
        try Data(repeating: UInt8(ascii: "x"), count: 65_536).write(to: site.appendingPathComponent("large.bin"))
        for index in 0..<8 { try Data("object \(index)\n".utf8).write(to: site.appendingPathComponent("object-\(index).txt")) }
        let yaml = """
            name: e2e
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
              osaka: { lat: 34.6937, lon: 135.5023, country: JP, city: Osaka }
              sydney: { lat: -33.8688, lon: 151.2093, country: AU, city: Sydney }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
              KIX50: { location: osaka, hub: ap-northeast-1 }
            origins:
              site: { location: tokyo, static: site, cache_control: "public, max-age=60" }
              down: { location: tokyo, url: "\(customOrigin)" }
            viewers:
              tokyo-home: { location: tokyo, access: 8 ms }
              osaka-office: { location: osaka, access: 4 ms }
              sydney-home: { location: sydney, access: 10 ms }
            distributions:
              E2ETEST000001:
                domain: d1e2etest0001.cloudfront.net
                origins: [site, down]
                behaviors:
                  - path: /ttl/*
                    origin: site
                    ttl: { min: 0 s, default: 1 s, max: 1 s }
                  - path: /down/*
                    origin: down
                  - path: "*"
                    origin: site
            """
        let file = folder.appendingPathComponent("network.yaml")
        try Data(yaml.utf8).write(to: file)
        return file
    }
}
