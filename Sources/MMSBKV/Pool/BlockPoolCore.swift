/// The single-threaded heart of a block pool: flat slot metadata, a FIFO of Reset slots, an indexed
/// heap of evictable leaves, a hash table from sequence hash to slot and a lease table.
///
/// `BlockPool` wraps it in a lock; every method here runs with that lock held. Nothing on the paths
/// below allocates once the pool is built, except the lease table growing past its initial capacity
/// and event arrays when an event manager is attached.
struct BlockPoolCore: ~Copyable {
    let poolID: UInt32
    let total: Int
    let pageSize: Int
    let duplication: DuplicationMode
    let tier: KVTier
    /// Nil when events are off (a `NullEventManager` is normalised to nil so the hot path skips them).
    let events: (any EventManager)?
    /// `events != nil`, tested first so the hot path never copies the existential.
    let hasEvents: Bool

    var slots: SlotArray
    /// Tokens of the blocks filled token by token (Partial, or Complete after `commit` / `apply`),
    /// keyed by slot. Kept out of the flat arrays: most blocks are completed from precomputed
    /// hashes and never hold tokens here, and a flat `blockCount × pageSize` array would cost
    /// 4 bytes per token slot of the whole pool (gigabytes for large pools of 1024-token pages).
    var tokens: [Int32: [Token]] = [:]
    /// The salt of each slot's sequence, set by `initializeSequence` / `apply` before any read
    /// (so the reset path never writes it: one cache miss fewer per block).
    var saltHashes: FixedBuffer<UInt64>
    var resetQueue: SlotQueue
    var heap: EvictionHeap
    var table: SequenceHashTable
    var leases: LeaseTable
    /// Registered primaries with no live handle: the evictable part of `available`.
    var inactiveRegistered = 0
    var tick: UInt64 = 0
    var registerStamp: UInt32 = 0
    /// Evictions since the pool was built (read by `BlockPool` for metrics).
    var evictions = 0
    /// Whether newly registered primaries are written through to a slower tier (the pool belongs to a
    /// `KVBlockManager` tier with a configured lower tier): they are marked `offloadPending` until the
    /// offload engine has processed their request.
    let offloadEligible: Bool
    /// Slots marked `offloadPending` (held or inactive).
    var pendingOffloads = 0

    init(
        poolID: UInt32, total: Int, pageSize: Int, duplication: DuplicationMode, tier: KVTier, events: (any EventManager)?,
        offloadEligible: Bool = false
    ) {
        self.offloadEligible = offloadEligible
        self.poolID = poolID
        self.total = total
        self.pageSize = pageSize
        self.duplication = duplication
        self.tier = tier
        self.events = events is NullEventManager ? nil : events
        hasEvents = self.events != nil
        slots = SlotArray(repeating: BlockSlot(), count: total)
        saltHashes = FixedBuffer(repeating: 0, count: total)
        resetQueue = SlotQueue(capacity: total)
        for slot in 0..<total { resetQueue.push(Int32(slot)) }
        heap = EvictionHeap(capacity: total)
        table = SequenceHashTable(capacity: total)
        leases = LeaseTable(capacity: total)
    }

    var available: Int { resetQueue.count + inactiveRegistered }

    // MARK: Hash table access

    @inline(__always)
    func findSlot(_ hash: UInt64) -> Int32? {
        table.find(hash) { slots[Int($0)].sequenceHash }
    }

    // MARK: Handles

    @inline(__always)
    func check(_ block: MutableBlock) throws(BlockPoolError) -> Int {
        guard block.poolID == poolID else { throw .foreignBlock(blockID: block.blockID) }
        let slot = Int(block.slot)
        guard slot >= 0, slot < total else { throw .blockIndexOutOfRange(blockID: slot, total: total) }
        let s = slots[slot]
        guard s.generation == block.generation, s.refCount > 0, s.state != .registered else {
            throw .staleBlock(blockID: slot)
        }
        return slot
    }

