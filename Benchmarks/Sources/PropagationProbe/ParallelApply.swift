import MMSB

/// Ticks of 4 KiB deltas over 4,096 pages of 4 KiB (16 MiB per tick), applied by 1 and by 2 workers.
func parallelApply() throws {
    var results: [Int: (apply: Double, total: Double)] = [:]
    for workers in [1, 2] {
        let bus = StateBus(configuration: .init(applyWorkers: workers))
        var pages: [PageID] = []
        for _ in 0..<4_096 { pages.append(try bus.createPage(size: 4_096)) }
        var batch = WriteBatch(capacity: pages.count, payloadCapacity: pages.count * 4_096)
        let bytes = [UInt8](repeating: 7, count: 4_096)
        for page in pages { batch.write(page: page, offset: 0, bytes: bytes) }
        var apply: [Double] = []
        var total: [Double] = []
        for _ in 0..<max(runs * 4, 20) {
            let metrics = try bus.tick(batch)
            apply.append(metrics.apply.microseconds)
            total.append(metrics.total.microseconds)
        }
        results[workers] = (median(apply), median(total))
        report("parallel apply 16 MiB of 4 KiB deltas, \(workers) worker(s)", "apply \(format(median(apply), 0)) µs, tick \(format(median(total), 0)) µs")
    }
    report("parallel apply speed-up (2 workers / 1)", "apply \(format(results[1]!.apply / results[2]!.apply, 2))×, tick \(format(results[1]!.total / results[2]!.total, 2))×")
}
