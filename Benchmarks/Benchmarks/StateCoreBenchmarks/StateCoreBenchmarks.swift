// Benchmarks of MMSB's state core: the delta write paths of `StateBus`, page creation, diff updates,
// and resident memory per page.
//
// Run from the Benchmarks package:
//
//     swift package --disable-sandbox benchmark --target StateCoreBenchmarks
//
// # How to read the numbers
//
// The workloads follow the original's stress shape: 4,096 pages written round robin. Setup (creating
// pages, building batches, deltas and payloads) happens in each benchmark's `setup:` hook, so it runs
// once before warm-up and is never measured.
//
// ordo-one/benchmark only scales by powers of ten (`scalingFactor` `.one`, `.kilo`, `.mega`, …), so a
// 4,096-delta batch cannot be made "one scaled iteration". Two kinds of benchmark result:
//
// * **Single-operation benchmarks** ("Single …", "4 KiB full-page write (single)", "Create+delete …",
//   "Diff-update …") use `scalingFactor: .kilo` and do 1,000 operations per iteration
//   (`benchmark.scaledIterations`). Their `Throughput (# / s) *` column is operations (deltas) per
//   second, and `Time (wall clock) *` and `Malloc (total) *` are per operation.
// * **Batch benchmarks** ("Batch apply …", "4 KiB full-page batch …") apply one whole batch per
//   iteration with `scalingFactor: .one`. Their `Throughput` column is *batches* per second and
//   `Time (wall clock)` is per batch: deltas/s = batches/s × deltas per batch (4,096, or 64 for the
//   4 KiB batch), and ns/delta = wall clock ÷ deltas per batch. `Malloc (total)` is per batch.
//
// To make the delta rate explicit, every delta benchmark also reports the custom metric **deltas/s**,
// measured per iteration with its own monotonic clock around the measured calls only (so it excludes
// the harness's per-iteration bookkeeping, which the `Throughput` column includes). Benchmarks that move
// many bytes also report **bytes/s**: for 4 KiB writes, bytes/s = deltas/s × 4,096 (divide by 1e9 for
// GB/s); for the mixed 1…64-byte batch, bytes/s = deltas/s × 32.5 (the mean write size).

import Benchmark
import BenchmarkSupport
import MMSB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Shape and metrics

/// Pages written round robin by the stress workloads.
let stressPages = 4_096

enum Custom {
    /// Deltas applied per second, from the benchmark's own clock around the measured calls only.
    static let deltasPerSecond = BenchmarkMetric.custom("deltas/s", polarity: .prefersLarger, useScalingFactor: false)
    /// Payload bytes written per second, from the same clock.
    static let bytesPerSecond = BenchmarkMetric.custom("bytes/s", polarity: .prefersLarger, useScalingFactor: false)
    /// Growth of the resident set (from /proc/self/statm) across the workload.
    static let rssDelta = BenchmarkMetric.custom("RSS delta (bytes)", polarity: .prefersSmaller, useScalingFactor: false)
    /// RSS delta divided by pages created.
    static let rssPerPage = BenchmarkMetric.custom("RSS bytes/page", polarity: .prefersSmaller, useScalingFactor: false)
}

let baseMetrics: [BenchmarkMetric] = [.throughput, .wallClock, .mallocCountTotal]
let deltaMetrics = baseMetrics + [Custom.deltasPerSecond]
let byteMetrics = deltaMetrics + [Custom.bytesPerSecond]

// MARK: - Helpers

/// Monotonic nanoseconds (vDSO `clock_gettime`, about 20 ns).
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

/// Runs `body` as the measured region and records `deltas/s` (and `bytes/s` when `bytes` is given) for it.
///
/// - Parameters:
///   - deltas: Deltas `body` applies.
///   - bytes: Payload bytes `body` writes, or `nil` to record no `bytes/s`.
@inline(__always)
func measured(_ benchmark: Benchmark, deltas: Int, bytes: Int? = nil, _ body: () throws -> Void) rethrows {
    benchmark.startMeasurement()
    let start = monotonicNanoseconds()
    try body()
    let elapsed = monotonicNanoseconds() &- start
    benchmark.stopMeasurement()
    guard elapsed > 0 else { return }
    let seconds = Double(elapsed) / 1e9
    benchmark.measurement(Custom.deltasPerSecond, Int((Double(deltas) / seconds).rounded()))
    if let bytes { benchmark.measurement(Custom.bytesPerSecond, Int((Double(bytes) / seconds).rounded())) }
}

