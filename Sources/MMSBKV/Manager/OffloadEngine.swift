import MMSB
import Metrics

/// Runs write-through offloads: one tier's newly registered blocks are copied into the next slower
/// tier (device → host → disk).
///
/// Requests queue under one lock; draining happens under another, one drainer at a time, so requests
/// are processed strictly in queue order. In `.background` mode the first request after an idle
/// period starts a detached task that drains; `drain()` called directly (by `waitForOffloads` or
/// `processOffloads`) processes whatever is queued on the caller's thread and returns when the queue
/// is empty, which is how callers await quiescence without sleeping.
final class OffloadEngine: Sendable {
    private let queue = Locked(OffloadQueue())
    /// Held while draining; owns the disk admission filter, which only the drainer touches.
    private let drainer: Locked<FrequencyFilter?>
    private let statistics = Locked(KvTransferStatistics())
    private let tiers: Locked<[KVTier: KVTierPool]> = Locked([:])
    private let mode: KvOffloadMode
    private let metrics: KVTransferMetrics?

    init(mode: KvOffloadMode, diskFilter: FrequencyFilter.Configuration?, metrics: KVTransferMetrics?) {
        self.mode = mode
        self.metrics = metrics
        drainer = Locked(diskFilter.map(FrequencyFilter.init))
    }

    func attach(_ pools: [KVTier: KVTierPool]) {
        tiers.withLock { $0 = pools }
    }

    var snapshot: KvTransferStatistics { statistics.withLock { $0 } }
    var pending: Int { queue.withLock { $0.count } }

    /// Queues offloads of blocks just registered in `tier` (a no-op for the slowest configured tier).
    func enqueue(from tier: KVTier, _ blocks: [RegisteredBlock]) {
        guard let lower = tier.lower, tiers.withLock({ $0[lower] != nil }) else { return }
        let startDrain = queue.withLock { queue in
            for block in blocks { queue.push(from: tier, block) }
            guard mode == .background, !queue.drainScheduled else { return false }
            queue.drainScheduled = true
            return true
        }
        if startDrain {
            Task.detached { [self] in drain() }
        }
    }

    /// Processes queued requests until the queue is empty (including requests that processing adds).
    func drain() {
        drainer.withLock { filter in
            while let request = queue.withLock({ queue -> OffloadQueue.Request? in
                let next = queue.pop()
                if next == nil { queue.drainScheduled = false }
                return next
            }) {
                process(request, filter: &filter)
            }
        }
    }

    private enum Outcome {
        case offloaded, skipped, dropped, filtered, failed
    }

    private func process(_ request: OffloadQueue.Request, filter: inout FrequencyFilter?) {
        let pools = tiers.withLock { $0 }
        guard let lowerTier = request.from.lower, let source = pools[request.from], let target = pools[lowerTier] else { return }
        let start = metrics == nil ? 0 : monotonicNanoseconds()
        let outcome = transfer(request.block, from: source, to: target, filter: &filter)
        record(outcome, request.from, lowerTier)
        if let metrics, outcome == .offloaded, let pair = metrics.pair(request.from, lowerTier) {
            pair.offloadDuration.recordNanoseconds(Int64(monotonicNanoseconds() &- start))
        }
    }

    private func transfer(_ block: RegisteredBlock, from source: KVTierPool, to target: KVTierPool, filter: inout FrequencyFilter?) -> Outcome {
        let hash = SequenceHash(block.sequenceHash)
        if target.pool.contains(hash) { return .skipped }
        if target.tier == .disk, filter != nil, !(filter?.admit(hash) ?? true) { return .filtered }
        // Pin the source so it cannot be evicted mid-copy; its recency is restored afterwards.
        guard let pin = source.pool.withPinned(hash) else { return .skipped }
        defer { source.pool.unpin(pin) }
        guard let destination = try? target.pool.allocateBlocksBlocking(1).first else { return .dropped }
        do {
            try BlockTransfer.copy(from: source.blocks, block: pin.slot, to: target.blocks, block: destination.blockID)
        } catch {
            // The destination's bytes are undefined: give the block back unregistered (spec §5 #14).
            try? target.pool.releaseBlocking([destination])
            return .failed
        }
        do {
            try target.pool.markComplete(destination, sequenceHash: hash, parent: block.parentHash.map(SequenceHash.init))
            try target.pool.setPriority(destination, block.priority)
            let registered = try target.pool.registerBlocksBlocking([destination])
            try target.pool.releaseBlocking(registered)
        } catch {
            try? target.pool.releaseBlocking([destination])
            return .failed
        }
        return .offloaded
    }

    private func record(_ outcome: Outcome, _ from: KVTier, _ to: KVTier) {
        let pair = KvTransferStatistics.Pair(from, to)
        statistics.withLock { stats in
            switch outcome {
            case .offloaded: stats.offloaded[pair, default: 0] += 1
            case .skipped: stats.skipped[pair, default: 0] += 1
            case .dropped: stats.dropped[pair, default: 0] += 1
            case .filtered: stats.filtered[pair, default: 0] += 1
            case .failed: stats.offloadFailed[pair, default: 0] += 1
            }
        }
        guard let counters = metrics?.pair(from, to) else { return }
        switch outcome {
        case .offloaded: counters.offloaded.increment()
        case .skipped: counters.skipped.increment()
        case .dropped: counters.dropped.increment()
        case .filtered: counters.filtered.increment()
        case .failed: counters.offloadFailed.increment()
        }
    }

    func recordOnboard(_ count: Int, from: KVTier, failed: Bool, nanoseconds: UInt64?) {
        let pair = KvTransferStatistics.Pair(from, .device)
        statistics.withLock { stats in
            if failed { stats.onboardFailed[pair, default: 0] += 1 } else { stats.onboarded[pair, default: 0] += count }
        }
        guard let counters = metrics?.pair(from, .device) else { return }
        if failed { counters.onboardFailed.increment() } else { counters.onboarded.increment(by: count) }
        if let nanoseconds { counters.onboardDuration.recordNanoseconds(Int64(nanoseconds)) }
    }
}