    @inline(__always)
    func check(_ block: ImmutableBlock) throws(BlockPoolError) -> Int {
        guard block.poolID == poolID else { throw .foreignBlock(blockID: block.blockID) }
        guard let slot = leases.slot(of: block.lease, generation: block.leaseGeneration), slot == block.slot else {
            throw .staleBlock(blockID: block.blockID)
        }
        return Int(slot)
    }

    @inline(__always)
    mutating func lease(_ slot: Int) -> ImmutableBlock {
        let (index, generation) = leases.open(slot: Int32(slot))
        return ImmutableBlock(
            poolID: poolID, lease: index, leaseGeneration: generation, slot: Int32(slot),
            hashValue64: slots[slot].sequenceHash
        )
    }

    // MARK: Allocation

    /// Throws unless `count` blocks can be handed out now; changes nothing.
    func checkAllocation(_ count: Int) throws(BlockPoolError) {
        guard count >= 0 else { throw .negativeCount(operation: "allocateBlocks", count: count) }
        guard count <= total else { throw .exceedsCapacity(requested: count, capacity: total) }
        guard count <= available else { throw .notEnoughBlocksAvailable(requested: count, available: available) }
    }

    /// Takes `count` blocks, all or nothing: Reset blocks first, then cached blocks evicted leaf
    /// first, lowest priority first, least recently returned first.
    ///
    /// With `evictPending` false, a cached block whose offload is still pending is passed over while
    /// any other candidate is left (it would lose its only chance to reach the slower tier). When
    /// the request cannot be met without evicting one, nothing is handed out and the call returns
    /// false: the caller completes the queued offloads and asks again. The candidates it did evict on
    /// the way are Reset blocks by then, first in line for the next request.
    /// - Throws: `negativeCount`, `exceedsCapacity` or `notEnoughBlocksAvailable` before anything
    ///   changes.
    mutating func allocate(_ count: Int, into result: inout [MutableBlock], evictPending: Bool = true) throws(BlockPoolError) -> Bool {
        try checkAllocation(count)
        var removed: [KVStorageEvent] = []
        if !evictPending, pendingOffloads > 0, count > resetQueue.count, !makeRoom(count, &removed) {
            publishRemovals(removed)
            return false
        }
        for _ in 0..<count {
            let slot: Int
            if let fresh = resetQueue.pop() {
                slot = Int(fresh)
            } else {
                slot = evictOne(&removed)
            }
            slots[slot].refCount = 1
            result.append(MutableBlock(poolID: poolID, slot: Int32(slot), generation: slots[slot].generation))
            if hasEvents { events?.blockAllocated(blockID: slot, tier: tier) }
        }
        publishRemovals(removed)
        return true
    }

    @inline(__always)
    private func publishRemovals(_ removed: [KVStorageEvent]) {
        if hasEvents, let events, !removed.isEmpty { events.publish(KVEventBatch(tier: tier, events: removed)) }
    }

    /// Evicts the best candidates whose offload is not pending into the reset queue until it holds
    /// `count` blocks. Pending candidates are set aside and put back with their keys, so the order
    /// among the rest is the usual one, and a pending leaf still keeps its parent off the heap
    /// (nothing is stranded). True when the reset queue holds `count` blocks.
    private mutating func makeRoom(_ count: Int, _ removed: inout [KVStorageEvent]) -> Bool {
        var passedOver: [Int32] = []
        while resetQueue.count < count, let top = heap.top {
            if slots[Int(top)].offloadPending {
                heap.remove(top)
                passedOver.append(top)
            } else {
                resetQueue.push(Int32(evictOne(&removed)))
            }
        }
        for slot in passedOver { pushCandidate(Int(slot)) }
        return resetQueue.count >= count
    }

    // MARK: Pending offloads

    /// Marks a registered primary as waiting for its offload.
    mutating func markOffloadPending(_ slot: Int) {
        guard !slots[slot].offloadPending else { return }
        slots[slot].offloadPending = true
        pendingOffloads += 1
    }

