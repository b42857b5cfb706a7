import MMSB
import Metrics

/// Runs write-through offloads: one tier's newly registered blocks are copied into the next slower
/// tier (device → host → disk).
///
/// Requests queue under one lock; draining happens under another, one drainer at a time, so requests
/// are processed strictly in queue order. In `.background` mode the first request after an idle
/// period starts a detached task that drains; `drain()` called directly (by `waitForOffloads`,
/// `processOffloads`, or an allocation that would otherwise evict a block whose offload is pending)
/// processes whatever is queued on the caller's thread and returns when the queue is empty, which is
/// how callers await quiescence without sleeping.
///
/// Every processed request, whatever its outcome, resolves its source block's pending mark (see
/// `OffloadHooks`), so that block may be evicted afterwards. When the drainer itself needs a block
/// of a tier whose evictable blocks all wait for their own offload (host → disk), it processes
/// those requests first, out of order, rather than lose them.
final class OffloadEngine: Sendable {
    private let queue = Locked(OffloadQueue())
    /// Held while draining; owns the disk admission filter, which only the drainer touches.
    private let drainer: Locked<FrequencyFilter?>
    private let statistics = Locked(KVTransferStatistics())
    private let tiers: Locked<[KVTier: KVTierPool]> = Locked([:])
    private let mode: KVOffloadMode
    private let metrics: KVTransferMetrics?

    init(mode: KVOffloadMode, diskFilter: FrequencyFilter.Configuration?, metrics: KVTransferMetrics?) {
        self.mode = mode
        self.metrics = metrics
        drainer = Locked(diskFilter.map(FrequencyFilter.init))
    }

    func attach(_ pools: [KVTier: KVTierPool]) {
        tiers.withLock { $0 = pools }
    }

    var snapshot: KVTransferStatistics { statistics.withLock { $0 } }
    var pending: Int { queue.withLock { $0.count } }

    /// The hooks of the pool of `tier`, a tier with a configured slower tier.
    func hooks(for tier: KVTier) -> OffloadHooks {
        OffloadHooks(
            enqueue: { [weak self] blocks in self?.enqueue(from: tier, blocks) ?? false },
            startDrain: { [weak self] in self?.startBackgroundDrain() },
            completePending: { [weak self] in
                guard let self else { return false }
                drain()
                return true
            }
        )
    }

    /// Queues offloads of blocks of `tier` (called under that pool's lock, which marked them
    /// pending); returns true when the caller should start a background drain.
    func enqueue(from tier: KVTier, _ blocks: [RegisteredBlock]) -> Bool {
        queue.withLock { queue in
            for block in blocks { queue.push(from: tier, block) }
            guard mode == .background, !queue.drainScheduled else { return false }
            queue.drainScheduled = true
            return true
        }
    }

    private func startBackgroundDrain() {
        Task.detached { [self] in drain() }
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
        guard let source = pools[request.from] else { return }
        // Whatever the outcome, the request is done: the source block may be evicted again.
        defer { source.pool.resolveOffload(SequenceHash(request.block.sequenceHash)) }
        guard let lowerTier = request.from.lower, let target = pools[lowerTier] else { return }
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
        guard let destination = allocateTarget(target, filter: &filter) else { return .dropped }
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

    /// One block of `target` to copy into, or nil when it has none to give. When the only blocks
    /// left to evict there wait for their own offload (host → disk), this drainer processes those
    /// requests now, ahead of their turn, and tries again: otherwise they would be evicted unsaved.
    private func allocateTarget(_ target: KVTierPool, filter: inout FrequencyFilter?) -> MutableBlock? {
        while true {
            switch target.pool.allocateForTransfer() {
            case .block(let block):
                return block
            case .unavailable:
                return nil
            case .blockedByPendingOffloads:
                // Each pending mark has its request queued (see `OffloadHooks`); none left means
                // there is nothing this drainer can do but drop the request it is on.
                guard let next = queue.withLock({ $0.pop(from: target.tier) }) else { return nil }
                process(next, filter: &filter)
            }
        }
    }

    private func record(_ outcome: Outcome, _ from: KVTier, _ to: KVTier) {
        let pair = KVTransferStatistics.Pair(from, to)
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
        let pair = KVTransferStatistics.Pair(from, .device)
        statistics.withLock { stats in
            if failed { stats.onboardFailed[pair, default: 0] += 1 } else { stats.onboarded[pair, default: 0] += count }
        }
        guard let counters = metrics?.pair(from, .device) else { return }
        if failed { counters.onboardFailed.increment() } else { counters.onboarded.increment(by: count) }
        if let nanoseconds { counters.onboardDuration.recordNanoseconds(Int64(nanoseconds)) }
    }
}
