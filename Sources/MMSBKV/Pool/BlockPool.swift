import MMSB
import Metrics
import Synchronization

/// A pool of KV-cache blocks of one tier: allocation, registration by sequence hash, prefix matching
/// and leaf-aware eviction (spec §1.3–§1.5).
///
/// The pool manages block slots by index; bytes live in the tier's storage layout, addressed by
/// `blockID`. All state sits behind one pthread mutex taken once per call, so every call is finished
/// when it returns: a released block is available at once, and there is no background engine to wait
/// for (Dynamo's tests sleep 100 ms for its engine; ours never need to). Each operation exists in a
/// blocking form (`…Blocking`) and an `async` form; the async form runs the same short critical
/// section on the caller's task.
///
/// Ownership: handles are values checked against a per-slot generation (`MutableBlock`) or a lease
/// (`ImmutableBlock`); any use after a handle went back to the pool throws `BlockPoolError.staleBlock`.
/// Handles are not released on their own: call `release` (or let the manager do it).
public final class BlockPool: Sendable {
    private static let nextPoolID = Atomic<UInt32>(1)

    private let state: Locked<BlockPoolCore>
    private let metrics: KVPoolMetrics?
    /// The manager's write-through offload, for a tier that has a slower tier: told about every newly
    /// registered hash under the lock, and asked to complete queued offloads before allocation
    /// evicts a block whose offload is still pending.
    private let offload: OffloadHooks?

    /// Blocks in the pool.
    public let total: Int
    /// Tokens per block.
    public let pageSize: Int
    /// The tier this pool serves.
    public let tier: KVTier
    /// What registering an already-registered hash does.
    public let duplication: DuplicationMode

    /// Builds a pool; throws `BlockPoolError.invalidConfiguration` for a bad configuration.
    public convenience init(_ configuration: BlockPoolConfiguration) throws(BlockPoolError) {
        try self.init(configuration, offload: nil)
    }

    init(_ configuration: BlockPoolConfiguration, offload: OffloadHooks?) throws(BlockPoolError) {
        try configuration.validate()
        self.offload = offload
        let id = Self.nextPoolID.add(1, ordering: .relaxed).oldValue
        state = Locked(
            BlockPoolCore(
                poolID: id, total: configuration.blockCount, pageSize: configuration.pageSize,
                duplication: configuration.duplication, tier: configuration.tier,
                events: configuration.eventManager, offloadEligible: offload != nil
            )
        )
        total = configuration.blockCount
        pageSize = configuration.pageSize
        tier = configuration.tier
        duplication = configuration.duplication
        metrics = configuration.metricsFactory.map { KVPoolMetrics(tier: configuration.tier, factory: $0) }
        if let metrics {
            metrics.totalBlocks.record(total)
            metrics.availableBlocks.record(total)
        }
    }

    /// Blocks that `allocateBlocks` can hand out now: never-used or reset blocks plus cached blocks
    /// that nobody holds (evictable, some perhaps only once their pending offload is done).
    public var available: Int { state.withLock { $0.available } }

    /// Registered blocks nobody holds (matchable, evictable).
    public var inactiveCount: Int { state.withLock { $0.inactiveRegistered } }

    /// Live `ImmutableBlock` leases; a test that released everything expects 0.
    public var liveLeases: Int { state.withLock { $0.leases.live } }

    /// Cached blocks evicted (reset for reuse, or cleared by `resetCache`) since the pool was built.
    public var evictionCount: Int { state.withLock { $0.evictions } }

    // MARK: Allocation

    /// Takes `count` blocks, all or nothing: Reset blocks first (oldest returned first), then cached
    /// blocks evicted leaf first, lowest priority first, least recently returned first.
    ///
    /// In a `KVBlockManager` tier that writes through to a slower tier, a cached block whose offload
    /// is still queued is evicted only when no other candidate is left, and then only after the
    /// queued offloads were completed on the calling thread (so it is not lost while the slower tier
    /// has room).
    /// - Throws: `negativeCount` for `count < 0`, `exceedsCapacity` for `count > total`,
    ///   `notEnoughBlocksAvailable(requested:available:)` when short. Each is thrown before anything
    ///   is reserved or taken: the pool is unchanged.
    public func allocateBlocksBlocking(_ count: Int) throws(BlockPoolError) -> [MutableBlock] {
        // Checked before reserving: `reserveCapacity(Int.max)` would abort the process.
        guard count >= 0 else { throw .negativeCount(operation: "allocateBlocks", count: count) }
        guard count <= total else { throw .exceedsCapacity(requested: count, capacity: total) }
        var result: [MutableBlock] = []
        result.reserveCapacity(count)
        try allocateBlocksBlocking(count, into: &result)
        return result
    }

