import BenchmarkSupport
import MMSB

/// Ticks of 4 KiB deltas, one per page, applied by 1 and by 2 workers: over 1,024 pages (4 MiB, within
/// the last-level cache here) and over 4,096 pages (16 MiB, bound by memory bandwidth).
func parallelApply() throws {
    for pageCount in [1_024, 4_096] {
        var results: [Int: (apply: Double, total: Double)] = [:]
        for workers in [1, 2] {
            let bus = StateBus(configuration: .init(applyWorkers: workers, parallelApplyMinimumBytes: 0))
            var pages: [PageID] = []
            for _ in 0..<pageCount { pages.append(try bus.createPage(size: 4_096)) }
            var batch = WriteBatch(capacity: pages.count, payloadCapacity: pages.count * 4_096)
            let bytes = [UInt8](repeating: 7, count: 4_096)
            for page in pages { batch.write(page: page, offset: 0, bytes: bytes) }
            var apply: [Double] = []
            var total: [Double] = []
            for _ in 0..<max(runs * 8, 40) {
                let metrics = try bus.tick(batch)
                apply.append(metrics.apply.microseconds)
                total.append(metrics.total.microseconds)
            }
            results[workers] = (median(apply), median(total))
        }
        let size = "\(pageCount * 4 / 1_024) MiB"
        report(
            "parallel apply, \(size) of 4 KiB deltas",
            "1 worker: apply \(format(results[1]!.apply, 0)) µs, tick \(format(results[1]!.total, 0)) µs; "
                + "2 workers: apply \(format(results[2]!.apply, 0)) µs, tick \(format(results[2]!.total, 0)) µs; "
                + "speed-up apply \(format(results[1]!.apply / results[2]!.apply, 2))×, tick \(format(results[1]!.total / results[2]!.total, 2))×")
    }
}