/// A bus with `count` zero-filled pages of `size` bytes, and their ids in creation order.
func makeBus(pages count: Int, size: Int) throws -> (StateBus, [PageID]) {
    let bus = StateBus()
    var ids: [PageID] = []
    ids.reserveCapacity(count)
    for _ in 0..<count { ids.append(try bus.createPage(size: size)) }
    return (bus, ids)
}

/// Deterministic bytes from the library's seeded generator, so that runs are comparable.
extension SplitMix64 {
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

/// `count` deterministic bytes from `seed`.
func randomBytes(seed: UInt64, count: Int) -> [UInt8] {
    var random = SplitMix64(seed: seed)
    return random.bytes(count)
}

/// One write of a stress batch: which page-list entry, where, how many bytes.
struct WriteShape {
    var page: Int
    var offset: Int
    var length: Int
}

/// 1-byte writes, one per page round robin, at offsets that vary over the 64-byte page.
func oneByteShapes(pages: Int) -> [WriteShape] {
    (0..<pages).map { WriteShape(page: $0, offset: ($0 &* 7) % 64, length: 1) }
}

/// 64-byte writes covering each 64-byte page.
func fullSixtyFourShapes(pages: Int) -> [WriteShape] {
    (0..<pages).map { WriteShape(page: $0, offset: 0, length: 64) }
}

/// Writes of 1, 2, …, 64, 1, 2, … bytes, one per page round robin, at offsets that vary but stay inside.
func mixedShapes(pages: Int) -> [WriteShape] {
    (0..<pages).map { index in
        let length = index % 64 + 1
        return WriteShape(page: index, offset: (index &* 7) % (64 - length + 1), length: length)
    }
}

/// A prebuilt batch of `shapes`, with varying payload bytes.
func makeBatch(_ shapes: [WriteShape], ids: [PageID]) -> WriteBatch {
    var random = SplitMix64(seed: 1)
    var batch = WriteBatch(capacity: shapes.count, payloadCapacity: shapes.reduce(0) { $0 + $1.length })
    for shape in shapes {
        batch.write(page: ids[shape.page], offset: shape.offset, bytes: random.bytes(shape.length))
    }
    return batch
}

/// Prebuilt deltas for `shapes`, all at epoch 1.
///
/// A delta is valid while its epoch is not older than its page's, and applying it sets the page's epoch
/// to the delta's. The `[Delta]` benchmarks use a bus of their own that nothing else writes, so after
/// the first application every page sits at epoch 1 and the same array stays valid for every
/// iteration: nothing needs rebuilding inside (or outside) the measured region.
func makeDeltas(_ shapes: [WriteShape], ids: [PageID]) throws -> [Delta] {
    var random = SplitMix64(seed: 2)
    return try shapes.map { shape in
        try Delta(page: ids[shape.page], epoch: Epoch(1), offset: shape.offset, bytes: random.bytes(shape.length))
    }
}

// MARK: - Setup states

struct BatchState: Sendable {
    let bus: StateBus
    let batch: WriteBatch
    let bytes: Int
}

struct DeltaBatchState: Sendable {
    let bus: StateBus
    let deltas: [Delta]
    let bytes: Int
}

struct SingleWriteState: Sendable {
    let bus: StateBus
    let ids: [PageID]
    let bytes: [UInt8]
    let offsetSpan: Int
}

struct SingleDeltaState: Sendable {
    let bus: StateBus
    let deltas: [Delta]
}

struct PageBatchesState: Sendable {
    let bus: StateBus
    let batches: [WriteBatch]
}

struct DiffState: Sendable {
    let bus: StateBus
    let page: PageID
    let versions: [[UInt8]]
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: baseMetrics,
        warmupIterations: 20,
        scalingFactor: .one,
        maxDuration: .milliseconds(2_500),
        maxIterations: 1_000_000
    )

    // 1–2. WriteBatch of 4,096 writes, one per 64-byte page. One iteration = one batch = 4,096 deltas.