    /// `allocateBlocksBlocking(_:)` appending to `result`, so that a caller can reuse one array
    /// across calls and pay no allocation per call (the hot path of a scheduler loop). On a throw
    /// `result` is unchanged.
    public func allocateBlocksBlocking(_ count: Int, into result: inout [MutableBlock]) throws(BlockPoolError) {
        let start = metrics == nil ? 0 : monotonicNanoseconds()
        var evictPending = offload == nil
        while try !allocate(count, into: &result, evictPending: evictPending, start: start) {
            // The blocks left to evict still wait for their offloads: complete the queued offloads
            // here, then ask again (every mark that blocked this attempt is gone afterwards). Only
            // if the manager is gone, so that nobody can, are such blocks evicted regardless.
            if offload?.completePending() != true { evictPending = true }
        }
    }

    /// One attempt under the lock, with metrics; false (nothing taken) when only blocks whose
    /// offload is pending are left to evict and `evictPending` is false.
    private func allocate(_ count: Int, into result: inout [MutableBlock], evictPending: Bool, start: UInt64) throws(BlockPoolError) -> Bool {
        let (done, evicted, available) = try state.withLock { (core: inout BlockPoolCore) throws(BlockPoolError) in
            let before = core.evictions
            let done = try core.allocate(count, into: &result, evictPending: evictPending)
            return (done, core.evictions - before, core.available)
        }
        if let metrics {
            if done { metrics.allocated.increment(by: count) }
            if evicted > 0 { metrics.evicted.increment(by: evicted) }
            metrics.availableBlocks.record(available)
            if done { metrics.allocateDuration.recordNanoseconds(Int64(monotonicNanoseconds() &- start)) }
        }
        return done
    }

    /// One block for a transfer into this tier, for the offload engine while it drains: it never
    /// waits for offloads (the engine itself would have to run them), it says so instead.
    func allocateForTransfer() -> TransferAllocation {
        let start = metrics == nil ? 0 : monotonicNanoseconds()
        var result: [MutableBlock] = []
        do {
            guard try allocate(1, into: &result, evictPending: offload == nil, start: start), let block = result.first else {
                return .blockedByPendingOffloads
            }
            return .block(block)
        } catch {
            return .unavailable
        }
    }

    /// `allocateBlocksBlocking` as an async call.
    public func allocateBlocks(_ count: Int) async throws(BlockPoolError) -> [MutableBlock] {
        try allocateBlocksBlocking(count)
    }

    // MARK: Registration

    /// Registers Complete blocks and returns immutable blocks in input order. A hash already
    /// registered here is deduplicated per the pool's `DuplicationMode`. The whole call fails, with no
    /// effect, if any block is stale, foreign, not Complete or given twice.
    public func registerBlocksBlocking(_ blocks: [MutableBlock]) throws(BlockPoolError) -> [ImmutableBlock] {
        var result: [ImmutableBlock] = []
        result.reserveCapacity(blocks.count)
        try registerBlocksBlocking(blocks, into: &result)
        return result
    }

    /// `registerBlocksBlocking(_:)` appending to `result` (reusable across calls, no allocation).
    public func registerBlocksBlocking(_ blocks: [MutableBlock], into result: inout [ImmutableBlock]) throws(BlockPoolError) {
        let start = metrics == nil ? 0 : monotonicNanoseconds()
        let offload = offload
        let (available, startDrain) = try state.withLock { (core: inout BlockPoolCore) throws(BlockPoolError) in
            var fresh: [RegisteredBlock] = []
            try core.register(blocks, into: &result, newlyRegistered: &fresh, collect: offload != nil)
            // Queued under the lock, together with the pending marks the registration set.
            let startDrain = if let offload, !fresh.isEmpty { offload.enqueue(fresh) } else { false }
            return (core.available, startDrain)
        }
        if startDrain { offload?.startDrain() }
        if let metrics {
            metrics.registered.increment(by: blocks.count)
            metrics.availableBlocks.record(available)
            metrics.registerDuration.recordNanoseconds(Int64(monotonicNanoseconds() &- start))
        }
    }

