import Metrics

/// The swift-metrics instruments of one pool, made once when the pool is built.
///
/// Names (each with a `tier` dimension): counters `mmsb_kv_blocks_allocated`, `mmsb_kv_blocks_registered`,
/// `mmsb_kv_blocks_evicted`, `mmsb_kv_cache_hit_blocks`, `mmsb_kv_cache_miss_blocks`,
/// `mmsb_kv_cache_hit_tokens`, `mmsb_kv_cache_miss_tokens`; gauges `mmsb_kv_blocks_total`,
/// `mmsb_kv_blocks_available`; timers `mmsb_kv_allocate_duration`, `mmsb_kv_register_duration`,
/// `mmsb_kv_match_duration` (nanoseconds per call). Hits and misses are exported both ways so a hit
/// rate can be computed in blocks or in tokens (Dynamo#4840: without the denominator it cannot).
final class KVPoolMetrics: Sendable {
    let allocated: Counter
    let registered: Counter
    let evicted: Counter
    let hitBlocks: Counter
    let missBlocks: Counter
    let hitTokens: Counter
    let missTokens: Counter
    let totalBlocks: Gauge
    let availableBlocks: Gauge
    let allocateDuration: Metrics.Timer
    let registerDuration: Metrics.Timer
    let matchDuration: Metrics.Timer

    init(tier: KVTier, factory: any MetricsFactory) {
        let dimensions = [("tier", tier.rawValue)]
        allocated = Counter(label: "mmsb_kv_blocks_allocated", dimensions: dimensions, factory: factory)
        registered = Counter(label: "mmsb_kv_blocks_registered", dimensions: dimensions, factory: factory)
        evicted = Counter(label: "mmsb_kv_blocks_evicted", dimensions: dimensions, factory: factory)
        hitBlocks = Counter(label: "mmsb_kv_cache_hit_blocks", dimensions: dimensions, factory: factory)
        missBlocks = Counter(label: "mmsb_kv_cache_miss_blocks", dimensions: dimensions, factory: factory)
        hitTokens = Counter(label: "mmsb_kv_cache_hit_tokens", dimensions: dimensions, factory: factory)
        missTokens = Counter(label: "mmsb_kv_cache_miss_tokens", dimensions: dimensions, factory: factory)
        totalBlocks = Gauge(label: "mmsb_kv_blocks_total", dimensions: dimensions, factory: factory)
        availableBlocks = Gauge(label: "mmsb_kv_blocks_available", dimensions: dimensions, factory: factory)
        allocateDuration = Metrics.Timer(label: "mmsb_kv_allocate_duration", dimensions: dimensions, factory: factory)
        registerDuration = Metrics.Timer(label: "mmsb_kv_register_duration", dimensions: dimensions, factory: factory)
        matchDuration = Metrics.Timer(label: "mmsb_kv_match_duration", dimensions: dimensions, factory: factory)
    }
}
