// swift-tools-version: 6.1
import PackageDescription

/// Every target is built in Swift 6 mode with the same strictness: no bare existentials and
/// no members reached through a module that the file did not import.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let asyncHTTPClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdCore = Target.Dependency.product(name: "HummingbirdCore", package: "hummingbird")
let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")
let hummingbirdTLS = Target.Dependency.product(name: "HummingbirdTLS", package: "hummingbird")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioEmbedded = Target.Dependency.product(name: "NIOEmbedded", package: "swift-nio")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let nioHTTPTypes = Target.Dependency.product(name: "NIOHTTPTypes", package: "swift-nio-extras")
let nioHTTPTypesHTTP1 = Target.Dependency.product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras")
let nioExtras = Target.Dependency.product(name: "NIOExtras", package: "swift-nio-extras")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let unixSignals = Target.Dependency.product(name: "UnixSignals", package: "swift-service-lifecycle")
let subprocess = Target.Dependency.product(name: "Subprocess", package: "swift-subprocess")
let systemPackage = Target.Dependency.product(name: "SystemPackage", package: "swift-system")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let cryptoExtras = Target.Dependency.product(name: "_CryptoExtras", package: "swift-crypto")
let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
let nioTLS = Target.Dependency.product(name: "NIOTLS", package: "swift-nio")
let nioHTTP2 = Target.Dependency.product(name: "NIOHTTP2", package: "swift-nio-http2")
let x509 = Target.Dependency.product(name: "X509", package: "swift-certificates")
let swiftASN1 = Target.Dependency.product(name: "SwiftASN1", package: "swift-asn1")