    /// `registerBlocksBlocking` as an async call.
    public func registerBlocks(_ blocks: [MutableBlock]) async throws(BlockPoolError) -> [ImmutableBlock] {
        try registerBlocksBlocking(blocks)
    }

    // MARK: Matching

    /// Returns a lease on the registered block of each hash, in order, stopping at the first hash not
    /// registered in this pool (later hashes are not looked at and count as misses).
    public func matchSequenceHashesBlocking(_ hashes: [SequenceHash]) -> [ImmutableBlock] {
        var result: [ImmutableBlock] = []
        result.reserveCapacity(hashes.count)
        matchSequenceHashesBlocking(hashes, into: &result)
        return result
    }

    /// `matchSequenceHashesBlocking(_:)` appending to `result` (reusable across calls, no
    /// allocation); returns how many hashes matched.
    @discardableResult
    public func matchSequenceHashesBlocking(_ hashes: [SequenceHash], into result: inout [ImmutableBlock]) -> Int {
        let start = metrics == nil ? 0 : monotonicNanoseconds()
        let before = result.count
        let available = state.withLock { core in
            core.match(hashes.lazy.map(\.value), into: &result)
            return core.available
        }
        let hits = result.count - before
        if let metrics {
            let misses = hashes.count - hits
            metrics.hitBlocks.increment(by: hits)
            metrics.missBlocks.increment(by: misses)
            metrics.hitTokens.increment(by: hits * pageSize)
            metrics.missTokens.increment(by: misses * pageSize)
            metrics.availableBlocks.record(available)
            metrics.matchDuration.recordNanoseconds(Int64(monotonicNanoseconds() &- start))
        }
        return hits
    }

    /// `matchSequenceHashesBlocking` as an async call.
    public func matchSequenceHashes(_ hashes: [SequenceHash]) async -> [ImmutableBlock] {
        matchSequenceHashesBlocking(hashes)
    }

    /// Moves the matched inactive blocks to the back of the eviction order, stopping at the first
    /// unregistered hash; returns how many hashes were found.
    @discardableResult
    public func touchBlocksBlocking(_ hashes: [SequenceHash]) -> Int {
        state.withLock { $0.touch(hashes.lazy.map(\.value)) }
    }

    /// `touchBlocksBlocking` as an async call.
    @discardableResult
    public func touchBlocks(_ hashes: [SequenceHash]) async -> Int {
        touchBlocksBlocking(hashes)
    }

    /// True when the hash is registered here; changes nothing (no lease, no recency, no metrics).
    public func contains(_ hash: SequenceHash) -> Bool {
        state.withLock { $0.contains(hash.value) }
    }

    // MARK: Release

    /// Gives unregistered blocks back: they are reset and queued for reuse before any cached block.
    /// Validates every handle first; a stale or foreign one, or one given twice, fails the call with
    /// nothing released.
    public func releaseBlocking(_ blocks: [MutableBlock]) throws(BlockPoolError) {
        try state.withLock { (core: inout BlockPoolCore) throws(BlockPoolError) in try core.release(blocks) }
        recordAvailable()
    }

    /// Ends leases. A registered block whose last lease ends stays matchable until evicted. The
    /// leases are ended last first (a chain goes back tail first). Every handle is checked first:
    /// a stale or foreign one, or one given twice, fails the call with nothing released.
    public func releaseBlocking(_ blocks: [ImmutableBlock]) throws(BlockPoolError) {
        try state.withLock { (core: inout BlockPoolCore) throws(BlockPoolError) in
            try core.release(blocks)
        }
        recordAvailable()
    }

    /// `releaseBlocking` as an async call.
    public func release(_ blocks: [MutableBlock]) async throws(BlockPoolError) { try releaseBlocking(blocks) }

    /// `releaseBlocking` as an async call.
    public func release(_ blocks: [ImmutableBlock]) async throws(BlockPoolError) { try releaseBlocking(blocks) }

    /// A new lease on the same registered block.
    public func clone(_ block: ImmutableBlock) throws(BlockPoolError) -> ImmutableBlock {
        try state.withLock { (core: inout BlockPoolCore) throws(BlockPoolError) in try core.clone(block) }
    }