    func batchBenchmark(_ name: String, _ shapes: @escaping @Sendable (Int) -> [WriteShape], reportBytes: Bool) {
        Benchmark(name, configuration: .init(metrics: reportBytes ? byteMetrics : deltaMetrics)) { benchmark, state in
            measured(benchmark, deltas: state.batch.count, bytes: reportBytes ? state.bytes : nil) {
                blackHole(try! state.bus.apply(state.batch))
            }
        } setup: { () throws -> BatchState in
            let (bus, ids) = try makeBus(pages: stressPages, size: 64)
            let batch = makeBatch(shapes(stressPages), ids: ids)
            return BatchState(bus: bus, batch: batch, bytes: batch.byteCount)
        }
    }
    batchBenchmark("Batch apply 1-byte (WriteBatch)", oneByteShapes, reportBytes: false)
    batchBenchmark("Batch apply 64-byte (WriteBatch)", fullSixtyFourShapes, reportBytes: true)
    batchBenchmark("Batch apply 1-64-byte mixed (WriteBatch)", mixedShapes, reportBytes: true)

    // 3. The same batches as prebuilt [Delta] (validated and applied all or nothing). One iteration = 4,096 deltas.

    func deltaBatchBenchmark(_ name: String, _ shapes: @escaping @Sendable (Int) -> [WriteShape], reportBytes: Bool) {
        Benchmark(name, configuration: .init(metrics: reportBytes ? byteMetrics : deltaMetrics)) { benchmark, state in
            measured(benchmark, deltas: state.deltas.count, bytes: reportBytes ? state.bytes : nil) {
                blackHole(try! state.bus.apply(state.deltas))
            }
        } setup: { () throws -> DeltaBatchState in
            let (bus, ids) = try makeBus(pages: stressPages, size: 64)
            let deltas = try makeDeltas(shapes(stressPages), ids: ids)
            // Apply twice: the second application proves that re-applying at an equal epoch is accepted,
            // so a stale-epoch mistake would fail here rather than in the measured loop.
            try bus.apply(deltas)
            try bus.apply(deltas)
            return DeltaBatchState(bus: bus, deltas: deltas, bytes: deltas.reduce(0) { $0 + $1.byteCount })
        }
    }
    deltaBatchBenchmark("Batch apply 1-byte ([Delta])", oneByteShapes, reportBytes: false)
    deltaBatchBenchmark("Batch apply 64-byte ([Delta])", fullSixtyFourShapes, reportBytes: true)

    // 4. Single writes, round robin over 4,096 pages of 64 bytes. One iteration = 1,000 writes (.kilo).

    func singleWriteState(length: Int) throws -> SingleWriteState {
        let (bus, ids) = try makeBus(pages: stressPages, size: 64)
        return SingleWriteState(bus: bus, ids: ids, bytes: randomBytes(seed: 3, count: length), offsetSpan: 64 - length + 1)
    }

    let singleConfiguration = Benchmark.Configuration(metrics: deltaMetrics, scalingFactor: .kilo)

    /// The page and offset of write `index` of iteration `iteration`: round robin over the pages,
    /// continuing across iterations, with offsets that vary.
    @inline(__always)
    func target(_ iteration: Int, _ index: Int, _ state: SingleWriteState) -> (PageID, Int) {
        let n = iteration &* 1_000 &+ index
        return (state.ids[n & (stressPages - 1)], (n &* 7) % state.offsetSpan)
    }

    for length in [1, 64] {
        Benchmark("Single write \(length)-byte", configuration: singleConfiguration) { benchmark, state in
            let iteration = benchmark.currentIteration
            measured(benchmark, deltas: benchmark.scaledIterations.count) {
                for index in benchmark.scaledIterations {
                    let (page, offset) = target(iteration, index, state)
                    blackHole(try! state.bus.write(page: page, offset: offset, bytes: state.bytes))
                }
            }
        } setup: { () throws -> SingleWriteState in try singleWriteState(length: length) }

        Benchmark("Single write \(length)-byte (raw buffer)", configuration: singleConfiguration) { benchmark, state in
            let iteration = benchmark.currentIteration
            state.bytes.withUnsafeBytes { bytes in
                measured(benchmark, deltas: benchmark.scaledIterations.count) {
                    for index in benchmark.scaledIterations {
                        let (page, offset) = target(iteration, index, state)
                        blackHole(try! state.bus.write(page: page, offset: offset, bytes: bytes))
                    }
                }
            }
        } setup: { () throws -> SingleWriteState in try singleWriteState(length: length) }
    }

