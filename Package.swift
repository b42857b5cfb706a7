// swift-tools-version: 6.1
import PackageDescription

/// Settings every target shares: Swift 6 language mode and the upcoming features the house style asks for.
let sharedSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "MMSB",
    products: [
        .library(name: "MMSB", targets: ["MMSB"]),
        .library(name: "MMSBKV", targets: ["MMSBKV"]),
        .executable(name: "mmsb", targets: ["mmsb"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        // `swift package generate-documentation` for the DocC catalogs; a plugin, so nothing is linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(name: "CMMSBChecksum"),
        .target(
            name: "MMSB",
            dependencies: ["CMMSBChecksum"],
            swiftSettings: sharedSwiftSettings
        ),
        .target(
            name: "MMSBKV",
            dependencies: [
                "MMSB",
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .executableTarget(
            name: "mmsb",
            dependencies: [
                "MMSB",
                "MMSBKV",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        // The crash-consistency harness (a file-system recorder and a generator of the states a power
        // loss can leave), shared by the test targets; not a product.
        .target(
            name: "CrashStateSupport",
            dependencies: ["MMSB"],
            path: "Tests/CrashStateSupport",
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "MMSBTests",
            dependencies: [
                "MMSB",
                "CrashStateSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "MMSBKVTests",
            dependencies: [
                "MMSBKV",
                "CrashStateSupport",
                "MMSB",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        // The crash-recovery tests' writer: a child process they kill at random moments. Built with the
        // tests, not a product.
        .executableTarget(
            name: "CrashWriter",
            dependencies: [
                "MMSB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/CrashWriter",
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "mmsbTests",
            dependencies: [
                "mmsb",
                "CrashWriter",
                "MMSB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