    /// True while the handle may still be used.
    public func isValid(_ block: ImmutableBlock) -> Bool {
        state.withLock { (core: inout BlockPoolCore) in (try? core.check(block)) != nil }
    }

    /// True while the handle may still be used.
    public func isValid(_ block: MutableBlock) -> Bool {
        state.withLock { (core: inout BlockPoolCore) in (try? core.check(block)) != nil }
    }

    // MARK: Cache reset and quiescence

    /// Clears the cache: evicts every registered block nobody holds (publishing their removals).
    /// Held blocks are not touched. Returns how many were evicted.
    @discardableResult
    public func resetCacheBlocking() -> Int {
        let (count, available) = state.withLock { core in (core.resetCache(), core.available) }
        if let metrics {
            if count > 0 { metrics.evicted.increment(by: count) }
            metrics.availableBlocks.record(available)
        }
        return count
    }

    /// `resetCacheBlocking` as an async call.
    @discardableResult
    public func resetCache() async -> Int { resetCacheBlocking() }

    /// Returns once every call that started before it has finished. Pool calls complete before they
    /// return, so this only waits out calls in flight on other threads; tests use it instead of sleeping.
    public func quiesce() async { state.withLock { _ in } }

    /// `quiesce` in blocking form.
    public func quiesceBlocking() { state.withLock { _ in } }

    private func recordAvailable() {
        guard let metrics else { return }
        metrics.availableBlocks.record(state.withLock { $0.available })
    }

    // MARK: Internal access for tiers

    /// Runs `body` on the core under the lock (manager and tests in this module).
    func withCore<R>(_ body: (inout BlockPoolCore) throws(BlockPoolError) -> R) throws(BlockPoolError) -> R {
        try state.withLock(body)
    }
}

extension BlockPool {
    /// Throws `staleBlock` or `foreignBlock` unless the handle may still be used.
    public func validate(_ block: ImmutableBlock) throws(BlockPoolError) {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in _ = try core.check(block) }
    }

    /// Throws `staleBlock` or `foreignBlock` unless the handle may still be used.
    public func validate(_ block: MutableBlock) throws(BlockPoolError) {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in _ = try core.check(block) }
    }
}

/// A reference taken on a registered block for a transfer (see `BlockPool.withPinned`).
struct BlockPin: Sendable {
    let slot: Int
    let restoreTick: UInt64?
    let registration: RegisteredBlock
}

extension BlockPool {
    /// Pins the registered block of `hash` (nil when absent) without counting a match, emitting an
    /// event or changing its recency.
    func withPinned(_ hash: SequenceHash) -> BlockPin? {
        state.withLock { core in
            guard let (slot, tick) = core.pin(hash.value) else { return nil }
            return BlockPin(slot: slot, restoreTick: tick, registration: core.registration(of: slot))
        }
    }

    /// Ends a pin.
    func unpin(_ pin: BlockPin) {
        state.withLock { core in core.unpin(pin.slot, restoreTick: pin.restoreTick) }
    }

    /// The offload engine has processed its request for `hash`: the block may be evicted again.
    func resolveOffload(_ hash: SequenceHash) {
        state.withLock { core in core.resolveOffload(hash.value) }
    }

    /// Queues registered blocks the caller holds for offload to the next tier, as registration does
    /// (`KVBlockManager.offload`): every handle is checked first, then each block is marked pending
    /// and its request queued under the lock. Without a slower tier it only checks the handles.
    func queueOffloads(_ blocks: [ImmutableBlock]) throws(BlockPoolError) {
        let offload = offload
        let startDrain = try state.withLock { (core: inout BlockPoolCore) throws(BlockPoolError) in
            var slots: [Int] = []
            slots.reserveCapacity(blocks.count)
            for block in blocks { slots.append(try core.check(block)) }
            guard let offload, !slots.isEmpty else { return false }
            var registrations: [RegisteredBlock] = []
            registrations.reserveCapacity(slots.count)
            for slot in slots {
                core.markOffloadPending(slot)
                registrations.append(core.registration(of: slot))
            }
            return offload.enqueue(registrations)
        }
        if startDrain { offload?.startDrain() }
    }

    /// The parent hash and priority of a registered block the caller holds.
    func registration(of block: ImmutableBlock) throws(BlockPoolError) -> RegisteredBlock {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in
            core.registration(of: try core.check(block))
        }
    }
}