    // 5. Single apply(Delta), 64 bytes, round robin over 4,096 prebuilt deltas (epoch 1, see makeDeltas).

    Benchmark("Single apply(Delta) 64-byte", configuration: singleConfiguration) { benchmark, state in
        let first = benchmark.currentIteration &* 1_000
        measured(benchmark, deltas: benchmark.scaledIterations.count) {
            for index in benchmark.scaledIterations {
                blackHole(try! state.bus.apply(state.deltas[(first &+ index) & (stressPages - 1)]))
            }
        }
    } setup: { () throws -> SingleDeltaState in
        let (bus, ids) = try makeBus(pages: stressPages, size: 64)
        let deltas = try makeDeltas(fullSixtyFourShapes(pages: stressPages), ids: ids)
        try bus.apply(deltas)
        return SingleDeltaState(bus: bus, deltas: deltas)
    }

    // 6. Full 4 KiB pages: 4,096 pages (16 MiB) written round robin. GB/s = deltas/s × 4,096 / 1e9.

    Benchmark(
        "4 KiB full-page write (single)", configuration: .init(metrics: byteMetrics, scalingFactor: .kilo)
    ) { benchmark, state in
        let first = benchmark.currentIteration &* 1_000
        state.bytes.withUnsafeBytes { bytes in
            measured(benchmark, deltas: benchmark.scaledIterations.count, bytes: benchmark.scaledIterations.count * 4_096) {
                for index in benchmark.scaledIterations {
                    blackHole(try! state.bus.write(page: state.ids[(first &+ index) & (stressPages - 1)], offset: 0, bytes: bytes))
                }
            }
        }
    } setup: { () throws -> SingleWriteState in
        let (bus, ids) = try makeBus(pages: stressPages, size: 4_096)
        return SingleWriteState(bus: bus, ids: ids, bytes: randomBytes(seed: 4, count: 4_096), offsetSpan: 1)
    }

    // One iteration = one WriteBatch of 64 full-page writes (256 KiB); 64 prebuilt batches cover the
    // 4,096 pages round robin, so sources (16 MiB of batch payloads) and destinations both stream.
    Benchmark("4 KiB full-page batch (WriteBatch of 64 writes)", configuration: .init(metrics: byteMetrics)) { benchmark, state in
        let batch = state.batches[benchmark.currentIteration & (state.batches.count - 1)]
        measured(benchmark, deltas: batch.count, bytes: batch.byteCount) {
            blackHole(try! state.bus.apply(batch))
        }
    } setup: { () throws -> PageBatchesState in
        let (bus, ids) = try makeBus(pages: stressPages, size: 4_096)
        let payload = randomBytes(seed: 5, count: 4_096)
        let batches = stride(from: 0, to: stressPages, by: 64).map { start in
            var batch = WriteBatch(capacity: 64, payloadCapacity: 64 * 4_096)
            for page in ids[start..<(start + 64)] { batch.write(page: page, offset: 0, bytes: payload) }
            return batch
        }
        return PageBatchesState(bus: bus, batches: batches)
    }

    // 7. Create and delete a 1 KiB page. One iteration = 1,000 create+delete pairs (.kilo).

