/// The block state machine of spec §1.3 on the pool's slots: Reset → Partial → Complete →
/// Registered, tokens, commit, priority, and the queries on a mutable block's state.
extension BlockPoolCore {

    mutating func initializeSequence(_ block: MutableBlock, saltHash: UInt64, parent: UInt64?) throws(BlockPoolError) {
        let slot = try check(block)
        guard slots[slot].state == .reset else {
            throw .invalidState(blockID: slot, state: slots[slot].state, operation: "initialise a sequence")
        }
        slots[slot].state = .partial
        saltHashes[slot] = saltHash
        slots[slot].parentHash = parent ?? 0
        slots[slot].hasParent = parent != nil
        clearTokens(slot)
    }

    @inline(__always)
    mutating func clearTokens(_ slot: Int) {
        guard slots[slot].hasTokens else { return }
        tokens[Int32(slot)] = nil
        slots[slot].hasTokens = false
    }

    func tokenCount(_ slot: Int) -> Int { slots[slot].hasTokens ? tokens[Int32(slot)]?.count ?? 0 : 0 }

    mutating func addTokens(_ block: MutableBlock, _ new: some Collection<UInt32>) throws(BlockPoolError) {
        let slot = try check(block)
        guard slots[slot].state == .partial else {
            throw .invalidState(blockID: slot, state: slots[slot].state, operation: "add tokens")
        }
        let holding = tokenCount(slot)
        guard new.count <= pageSize - holding else {
            throw .blockFull(blockID: slot, pageSize: pageSize, adding: new.count, holding: holding)
        }
        if !slots[slot].hasTokens {
            var fresh: [Token] = []
            fresh.reserveCapacity(pageSize)
            tokens[Int32(slot)] = fresh
            slots[slot].hasTokens = true
        }
        tokens[Int32(slot), default: []].append(contentsOf: new)
    }

    mutating func popTokens(_ block: MutableBlock, count: Int) throws(BlockPoolError) {
        let slot = try check(block)
        guard slots[slot].state == .partial else {
            throw .invalidState(blockID: slot, state: slots[slot].state, operation: "pop tokens")
        }
        guard count >= 0 else { throw .negativeCount(operation: "popTokens", count: count) }
        let holding = tokenCount(slot)
        if holding == 0 && count > 0 { throw .blockEmpty(blockID: slot) }
        guard count >= 0, count <= holding else {
            throw .insufficientTokens(blockID: slot, requested: count, holding: holding)
        }
        if count > 0 { tokens[Int32(slot)]?.removeLast(count) }
    }

    func tokens(of block: MutableBlock) throws(BlockPoolError) -> [UInt32] {
        let slot = try check(block)
        return slots[slot].hasTokens ? tokens[Int32(slot)] ?? [] : []
    }

    /// Partial with exactly a full page → Complete, hashing the tokens as Dynamo does.
    mutating func commit(_ block: MutableBlock) throws(BlockPoolError) {
        let slot = try check(block)
        guard slots[slot].state == .partial else {
            throw .invalidState(blockID: slot, state: slots[slot].state, operation: "commit")
        }
        let holding = tokenCount(slot)
        guard holding == pageSize else { throw .blockIncomplete(blockID: slot, tokens: holding, pageSize: pageSize) }
        let s = slots[slot]
        let salt = SaltHash(saltHashes[slot])
        let blockHash = TokenHashing.blockHash(of: tokens[Int32(slot)] ?? [], saltHash: salt)
        let parent = s.hasParent ? SequenceHash(s.parentHash) : nil
        slots[slot].sequenceHash = TokenHashing.sequenceHash(parent: parent, blockHash: blockHash, saltHash: salt).value
        slots[slot].state = .complete
    }

    /// Reset or Partial → Complete with hashes computed by the caller (Dynamo's `apply_token_block`).
    mutating func markComplete(_ block: MutableBlock, sequenceHash: UInt64, parent: UInt64?, tokens new: [UInt32]?) throws(BlockPoolError) {
        let slot = try check(block)
        let state = slots[slot].state
        guard state == .reset || state == .partial else {
            throw .invalidState(blockID: slot, state: state, operation: "mark complete")
        }
        if let new {
            guard new.count == pageSize else {
                throw .blockIncomplete(blockID: slot, tokens: new.count, pageSize: pageSize)
            }
            tokens[Int32(slot)] = new
            slots[slot].hasTokens = true
        }
        slots[slot].sequenceHash = sequenceHash
        slots[slot].parentHash = parent ?? 0
        slots[slot].hasParent = parent != nil
        slots[slot].state = .complete
    }

    /// Any unregistered state → Reset, keeping the block.
    mutating func resetBlock(_ block: MutableBlock) throws(BlockPoolError) {
        let slot = try check(block)
        let generation = slots[slot].generation
        resetSlot(slot)
        // The caller still owns the block: keep its handle valid.
        slots[slot].generation = generation
        slots[slot].refCount = 1
    }

    mutating func setPriority(_ block: MutableBlock, _ priority: UInt32) throws(BlockPoolError) {
        let slot = try check(block)
        slots[slot].priority = priority
    }

    func state(of block: MutableBlock) throws(BlockPoolError) -> BlockState {
        slots[try check(block)].state
    }

    func sequenceHash(of block: MutableBlock) throws(BlockPoolError) -> UInt64 {
        let slot = try check(block)
        let state = slots[slot].state
        guard state == .complete || state == .registered else {
            throw .invalidState(blockID: slot, state: state, operation: "read its sequence hash")
        }
        return slots[slot].sequenceHash
    }

    func parentSequenceHash(of block: MutableBlock) throws(BlockPoolError) -> UInt64? {
        let slot = try check(block)
        let state = slots[slot].state
        guard state == .complete || state == .registered else {
            throw .invalidState(blockID: slot, state: state, operation: "read its parent sequence hash")
        }
        return slots[slot].hasParent ? slots[slot].parentHash : nil
    }
}
