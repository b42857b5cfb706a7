import MMSBKV
import Testing

/// A handle cannot be used after it went back to the pool.
@Suite struct KVPoolOwnershipTests {
    @Test func aReleasedMutableBlockIsRefused() throws {
        let pool = try PoolFixture.pool(2)
        let block = try #require(try pool.allocateBlocksBlocking(1).first)
        try pool.releaseBlocking([block])
        let stale = BlockPoolError.staleBlock(blockID: block.blockID)
        #expect(throws: stale) { try pool.releaseBlocking([block]) }
        #expect(throws: stale) { try pool.initializeSequence(block) }
        #expect(throws: stale) { try pool.markComplete(block, sequenceHash: SequenceHash(1)) }
        #expect(throws: stale) { try pool.registerBlocksBlocking([block]) }
        #expect(!pool.isValid(block))
        // Even once the slot is handed out again, the old handle stays refused.
        let again = try pool.allocateBlocksBlocking(2)
        #expect(again.contains { $0.blockID == block.blockID })
        #expect(throws: stale) { try pool.state(of: block) }
        #expect(pool.available == 0)
    }

    @Test func aReleaseWithOneStaleBlockReleasesNothing() throws {
        let pool = try PoolFixture.pool(3)
        let blocks = try pool.allocateBlocksBlocking(2)
        try pool.releaseBlocking([blocks[0]])
        #expect(throws: BlockPoolError.staleBlock(blockID: blocks[0].blockID)) {
            try pool.releaseBlocking([blocks[1], blocks[0]])
        }
        #expect(pool.isValid(blocks[1]))
        #expect(pool.available == 2)
    }

    @Test func aReleasedLeaseIsRefusedWhileOthersKeepTheBlock() throws {
        let pool = try PoolFixture.pool(2)
        let mine = try PoolFixture.registerChain(pool, [7])[0]
        let theirs = try pool.clone(mine)
        try pool.releaseBlocking([mine])
        #expect(!pool.isValid(mine))
        #expect(pool.isValid(theirs))
        #expect(throws: BlockPoolError.staleBlock(blockID: mine.blockID)) { try pool.releaseBlocking([mine]) }
        #expect(throws: BlockPoolError.staleBlock(blockID: mine.blockID)) { try pool.clone(mine) }
        #expect(pool.available == 1)
        try pool.releaseBlocking([theirs])
        #expect(pool.available == 2)
        #expect(pool.liveLeases == 0)
    }

    @Test func aHandleFromAnotherPoolIsRefused() throws {
        let a = try PoolFixture.pool(2)
        let b = try PoolFixture.pool(2)
        let block = try #require(try a.allocateBlocksBlocking(1).first)
        #expect(throws: BlockPoolError.foreignBlock(blockID: block.blockID)) { try b.releaseBlocking([block]) }
        let registered = try PoolFixture.registerChain(a, [1])
        #expect(throws: BlockPoolError.foreignBlock(blockID: registered[0].blockID)) { try b.releaseBlocking(registered) }
        #expect(b.available == 2)
    }

    @Test func anEvictedBlocksMutableHandleIsGone() throws {
        let pool = try PoolFixture.pool(1)
        let block = try #require(try pool.allocateBlocksBlocking(1).first)
        try pool.markComplete(block, sequenceHash: SequenceHash(1))
        let registered = try pool.registerBlocksBlocking([block])
        #expect(throws: BlockPoolError.staleBlock(blockID: block.blockID)) { try pool.releaseBlocking([block]) }
        try pool.releaseBlocking(registered)
        _ = try pool.allocateBlocksBlocking(1)  // evicts hash 1
        #expect(throws: BlockPoolError.staleBlock(blockID: registered[0].blockID)) { try pool.releaseBlocking(registered) }
    }
}

/// Batch releases are all or nothing.
@Suite struct KVPoolBatchReleaseTests {
    @Test func aMutableBlockGivenTwiceReleasesNothing() throws {
        let pool = try PoolFixture.pool(3)
        let blocks = try pool.allocateBlocksBlocking(2)
        #expect(throws: BlockPoolError.staleBlock(blockID: blocks[0].blockID)) {
            try pool.releaseBlocking([blocks[0], blocks[1], blocks[0]])
        }
        #expect(pool.available == 1)
        #expect(pool.isValid(blocks[0]) && pool.isValid(blocks[1]))
        try pool.releaseBlocking(blocks)
        #expect(pool.available == 3)
    }

    @Test func aLeaseGivenTwiceOrStaleReleasesNothing() throws {
        let pool = try PoolFixture.pool(3)
        let chain = try PoolFixture.registerChain(pool, [1, 2])
        #expect(throws: BlockPoolError.staleBlock(blockID: chain[1].blockID)) {
            try pool.releaseBlocking([chain[0], chain[1], chain[1]])
        }
        #expect(pool.liveLeases == 2)
        let extra = try pool.clone(chain[0])
        try pool.releaseBlocking([extra])
        #expect(throws: BlockPoolError.staleBlock(blockID: extra.blockID)) { try pool.releaseBlocking([chain[1], extra]) }
        #expect(pool.liveLeases == 2)
        try pool.releaseBlocking(chain)
        #expect(pool.liveLeases == 0)
        #expect(pool.available == 3)
    }
}
