// swift-tools-version: 6.1
import PackageDescription

// Benchmarks for MMSB, kept in their own package so that the library itself does not depend on
// ordo-one/benchmark.
//
//   cd Benchmarks && swift package --disable-sandbox benchmark --target StateCoreBenchmarks
//   cd Benchmarks && swift run -c release RSSProbe
//   cd Benchmarks && swift run -c release StoreProbe
//   cd Benchmarks && swift run -c release PropagationProbe
//
// `traits: ["MallocInterposer"]` is required: benchmark 1.38.1's default traits include
// `RuntimeInterposer`, whose package (ordo-one/swift-runtime-interposer) is not in the mirror, so
// resolution fails without it. `traits:` needs tools 6.1 or later here.
let package = Package(
    name: "MMSBBenchmarks",
    dependencies: [
        // `name:` pins the identity: a path dependency is otherwise named after its folder (here "main").
        .package(name: "MMSB", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // ordo-one/benchmark finds benchmark executables by their location: Benchmarks/<Target>/.
        .executableTarget(
            name: "StateCoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MMSB", package: "MMSB"),
                "BenchmarkSupport",
            ],
            path: "Benchmarks/StateCoreBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // A plain one-shot probe of resident memory for 1M pages of 1 KiB, free of the harness (and of
        // the malloc interposer the Benchmark library links in).
        .executableTarget(
            name: "RSSProbe",
            dependencies: [
                .product(name: "MMSB", package: "MMSB"),
                "BenchmarkSupport",
            ],
            path: "Sources/RSSProbe"
        ),
        // Throughput of the durable store: logged writes per durability mode, group commit, replay.
        .executableTarget(
            name: "StoreProbe",
            dependencies: [
                .product(name: "MMSB", package: "MMSB"),
                "BenchmarkSupport",
            ],
            path: "Sources/StoreProbe"
        ),
        // Issue 4's numbers: phase-6 tick, one-hop propagation, graph checks, incremental semiring
        // propagation, parallel apply.
        .executableTarget(
            name: "PropagationProbe",
            dependencies: [
                .product(name: "MMSB", package: "MMSB"),
                "BenchmarkSupport",
            ],
            path: "Sources/PropagationProbe"
        ),
        // The KV block pool's hot path: allocate + register + release + match per block, 100,000 blocks.
        .executableTarget(
            name: "KVPoolProbe",
            dependencies: [.product(name: "MMSBKV", package: "MMSB"), "BenchmarkSupport"],
            path: "Sources/KVPoolProbe"
        ),
        // MMSBKV hashing (xxh3, sequence hashes), host↔host block copies vs memcpy, disk offload vs dd.
        .executableTarget(
            name: "KVProbe",
            dependencies: [.product(name: "MMSBKV", package: "MMSB"), .product(name: "MMSB", package: "MMSB"), "BenchmarkSupport"],
            path: "Sources/KVProbe"
        ),
        // What the probes share: resident memory, timing, medians.
        .target(name: "BenchmarkSupport", path: "Sources/BenchmarkSupport"),
    ],
    swiftLanguageModes: [.v6]
)