    /// The offload request for `hash` has been processed (copied, skipped, filtered, dropped or
    /// failed): its block may be evicted like any other.
    mutating func resolveOffload(_ hash: UInt64) {
        guard let found = findSlot(hash) else { return }
        clearOffloadPending(Int(found))
    }

    @inline(__always)
    private mutating func clearOffloadPending(_ slot: Int) {
        guard slots[slot].offloadPending else { return }
        slots[slot].offloadPending = false
        pendingOffloads -= 1
    }

    /// Evicts the best leaf and returns its slot, reset. Callers have checked `inactiveRegistered > 0`.
    private mutating func evictOne(_ removed: inout [KVStorageEvent]) -> Int {
        let victim: Int
        if let top = heap.top {
            victim = Int(top)
        } else {
            // Only reachable with forged hashes that form a parent cycle among inactive blocks (real
            // chained hashes cannot): fall back to the best inactive block by a linear scan.
            victim = fallbackVictim()
            for index in 0..<total where slots[index].countedParent == Int32(victim) {
                slots[index].countedParent = -1
            }
            slots[victim].inactiveChildren = 0
        }
        let hash = slots[victim].sequenceHash
        heap.remove(Int32(victim))
        table.remove(hash, slot: Int32(victim))
        inactiveRegistered -= 1
        detachFromParent(victim)
        evictions += 1
        if hasEvents {
            events?.blockEvicted(blockID: victim, sequenceHash: SequenceHash(hash), tier: tier)
            removed.append(.removed(sequenceHash: SequenceHash(hash), blockID: victim))
        }
        resetSlot(victim)
        return victim
    }

    private func fallbackVictim() -> Int {
        var best = -1
        for index in 0..<total where slots[index].isInactive {
            if best < 0 || (slots[index].priority, slots[index].returnedTick) < (slots[best].priority, slots[best].returnedTick) {
                best = index
            }
        }
        return best
    }

    /// Clears a slot's sequence and metadata and invalidates handles to it; it is not queued.
    mutating func resetSlot(_ slot: Int) {
        clearOffloadPending(slot)
        var s = slots[slot]
        s.state = .reset
        s.generation &+= 1
        s.refCount = 0
        s.priority = 0
        s.sequenceHash = 0
        s.parentHash = 0
        s.hasParent = false
        s.inactiveChildren = 0
        s.countedParent = -1
        s.primary = -1
        slots[slot] = s
        clearTokens(slot)
    }

    // MARK: Parent bookkeeping (leaf-aware eviction)

    /// The slot became an inactive primary: count it under its parent, and make it a candidate if leaf.
    private mutating func becomeInactive(_ slot: Int) {
        tick &+= 1
        slots[slot].returnedTick = tick
        inactiveRegistered += 1
        if slots[slot].hasParent, let parent = findSlot(slots[slot].parentHash), Int(parent) != slot {
            slots[Int(parent)].inactiveChildren += 1
            slots[slot].countedParent = parent
            heap.remove(parent)
        }
        if slots[slot].inactiveChildren == 0 { pushCandidate(slot) }
    }

    @inline(__always)
    private mutating func pushCandidate(_ slot: Int) {
        heap.push(Int32(slot), priority: slots[slot].priority, tick: slots[slot].returnedTick)
    }

    /// The inactive primary is taken again (matched or deduplicated against): it leaves the candidates.
    private mutating func becomeActive(_ slot: Int) {
        inactiveRegistered -= 1
        heap.remove(Int32(slot))
        detachFromParent(slot)
    }

    private mutating func detachFromParent(_ slot: Int) {
        let parent = Int(slots[slot].countedParent)
        guard parent >= 0 else { return }
        slots[slot].countedParent = -1
        slots[parent].inactiveChildren -= 1
        if slots[parent].inactiveChildren == 0 && slots[parent].isInactive && !heap.contains(Int32(parent)) {
            pushCandidate(parent)
        }
    }

    /// Adds a live reference to a registered primary, taking it out of the inactive set if needed.
    @inline(__always)
    private mutating func acquire(_ slot: Int) {
        if slots[slot].refCount == 0 { becomeActive(slot) }
        slots[slot].refCount += 1
    }

