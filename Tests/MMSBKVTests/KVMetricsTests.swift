import Metrics
import MetricsTestKit
import MMSBKV
import Testing

/// Pool metrics through swift-metrics, read back from MetricsTestKit's `TestMetrics`.
@Suite struct KVMetricsTests {
    @Test func scriptedRunCountsEverything() throws {
        let metrics = TestMetrics()
        let pool = try BlockPool(BlockPoolConfiguration(blockCount: 4, pageSize: 16, tier: .device, metricsFactory: metrics))
        let dims = [("tier", "device")]
        #expect(try metrics.expectGauge("mmsb_kv_blocks_total", dims).lastValue == 4)

        let chain = try PoolFixture.registerChain(pool, [1, 2, 3])  // 3 allocated, 3 registered
        try pool.releaseBlocking(chain)
        let hits = pool.matchSequenceHashesBlocking(PoolFixture.hashes([1, 2, 7, 3]))  // 2 hits, 2 misses
        try pool.releaseBlocking(hits)
        _ = try pool.allocateBlocksBlocking(3)  // 1 fresh + 2 evicted

        #expect(try metrics.expectCounter("mmsb_kv_blocks_allocated", dims).totalValue == 6)
        #expect(try metrics.expectCounter("mmsb_kv_blocks_registered", dims).totalValue == 3)
        #expect(try metrics.expectCounter("mmsb_kv_blocks_evicted", dims).totalValue == 2)
        #expect(try metrics.expectCounter("mmsb_kv_cache_hit_blocks", dims).totalValue == 2)
        #expect(try metrics.expectCounter("mmsb_kv_cache_miss_blocks", dims).totalValue == 2)
        #expect(try metrics.expectCounter("mmsb_kv_cache_hit_tokens", dims).totalValue == 32)
        #expect(try metrics.expectCounter("mmsb_kv_cache_miss_tokens", dims).totalValue == 32)
        #expect(try metrics.expectGauge("mmsb_kv_blocks_available", dims).lastValue == 1)
        #expect(try metrics.expectTimer("mmsb_kv_allocate_duration", dims).values.count == 2)
        #expect(try metrics.expectTimer("mmsb_kv_register_duration", dims).values.count == 1)
        #expect(try metrics.expectTimer("mmsb_kv_match_duration", dims).values.count == 1)
    }

    @Test func resetCacheCountsEvictions() throws {
        let metrics = TestMetrics()
        let pool = try BlockPool(BlockPoolConfiguration(blockCount: 4, tier: .host, metricsFactory: metrics))
        try pool.releaseBlocking(try PoolFixture.registerChain(pool, [1, 2]))
        pool.resetCacheBlocking()
        #expect(try metrics.expectCounter("mmsb_kv_blocks_evicted", [("tier", "host")]).totalValue == 2)
        #expect(try metrics.expectGauge("mmsb_kv_blocks_available", [("tier", "host")]).lastValue == 4)
    }
}
