import MMSBKV
import Testing

/// Allocation, registration, deduplication and matching (spec §1.4).
@Suite struct KVPoolAllocationTests {
    @Test func allocationIsAllOrNothing() throws {
        let pool = try PoolFixture.pool(4)
        #expect(pool.total == 4)
        #expect(pool.available == 4)
        let three = try pool.allocateBlocksBlocking(3)
        #expect(three.count == 3)
        #expect(pool.available == 1)
        #expect(throws: BlockPoolError.notEnoughBlocksAvailable(requested: 2, available: 1)) {
            try pool.allocateBlocksBlocking(2)
        }
        #expect(pool.available == 1)
        #expect(try pool.allocateBlocksBlocking(0).isEmpty)
        #expect(throws: BlockPoolError.negativeCount(operation: "allocateBlocks", count: -1)) {
            try pool.allocateBlocksBlocking(-1)
        }
        try pool.releaseBlocking(three)
        #expect(pool.available == 4)
    }

    @Test func exhaustionThenReleaseMakesRoom() async throws {
        let pool = try PoolFixture.pool(8)
        let all = try await pool.allocateBlocks(8)
        #expect(Set(all.map(\.blockID)) == Set(0..<8))
        await #expect(throws: BlockPoolError.notEnoughBlocksAvailable(requested: 1, available: 0)) {
            try await pool.allocateBlocks(1)
        }
        try await pool.release(Array(all.prefix(2)))
        #expect(try await pool.allocateBlocks(2).count == 2)
    }

    @Test func resetBlocksAreHandedOutOldestReturnedFirst() throws {
        let pool = try PoolFixture.pool(3)
        let blocks = try pool.allocateBlocksBlocking(3)
        try pool.releaseBlocking([blocks[2]])
        try pool.releaseBlocking([blocks[0]])
        try pool.releaseBlocking([blocks[1]])
        #expect(try pool.allocateBlocksBlocking(3).map(\.blockID) == [2, 0, 1])
    }

    @Test func registrationReturnsBlocksInInputOrder() throws {
        let pool = try PoolFixture.pool(4)
        let blocks = try pool.allocateBlocksBlocking(3)
        for (block, hash) in zip(blocks, [30, 10, 20] as [UInt64]) {
            try pool.markComplete(block, sequenceHash: SequenceHash(hash))
        }
        let registered = try pool.registerBlocksBlocking([blocks[2], blocks[0], blocks[1]])
        #expect(registered.map(\.blockID) == [blocks[2].blockID, blocks[0].blockID, blocks[1].blockID])
        #expect(registered.map(\.sequenceHash.value) == [20, 30, 10])
    }

    @Test func registeredBlocksStayMatchableAfterRelease() throws {
        let pool = try PoolFixture.pool(4)
        let chain = try PoolFixture.registerChain(pool, [1, 2, 3])
        #expect(pool.available == 1)
        try pool.releaseBlocking(chain)
        #expect(pool.available == 4)
        #expect(pool.inactiveCount == 3)
        let matched = pool.matchSequenceHashesBlocking(PoolFixture.hashes([1, 2, 3]))
        #expect(matched.map(\.blockID) == chain.map(\.blockID))
        #expect(pool.available == 1)
        try pool.releaseBlocking(matched)
        #expect(pool.liveLeases == 0)
    }

    @Test func matchingStopsAtTheFirstMiss() async throws {
        let pool = try PoolFixture.pool(4)
        let chain = try PoolFixture.registerChain(pool, [1, 2, 3])
        let matched = await pool.matchSequenceHashes(PoolFixture.hashes([1, 2, 99, 3]))
        #expect(matched.map(\.sequenceHash.value) == [1, 2])
        #expect(pool.matchSequenceHashesBlocking(PoolFixture.hashes([99, 1])).isEmpty)
        #expect(pool.matchSequenceHashesBlocking([]).isEmpty)
        try pool.releaseBlocking(matched + chain)
    }

    @Test func activeMatchesShareTheBlock() throws {
        let pool = try PoolFixture.pool(2)
        let chain = try PoolFixture.registerChain(pool, [5])
        let again = pool.matchSequenceHashesBlocking(PoolFixture.hashes([5]))
        #expect(again.map(\.blockID) == chain.map(\.blockID))
        #expect(pool.available == 1)
        try pool.releaseBlocking(chain)
        // Still held by the match: not evictable.
        #expect(pool.available == 1)
        try pool.releaseBlocking(again)
        #expect(pool.available == 2)
    }

    // Spec §1.4 duplication table, Allowed: the duplicate's own id, total − 2 while both are held.
    @Test func duplicationAllowedKeepsTheDuplicate() throws {
        let pool = try PoolFixture.pool(4, duplication: .allowed)
        let first = try PoolFixture.registerChain(pool, [42])
        let second = try PoolFixture.registerChain(pool, [42])
        #expect(first[0].blockID != second[0].blockID)
        #expect(second[0].sequenceHash == first[0].sequenceHash)
        #expect(pool.available == 2)
        // Matching finds the primary.
        let matched = pool.matchSequenceHashesBlocking(PoolFixture.hashes([42]))
        #expect(matched.map(\.blockID) == [first[0].blockID])
        try pool.releaseBlocking(matched)
        // Dropping the primary's lease keeps it alive through the duplicate.
        try pool.releaseBlocking(first)
        #expect(pool.available == 2)
        #expect(pool.inactiveCount == 0)
        // Dropping the duplicate resets it and leaves one inactive cached copy.
        try pool.releaseBlocking(second)
        #expect(pool.available == 4)
        #expect(pool.inactiveCount == 1)
        #expect(pool.contains(SequenceHash(42)))
    }

    // Spec §1.4 duplication table, Disabled: the primary's id, total − 1 while both are held.
    @Test func duplicationDisabledReturnsThePrimary() throws {
        let pool = try PoolFixture.pool(4, duplication: .disabled)
        let first = try PoolFixture.registerChain(pool, [42])
        let second = try PoolFixture.registerChain(pool, [42])
        #expect(second[0].blockID == first[0].blockID)
        #expect(pool.available == 3)
        try pool.releaseBlocking(first)
        #expect(pool.available == 3)
        try pool.releaseBlocking(second)
        #expect(pool.available == 4)
        #expect(pool.inactiveCount == 1)
    }

    // Spec §1.4 step 3: a hash in the inactive pool is promoted; under Allowed ours is the duplicate.
    @Test func deduplicationAgainstAnInactiveBlock() throws {
        for mode in [DuplicationMode.allowed, .disabled] {
            let pool = try PoolFixture.pool(4, duplication: mode)
            let first = try PoolFixture.registerChain(pool, [8])
            try pool.releaseBlocking(first)
            #expect(pool.inactiveCount == 1)
            let second = try PoolFixture.registerChain(pool, [8])
            #expect(pool.inactiveCount == 0)
            #expect(pool.available == (mode == .allowed ? 2 : 3))
            #expect((second[0].blockID == first[0].blockID) == (mode == .disabled))
            try pool.releaseBlocking(second)
            #expect(pool.available == 4)
            #expect(pool.inactiveCount == 1)
        }
    }

    @Test func intoFormsAppendToReusedArrays() throws {
        let pool = try PoolFixture.pool(4)
        var blocks: [MutableBlock] = []
        try pool.allocateBlocksBlocking(2, into: &blocks)
        #expect(throws: BlockPoolError.notEnoughBlocksAvailable(requested: 3, available: 2)) {
            try pool.allocateBlocksBlocking(3, into: &blocks)
        }
        #expect(blocks.count == 2)
        try pool.markCompleteChain(blocks, sequenceHashes: PoolFixture.hashes([1, 2]))
        var registered: [ImmutableBlock] = []
        try pool.registerBlocksBlocking(blocks, into: &registered)
        var matched: [ImmutableBlock] = []
        #expect(pool.matchSequenceHashesBlocking(PoolFixture.hashes([1, 2, 3]), into: &matched) == 2)
        #expect(pool.matchSequenceHashesBlocking(PoolFixture.hashes([1]), into: &matched) == 1)
        #expect(matched.map(\.blockID) == [blocks[0].blockID, blocks[1].blockID, blocks[0].blockID])
        try pool.releaseBlocking(registered + matched)
        #expect(pool.liveLeases == 0)
        #expect(pool.available == 4)
    }

    @Test func neverUsedBlocksGoBeforeAnyCachedBlock() throws {
        let pool = try PoolFixture.pool(4)
        try pool.releaseBlocking(try PoolFixture.registerChain(pool, [1, 2]))
        let fresh = try pool.allocateBlocksBlocking(2)
        #expect(PoolFixture.cached(pool, [1, 2]) == [1, 2])
        // A reset (unregistered) block given back is also used before the cache.
        try pool.releaseBlocking(fresh)
        _ = try pool.allocateBlocksBlocking(2)
        #expect(PoolFixture.cached(pool, [1, 2]) == [1, 2])
        _ = try pool.allocateBlocksBlocking(1)
        #expect(PoolFixture.cached(pool, [1, 2]) == [1])
    }

    @Test func resetCacheClearsOnlyInactiveBlocks() async throws {
        let pool = try PoolFixture.pool(6)
        let held = try PoolFixture.registerChain(pool, [1, 2])
        try pool.releaseBlocking(try PoolFixture.registerChain(pool, [10, 11, 12]))
        #expect(await pool.resetCache() == 3)
        #expect(PoolFixture.cached(pool, [1, 2, 10, 11, 12]) == [1, 2])
        #expect(pool.available == 4)
        try pool.releaseBlocking(held)
        #expect(pool.resetCacheBlocking() == 2)
        #expect(pool.inactiveCount == 0)
        #expect(pool.available == 6)
    }
}