    /// Drops a live reference; the last one makes a primary inactive or sends a duplicate back.
    private mutating func dropReference(_ slot: Int) {
        slots[slot].refCount -= 1
        guard slots[slot].refCount == 0 else { return }
        let primary = Int(slots[slot].primary)
        if primary >= 0 {
            // A duplicate never becomes an inactive cache entry: two inactive blocks with one hash
            // cannot coexist (spec §1.4), so it is reset and its reference on the primary dropped.
            resetSlot(slot)
            resetQueue.push(Int32(slot))
            dropReference(primary)
        } else {
            becomeInactive(slot)
        }
    }

    // MARK: Release

    mutating func release(_ block: MutableBlock) throws(BlockPoolError) {
        let slot = try check(block)
        resetSlot(slot)
        resetQueue.push(Int32(slot))
    }

    mutating func release(_ block: ImmutableBlock) throws(BlockPoolError) {
        let slot = try check(block)
        leases.close(block.lease)
        dropReference(slot)
    }

    /// Ends several leases, last first: a request's chain goes back tail first, so each parent
    /// already has its inactive child when it returns and never enters the candidate heap only to
    /// leave it again (and the tail is the older one in LRU order, as in vLLM). Every handle is
    /// checked first (a lease given twice counts as a use after release), so a bad one releases nothing.
    mutating func release(_ blocks: [ImmutableBlock]) throws(BlockPoolError) {
        let stamp = nextStamp()
        for block in blocks {
            _ = try check(block)
            guard leases.mark(block.lease, stamp) else { throw .staleBlock(blockID: block.blockID) }
        }
        for block in blocks.reversed() { try release(block) }
    }

    /// Gives several unregistered blocks back; every handle is checked first (a block given twice
    /// counts as a use after release), so a bad one releases nothing.
    mutating func release(_ blocks: [MutableBlock]) throws(BlockPoolError) {
        let stamp = nextStamp()
        for block in blocks {
            let slot = try check(block)
            guard slots[slot].registerStamp != stamp else { throw .staleBlock(blockID: slot) }
            slots[slot].registerStamp = stamp
        }
        for block in blocks { try release(block) }
    }

    /// A fresh, non-zero stamp for the duplicate checks of batch calls.
    private mutating func nextStamp() -> UInt32 {
        registerStamp &+= 1
        if registerStamp == 0 { registerStamp = 1 }
        return registerStamp
    }

    mutating func clone(_ block: ImmutableBlock) throws(BlockPoolError) -> ImmutableBlock {
        let slot = try check(block)
        slots[slot].refCount += 1
        return lease(slot)
    }

    // MARK: Registration

    mutating func register(
        _ blocks: [MutableBlock], into result: inout [ImmutableBlock], newlyRegistered: inout [RegisteredBlock], collect: Bool
    ) throws(BlockPoolError) {
        // Validate everything first so a bad block leaves the whole call without effect.
        let stamp = nextStamp()
        for block in blocks {
            let slot = try check(block)
            if slots[slot].registerStamp == stamp { throw .blockAlreadyRegistered(blockID: slot) }
            slots[slot].registerStamp = stamp
            guard slots[slot].state == .complete else {
                throw .blockNotComplete(blockID: slot, state: slots[slot].state)
            }
        }
        var stored: [KVStorageEvent] = []
        for block in blocks {
            let slot = Int(block.slot)
            let hash = slots[slot].sequenceHash
            let base = slots.base
            let existing = table.insertIfAbsent(hash, Int32(slot)) { base[Int($0)].sequenceHash }
            if let existing {
                let primary = Int(existing)
                acquire(primary)
                switch duplication {
                case .disabled:
                    resetSlot(slot)
                    resetQueue.push(Int32(slot))
                    result.append(lease(primary))
                case .allowed:
                    slots[slot].state = .registered
                    slots[slot].generation &+= 1
                    slots[slot].primary = Int32(primary)
                    result.append(lease(slot))
                    if hasEvents { events?.blockRegistered(blockID: slot, sequenceHash: SequenceHash(hash), tier: tier) }
                }
            } else {
                slots[slot].state = .registered
                slots[slot].generation &+= 1
                result.append(lease(slot))
                if collect {
                    if offloadEligible { markOffloadPending(slot) }
                    let s = slots[slot]
                    newlyRegistered.append(
                        RegisteredBlock(sequenceHash: hash, parentHash: s.hasParent ? s.parentHash : nil, priority: s.priority)
                    )
                }
                if hasEvents {
                    events?.blockRegistered(blockID: slot, sequenceHash: SequenceHash(hash), tier: tier)
                    let parent = slots[slot].hasParent ? SequenceHash(slots[slot].parentHash) : nil
                    stored.append(.stored(sequenceHash: SequenceHash(hash), parentHash: parent, blockID: slot))
                }
            }
        }
        if hasEvents, let events, !stored.isEmpty { events.publish(KVEventBatch(tier: tier, events: stored)) }
    }

