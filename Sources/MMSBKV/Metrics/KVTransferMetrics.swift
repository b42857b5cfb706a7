import Metrics

/// The swift-metrics instruments of transfers between tiers, one set per (from, to) pair.
///
/// Counters, with dimensions `from` and `to`: `mmsb_kv_offload_blocks` (copied down),
/// `mmsb_kv_offload_skipped` (the lower tier already had the hash, or the source was evicted first),
/// `mmsb_kv_offload_dropped` (the lower tier had no block to give), `mmsb_kv_offload_filtered`
/// (refused by the disk admission filter), `mmsb_kv_offload_failed` (the copy failed),
/// `mmsb_kv_onboard_blocks` (copied up to the device), `mmsb_kv_onboard_failed`; timers
/// `mmsb_kv_offload_duration` (per block) and `mmsb_kv_onboard_duration` (per call).
final class KVTransferMetrics: Sendable {
    struct Pair: Sendable {
        let offloaded: Counter
        let skipped: Counter
        let dropped: Counter
        let filtered: Counter
        let offloadFailed: Counter
        let onboarded: Counter
        let onboardFailed: Counter
        let offloadDuration: Metrics.Timer
        let onboardDuration: Metrics.Timer
    }

    private let pairs: [Int: Pair]

    init(factory: any MetricsFactory) {
        var pairs: [Int: Pair] = [:]
        for from in KVTier.allCases {
            for to in KVTier.allCases where from != to {
                let dims = [("from", from.rawValue), ("to", to.rawValue)]
                func counter(_ label: String) -> Counter { Counter(label: label, dimensions: dims, factory: factory) }
                func timer(_ label: String) -> Metrics.Timer { Metrics.Timer(label: label, dimensions: dims, factory: factory) }
                pairs[Self.key(from, to)] = Pair(
                    offloaded: counter("mmsb_kv_offload_blocks"), skipped: counter("mmsb_kv_offload_skipped"),
                    dropped: counter("mmsb_kv_offload_dropped"), filtered: counter("mmsb_kv_offload_filtered"),
                    offloadFailed: counter("mmsb_kv_offload_failed"), onboarded: counter("mmsb_kv_onboard_blocks"),
                    onboardFailed: counter("mmsb_kv_onboard_failed"),
                    offloadDuration: timer("mmsb_kv_offload_duration"), onboardDuration: timer("mmsb_kv_onboard_duration")
                )
            }
        }
        self.pairs = pairs
    }

    private static func key(_ from: KVTier, _ to: KVTier) -> Int {
        (KVTier.allCases.firstIndex(of: from) ?? 0) * 4 + (KVTier.allCases.firstIndex(of: to) ?? 0)
    }

    func pair(_ from: KVTier, _ to: KVTier) -> Pair? { pairs[Self.key(from, to)] }
}
