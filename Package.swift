// swift-tools-version: 6.1
import PackageDescription

/// Every target is built in Swift 6 mode with the same strictness: no bare existentials and
/// no members reached through a module that the file did not import.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

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
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "Topology",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CDNCore",
            dependencies: ["Topology", .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "edgesim",
            dependencies: [
                "Topology",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TopologyTests", dependencies: ["Topology"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CDNCoreTests",
            dependencies: ["CDNCore", "Topology", .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EdgeSimTests", dependencies: ["edgesim", "Topology"], swiftSettings: swiftSettings),
    ]
)