    Benchmark("Create+delete 1 KiB page", configuration: .init(metrics: baseMetrics, scalingFactor: .kilo)) { benchmark, bus in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let page = try! bus.createPage(size: 1_024)
            try! bus.deletePage(page)
        }
        benchmark.stopMeasurement()
    } setup: { () -> StateBus in StateBus() }

    // 8. Diff update of one 4 KiB page, alternating between two versions that differ in ~5% of their
    // bytes (205 positions, scattered), so every update writes a multi-run delta. One iteration = 1,000
    // updates (.kilo); 1,000 is even, so every iteration starts from version 0.

    Benchmark("Diff-update 4 KiB page", configuration: .init(metrics: deltaMetrics, scalingFactor: .kilo)) { benchmark, state in
        measured(benchmark, deltas: benchmark.scaledIterations.count) {
            for index in benchmark.scaledIterations {
                blackHole(try! state.bus.update(page: state.page, to: state.versions[(index & 1) ^ 1]))
            }
        }
    } setup: { () throws -> DiffState in
        var random = SplitMix64(seed: 6)
        let base = random.bytes(4_096)
        var changed = base
        var positions = Set<Int>()
        while positions.count < 4_096 * 5 / 100 { positions.insert(Int(random.next() % 4_096)) }
        for position in positions { changed[position] ^= UInt8(truncatingIfNeeded: random.next() | 1) }
        let bus = StateBus()
        let page = try bus.createPage(size: 4_096)
        try bus.write(page: page, offset: 0, bytes: base)
        guard try bus.update(page: page, to: changed) != nil, try bus.update(page: page, to: base) != nil else {
            fatalError("diff-update versions do not differ")
        }
        return DiffState(bus: bus, page: page, versions: [base, changed])
    }

    // 9. Resident memory of 1,000,000 pages of 1 KiB, every byte written. One iteration, measured once.
    // Custom metrics: RSS delta (bytes) and RSS bytes/page (the ideal is 1,024).

    Benchmark(
        "Resident memory 1M pages of 1 KiB",
        configuration: .init(
            metrics: baseMetrics + [.peakMemoryResident, Custom.rssDelta, Custom.rssPerPage],
            warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 1)
    ) { benchmark in
        let pages = 1_000_000
        let payload = randomBytes(seed: 7, count: 1_024)
        benchmark.startMeasurement()
        let before = residentBytes()
        let bus = StateBus()
        payload.withUnsafeBytes { bytes in
            for _ in 0..<pages {
                let page = try! bus.createPage(size: 1_024)
                try! bus.write(page: page, offset: 0, bytes: bytes)
            }
        }
        let after = residentBytes()
        benchmark.stopMeasurement()
        blackHole(bus.pageCount)
        benchmark.measurement(Custom.rssDelta, after - before)
        benchmark.measurement(Custom.rssPerPage, (after - before) / pages)
    }

    // 10. CRC32C (Castagnoli), the log's record checksum. "CRC32C 1 MiB" checksums one 1 MiB buffer per
    // iteration: bytes/s ÷ 1e9 = GB/s. "CRC32C 100 B record" checksums a 100-byte record 1,000 times per
    // iteration (.kilo): wall clock is ns per record. Both report bytes/s from their own clock around
    // the checksum calls only.

    do {
        let crcMetrics: [BenchmarkMetric] = [.throughput, .wallClock, Custom.bytesPerSecond]

        /// Runs `body` as the measured region and records `bytes/s` for `bytes` checksummed bytes.
        @inline(__always)
        func measuredBytes(_ benchmark: Benchmark, bytes: Int, _ body: () -> Void) {
            benchmark.startMeasurement()
            let start = monotonicNanoseconds()
            body()
            let elapsed = monotonicNanoseconds() &- start
            benchmark.stopMeasurement()
            guard elapsed > 0 else { return }
            benchmark.measurement(Custom.bytesPerSecond, Int((Double(bytes) * 1e9 / Double(elapsed)).rounded()))
        }

        Benchmark("CRC32C 1 MiB", configuration: .init(metrics: crcMetrics)) { benchmark, bytes in
            bytes.withUnsafeBytes { buffer in
                measuredBytes(benchmark, bytes: buffer.count) { blackHole(CRC32C.checksum(buffer)) }
            }
        } setup: { () -> [UInt8] in randomBytes(seed: 8, count: 1 << 20) }

        Benchmark("CRC32C 100 B record", configuration: .init(metrics: crcMetrics, scalingFactor: .kilo)) { benchmark, bytes in
            bytes.withUnsafeBytes { buffer in
                measuredBytes(benchmark, bytes: buffer.count * benchmark.scaledIterations.count) {
                    for _ in benchmark.scaledIterations { blackHole(CRC32C.checksum(buffer)) }
                }
            }
        } setup: { () -> [UInt8] in randomBytes(seed: 9, count: 100) }
    }
}