    /// The parent hash and priority of a registered slot (for transfers between tiers).
    func registration(of slot: Int) -> RegisteredBlock {
        let s = slots[slot]
        return RegisteredBlock(sequenceHash: s.sequenceHash, parentHash: s.hasParent ? s.parentHash : nil, priority: s.priority)
    }

    // MARK: Matching

    /// Appends a lease for each hash in order, stopping at the first one not registered here.
    mutating func match(_ hashes: some Sequence<UInt64>, into result: inout [ImmutableBlock]) {
        for hash in hashes {
            guard let found = findSlot(hash) else { return }
            let slot = Int(found)
            acquire(slot)
            result.append(lease(slot))
            if hasEvents { events?.blockMatched(blockID: slot, sequenceHash: SequenceHash(hash), tier: tier) }
        }
    }

    /// True when the hash is registered here (no lease, no recency change).
    func contains(_ hash: UInt64) -> Bool { findSlot(hash) != nil }

    /// Re-stamps matched inactive blocks as just returned, stopping at the first unregistered hash.
    mutating func touch(_ hashes: some Sequence<UInt64>) -> Int {
        var touched = 0
        for hash in hashes {
            guard let found = findSlot(hash) else { break }
            let slot = Int(found)
            touched += 1
            guard slots[slot].refCount == 0 else { continue }
            tick &+= 1
            slots[slot].returnedTick = tick
            heap.update(Int32(slot), priority: slots[slot].priority, tick: tick)
        }
        return touched
    }

    /// Takes a reference on a registered block for a transfer without changing its recency.
    /// Returns the slot and, when the block was inactive, the returned tick to restore afterwards.
    mutating func pin(_ hash: UInt64) -> (slot: Int, restoreTick: UInt64?)? {
        guard let found = findSlot(hash) else { return nil }
        let slot = Int(found)
        let saved: UInt64? = slots[slot].refCount == 0 ? slots[slot].returnedTick : nil
        acquire(slot)
        return (slot, saved)
    }

    /// Ends a `pin`. A block that was inactive goes back with the recency it had; one that was held
    /// and whose holders let go meanwhile counts as returned now, as their release would have made it.
    mutating func unpin(_ slot: Int, restoreTick: UInt64?) {
        slots[slot].refCount -= 1
        guard slots[slot].refCount == 0 else { return }
        becomeInactive(slot)
        guard let restoreTick else { return }
        slots[slot].returnedTick = restoreTick
        heap.update(Int32(slot), priority: slots[slot].priority, tick: restoreTick)
    }

    // MARK: Cache reset

    /// Evicts every inactive registered block (leaves first), including blocks whose offload is
    /// still pending (clearing the cache is the caller's explicit wish; their queued requests are
    /// then skipped); held blocks are untouched.
    mutating func resetCache() -> Int {
        var removed: [KVStorageEvent] = []
        var count = 0
        while inactiveRegistered > 0 {
            let slot = evictOne(&removed)
            resetQueue.push(Int32(slot))
            count += 1
        }
        publishRemovals(removed)
        return count
    }
}