let package = Package(
    name: "edgesim",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "edgesim", targets: ["edgesim"]),
        .library(name: "Topology", targets: ["Topology"]),
        .library(name: "CDNCore", targets: ["CDNCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/CoreOffice/XMLCoder", from: "0.18.2"),
    ],
    targets: [
        /// `edgesim import cloudfront`: CloudFront's DistributionConfig JSON as a topology.
        .target(
            name: "CloudFrontImport",
            dependencies: ["Topology", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Topology",
            dependencies: [.product(name: "Yams", package: "Yams"), crypto, x509, swiftASN1],
            swiftSettings: swiftSettings
        ),
        /// What several roles share: the cache, link shaping, CloudFront's headers, the upstream
        /// client, the admin surface, metrics and the state file.
        .target(
            name: "CDNCore",
            dependencies: [
                "Topology", asyncHTTPClient, httpTypes, hummingbird, hummingbirdCore, logging, nioCore, nioPosix, nioHTTP1,
                nioExtras, nioHTTPTypes, prometheus, serviceLifecycle, crypto, nioSSL, nioTLS, nioHTTP2, x509, swiftASN1, nioHTTPTypesHTTP1,
            ],
            swiftSettings: swiftSettings
        ),
        /// Lambda@Edge: the event model, result validation, and Node.js/Python worker pools.
        .target(
            name: "LambdaRuntime",
            dependencies: [
                "Topology", httpTypes, logging, nioCore, nioPosix, serviceLifecycle, subprocess, systemPackage,
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Function versions and config epochs on their way from the registry through the hubs
        /// to the edges: the model, the feed, the follower and a node's replica on disk.
        .target(
            name: "Replication",
            dependencies: [
                "Topology", "CDNCore", asyncHTTPClient, httpTypes, hummingbird, logging, nioCore, nioHTTP1, nioSSL, serviceLifecycle,
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The central function registry: durable, signed, numbered versions and config epochs.
        .target(
            name: "Registry",
            dependencies: [
                "Topology", "CDNCore", "Replication", "CloudFrontImport", "LambdaRuntime", httpTypes, hummingbird, hummingbirdTLS, logging, nioCore,
                nioHTTP1,
                serviceLifecycle, .product(name: "Crypto", package: "swift-crypto"), .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "XMLCoder", package: "XMLCoder"),
            ],
            swiftSettings: swiftSettings
        ),
        /// What edges and hubs are both built from: settings, links, cache, follower, listeners.
        .target(
            name: "CachingNode",
            dependencies: ["Topology", "CDNCore", "Replication", hummingbird, hummingbirdCore, logging, nioCore, nioSSL, serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EdgeNode",
            dependencies: [
                "Topology", "CDNCore", "CachingNode", "LambdaRuntime", "Replication", "SignedURLs", "CBrotli", httpTypes, hummingbird,
                hummingbirdCore,
                logging, nioCore, prometheus, serviceLifecycle, .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Debian's Brotli encoder (libbrotli-dev), for the edge's compression.
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlienc", providers: [.apt(["libbrotli-dev"])]),
        /// CloudFront's signed URLs and cookies: the policies, the keys, signing and checking.
        .target(name: "SignedURLs", dependencies: [crypto, cryptoExtras], swiftSettings: swiftSettings),
        .target(
            name: "RegionalHub",
            dependencies: [
                "Topology", "CDNCore", "CachingNode", "Replication", httpTypes, hummingbird, hummingbirdCore, logging, nioCore, prometheus,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StaticOrigin",
            dependencies: ["Topology", "CDNCore", httpTypes, hummingbird, hummingbirdCore, logging, nioCore, serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        /// GeoDNS: the DNS wire format and a UDP/TCP server that answers through a lookup.
        .target(name: "GeoDNS", dependencies: ["Topology", "CDNCore", logging, nioCore, nioPosix, serviceLifecycle], swiftSettings: swiftSettings),
        /// `edgesim measure`: load from viewer locations, latency histograms, the stage breakdown,
        /// and the HTML report.
        .target(
            name: "Measure",
            dependencies: ["Topology", "CDNCore", "GeoDNS", nioCore, nioHTTP1, .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Launcher",
            dependencies: ["Topology", "CDNCore", "LambdaRuntime", logging, nioCore, serviceLifecycle, subprocess, systemPackage, unixSignals],
            swiftSettings: swiftSettings
        ),
        /// The parsers that read untrusted input, as fuzzing entries (`scripts/fuzz`).
        .target(
            name: "FuzzTargets",
            dependencies: [
                "Topology", "CDNCore", "GeoDNS", "LambdaRuntime", "Replication", "SignedURLs", httpTypes, nioCore,
            ],
            swiftSettings: swiftSettings
        ),
        /// libFuzzer's driver of them (built with -sanitize=fuzzer -DFUZZING), or a replayer of files.
        .executableTarget(name: "edgesim-fuzz", dependencies: ["FuzzTargets"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "edgesim",
            dependencies: [
                "Topology", "CDNCore", "EdgeNode", "RegionalHub", "StaticOrigin", "Launcher", "LambdaRuntime", "Registry", "Replication", "Measure",
                "GeoDNS", "SignedURLs", "CloudFrontImport", argumentParser, logging, nioCore, nioHTTP1,
                serviceLifecycle, unixSignals,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SignedURLsTests", dependencies: ["SignedURLs", crypto, cryptoExtras], swiftSettings: swiftSettings),
        .testTarget(name: "TopologyTests", dependencies: ["Topology", crypto, x509, swiftASN1], swiftSettings: swiftSettings),
        /// The edge's request path in process: Hummingbird's test client, stub triggers, a stub hub.
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CloudFrontImportTests",
            dependencies: ["CloudFrontImport", "Topology"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EdgeNodeTests",
            dependencies: [
                "EdgeNode", "CDNCore", "Topology", "EdgesimTestSupport", httpTypes, hummingbird, hummingbirdTesting, logging, nioCore, nioPosix,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RegionalHubTests",
            dependencies: ["RegionalHub", "CDNCore", "Replication", "Topology", httpTypes, hummingbird, hummingbirdTesting],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CachingNodeTests",
            dependencies: [
                "CachingNode", "CDNCore", "Replication", "Topology", "EdgesimTestSupport", hummingbird, logging, nioCore, nioHTTP1, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StaticOriginTests",
            dependencies: ["StaticOrigin", "CDNCore", "Topology", "EdgesimTestSupport", httpTypes, logging, nioCore, serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MeasureTests", dependencies: ["Measure", "CDNCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ReplicationTests", dependencies: ["Replication", "Topology", nioCore], swiftSettings: swiftSettings),
        .testTarget(
            name: "LauncherTests",
            dependencies: ["Launcher", "CDNCore", "Topology", "EdgesimTestSupport", "edgesim"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "GeoDNSTests", dependencies: ["GeoDNS", "CDNCore", logging, nioCore, nioPosix], swiftSettings: swiftSettings),
        .testTarget(
            name: "RegistryTests",
            dependencies: ["Registry", "Replication", "Topology", "CDNCore", "EdgesimTestSupport", logging, serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", "Topology", "CDNCore", httpTypes], swiftSettings: swiftSettings),
        .testTarget(
            name: "CDNCoreTests",
            dependencies: [
                "CDNCore", "Topology", "EdgesimTestSupport", httpTypes, nioCore, nioPosix, nioEmbedded, nioHTTP1, logging, hummingbird,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        /// Runs the real executable for the suites that drive it as a user does.
        .target(
            name: "EdgesimTestSupport",
            dependencies: [logging, nioCore, nioPosix, serviceLifecycle],
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EdgeSimTests",
            dependencies: ["edgesim", "Topology", "CDNCore", "EdgesimTestSupport", argumentParser, nioCore],
            swiftSettings: swiftSettings
        ),
        /// Launches real topologies as processes and talks to them over TCP.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "edgesim", "Topology", "CDNCore", "Launcher", "Registry", "EdgesimTestSupport", nioCore, nioPosix, nioHTTP1, crypto, x509, swiftASN1,
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
