import BenchmarkSupport
import Foundation
import MMSB

/// The original's phase-6 tick: 64 pages of 4 KiB, a chain of 63 data edges with passthrough rules,
/// 20,000 deltas of 128 bytes per tick, logged with durability `none`.
func phaseSixTick() throws {
    for workers in [1, 2] {
        let path = freshDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = StoreOptions(durability: .none, checkpointEveryLogBytes: nil, checkpointOnClose: false)
        options.bus = StateBus.Configuration(applyWorkers: workers, parallelApplyMinimumBytes: 0)
        let bus = try StateBus.open(at: path, options: options)
        var pages: [PageID] = []
        for _ in 0..<64 { pages.append(try bus.createPage(size: 4_096)) }
        for index in 1..<64 {
            try bus.addEdge(from: pages[index - 1], to: pages[index], type: .data)
            try bus.setRule(.passthrough(), for: pages[index])
        }
        var random = SplitMix64(seed: 6)
        func batch() -> WriteBatch {
            var batch = WriteBatch(capacity: 20_000, payloadCapacity: 20_000 * 128)
            var bytes = [UInt8](repeating: 0, count: 128)
            for _ in 0..<20_000 {
                for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: random.next()) }
                let page = pages[Int(random.next() % 64)]
                batch.write(page: page, offset: Int(random.next() % 32) * 128, bytes: bytes)
            }
            return batch
        }
        let batches = (0..<max(20, runs * 4)).map { _ in batch() }
        var metrics: [TickMetrics] = []
        for batch in batches { metrics.append(try bus.tick(batch)) }
        try bus.close()
        let totals = metrics.map(\.total.microseconds)
        let propagated = metrics.map(\.propagatedDeltas).sorted()[metrics.count / 2]
        report(
            "phase-6 tick, \(workers) worker(s)",
            "\(format(median(totals) / 1000, 3)) ms median total (validation \(format(median(metrics.map(\.validation.microseconds)))) µs, "
                + "apply \(format(median(metrics.map(\.apply.microseconds)))) µs, propagation \(format(median(metrics.map(\.propagation.microseconds)))) µs, "
                + "logging \(format(median(metrics.map(\.logging.microseconds)))) µs; \(propagated) propagated deltas)")
    }
}
