// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for MMSB's parsers, kept in their own package so that the library's own build stays
// light. Build each target on its own (always pass --product; see README.md):
//
//   swift build -c release --sanitize=fuzzer --sanitize=address --product FuzzLog
//   SWIFT_BACKTRACE=enable=no .build/release/FuzzLog corpus/FuzzLog -max_total_time=60
//
// The seed generator is an ordinary executable, built without sanitizers:
//
//   swift run -c release FuzzSeeds corpus
let package = Package(
    name: "MMSBFuzz",
    dependencies: [
        // `name:` pins the identity: a path dependency is otherwise named after its folder (here "main").
        .package(name: "MMSB", path: "../"),
    ],
    targets: [
        // Record frames and bodies, whole segments, segment headers, manifest slots, and the replay of
        // records into a bus (fast path against decoded path); the first input byte picks which.
        .executableTarget(
            name: "FuzzLog",
            dependencies: [.product(name: "MMSB", package: "MMSB"), "FuzzSupport"],
            swiftSettings: fuzzSettings
        ),
        // The original system's MMSBLOG1 transaction log and MMSBSNAP checkpoint; the first byte picks which.
        .executableTarget(
            name: "FuzzLegacy",
            dependencies: [.product(name: "MMSB", package: "MMSB"), "FuzzSupport"],
            swiftSettings: fuzzSettings
        ),
        // Checkpoint files: decode, then load into a bus and compare (checksums optionally repaired).
        .executableTarget(
            name: "FuzzCheckpoint",
            dependencies: [.product(name: "MMSB", package: "MMSB"), "FuzzSupport"],
            swiftSettings: fuzzSettings
        ),
        // PageMetadata(blob:).
        .executableTarget(
            name: "FuzzMetadata",
            dependencies: [.product(name: "MMSB", package: "MMSB"), "FuzzSupport"],
            swiftSettings: fuzzSettings
        ),
        // libFuzzer's driver hand-over, shared by every fuzz target.
        .target(name: "FuzzSupport", swiftSettings: fuzzSettings),
        // Writes the seed corpora: a small real store's segment and manifest, plus the spec's golden bytes.
        .executableTarget(
            name: "FuzzSeeds",
            dependencies: [.product(name: "MMSB", package: "MMSB")],
            swiftSettings: fuzzSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

/// The settings the library's own targets use.
var fuzzSettings: [SwiftSetting] {
    [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
