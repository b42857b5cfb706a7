/// The block state machine on mutable blocks (spec §1.3). Each call checks the handle first.
extension BlockPool {
    /// The block's state.
    public func state(of block: MutableBlock) throws(BlockPoolError) -> BlockState {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in try core.state(of: block) }
    }

    /// Reset → Partial: starts a sequence block seeded with `saltHash`, chained to `parent` (nil for
    /// the first block of a sequence).
    public func initializeSequence(_ block: MutableBlock, saltHash: SaltHash = .zero, parent: SequenceHash? = nil) throws(BlockPoolError) {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in
            try core.initializeSequence(block, saltHash: saltHash.value, parent: parent?.value)
        }
    }

    /// Adds tokens to a Partial block; throws `blockFull` (adding nothing) past the page size.
    public func addTokens(_ block: MutableBlock, _ tokens: [Token]) throws(BlockPoolError) {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in try core.addTokens(block, tokens) }
    }

    /// Adds one token to a Partial block.
    public func addToken(_ block: MutableBlock, _ token: Token) throws(BlockPoolError) {
        try addTokens(block, [token])
    }

    /// Removes the last `count` tokens of a Partial block: `negativeCount` for `count < 0`,
    /// `blockEmpty` when it holds none, `insufficientTokens` when it holds fewer than `count`;
    /// nothing is removed when it throws.
    public func popTokens(_ block: MutableBlock, count: Int) throws(BlockPoolError) {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in try core.popTokens(block, count: count) }
    }

    /// Removes the last token of a Partial block.
    public func popToken(_ block: MutableBlock) throws(BlockPoolError) {
        try popTokens(block, count: 1)
    }

    /// The tokens the block holds.
    public func tokens(of block: MutableBlock) throws(BlockPoolError) -> [Token] {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in try core.tokens(of: block) }
    }

    /// Partial → Complete with hashes the caller computed (for example from a token block sequence):
    /// also accepted from Reset (Dynamo's `apply_token_block`). `tokens`, when given, must be one
    /// full page (`blockIncomplete` otherwise).
    public func markComplete(_ block: MutableBlock, sequenceHash: SequenceHash, parent: SequenceHash? = nil, tokens: [Token]? = nil) throws(BlockPoolError) {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in
            try core.markComplete(block, sequenceHash: sequenceHash.value, parent: parent?.value, tokens: tokens)
        }
    }

    /// Reset or Partial → Complete from a hashed token block (Dynamo's `apply_token_block`); the
    /// block must hold exactly one page of tokens (`blockIncomplete` otherwise).
    public func apply(_ tokenBlock: TokenBlock, to block: MutableBlock) throws(BlockPoolError) {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in
            try core.markComplete(
                block, sequenceHash: tokenBlock.sequenceHash.value, parent: tokenBlock.parentSequenceHash?.value,
                tokens: tokenBlock.tokens
            )
            core.saltHashes[block.blockID] = tokenBlock.saltHash.value
        }
    }

    /// Partial holding exactly `pageSize` tokens → Complete, hashing them as Dynamo does (xxh3-64
    /// seeded with the salt hash, chained to the parent); `blockIncomplete` with fewer tokens.
    public func commit(_ block: MutableBlock) throws(BlockPoolError) {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in try core.commit(block) }
    }

    /// Any unregistered state → Reset; the caller keeps the block.
    public func reset(_ block: MutableBlock) throws(BlockPoolError) {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in try core.resetBlock(block) }
    }

    /// Sets the eviction priority (lower is evicted first; 0 after a reset). It is also the block's
    /// offload priority in a `KVBlockManager`.
    public func setPriority(_ block: MutableBlock, _ priority: UInt32) throws(BlockPoolError) {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in try core.setPriority(block, priority) }
    }

    /// The sequence hash of a Complete block; `invalidState` before that.
    public func sequenceHash(of block: MutableBlock) throws(BlockPoolError) -> SequenceHash {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in SequenceHash(try core.sequenceHash(of: block)) }
    }

    /// The parent sequence hash of a Complete block (nil for a first block); `invalidState` before that.
    public func parentSequenceHash(of block: MutableBlock) throws(BlockPoolError) -> SequenceHash? {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in try core.parentSequenceHash(of: block).map(SequenceHash.init) }
    }
}

extension BlockPool {
    /// Marks a run of blocks Complete as one chain under one lock: block i gets `sequenceHashes[i]`,
    /// chained to block i − 1 (the first to `parent`). The fast path for a request's new blocks.
    /// Validates every block first; on error nothing changes (`countMismatch` when the counts differ).
    public func markCompleteChain(_ blocks: [MutableBlock], sequenceHashes: [SequenceHash], parent: SequenceHash? = nil) throws(BlockPoolError) {
        guard blocks.count == sequenceHashes.count else {
            throw .countMismatch(blocks: blocks.count, hashes: sequenceHashes.count)
        }
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in
            for block in blocks {
                let state = try core.state(of: block)
                guard state == .reset || state == .partial else {
                    throw .invalidState(blockID: block.blockID, state: state, operation: "mark complete")
                }
            }
            var previous = parent?.value
            for (block, hash) in zip(blocks, sequenceHashes) {
                try core.markComplete(block, sequenceHash: hash.value, parent: previous, tokens: nil)
                previous = hash.value
            }
        }
    }
}

extension BlockPool {
    /// The state of block `id` whoever holds it (for inspection and tools).
    /// - Throws: `blockIndexOutOfRange` unless `0 <= id < total`.
    public func state(ofBlockID id: Int) throws(BlockPoolError) -> BlockState {
        try withCore { (core: inout BlockPoolCore) throws(BlockPoolError) in
            guard id >= 0, id < core.total else { throw .blockIndexOutOfRange(blockID: id, total: core.total) }
            return core.slots[id].state
        }
    }
}
