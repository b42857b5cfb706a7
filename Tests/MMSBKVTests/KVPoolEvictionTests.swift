import MMSBKV
import Testing

/// Eviction order (spec §1.5): leaves first, lowest priority first, then least recently returned.
@Suite struct KVPoolEvictionTests {
    /// Evicts one cached block by allocating past the free blocks and returns which hash went.
    private func evictOne(_ pool: BlockPool, among hashes: [UInt64]) throws -> [UInt64] {
        let before = PoolFixture.cached(pool, hashes)
        _ = try pool.allocateBlocksBlocking(1)
        let after = Set(PoolFixture.cached(pool, hashes))
        return before.filter { !after.contains($0) }
    }

    // Dynamo's leaf-aware test: a 4-block chain loses its tail first, even when released head first.
    @Test func aChainLosesItsTailFirst() throws {
        let pool = try PoolFixture.pool(4)
        let chain = try PoolFixture.registerChain(pool, [1, 2, 3, 4])
        for block in chain { try pool.releaseBlocking([block]) }  // head first: 1 is least recently returned
        let order = try (0..<4).flatMap { _ in try evictOne(pool, among: [1, 2, 3, 4]) }
        #expect(order == [4, 3, 2, 1])
    }

    // A root with two children loses both children before the root.
    @Test func aRootOutlivesItsChildren() throws {
        let pool = try PoolFixture.pool(3)
        let root = try PoolFixture.registerChain(pool, [100])
        let left = try PoolFixture.registerChain(pool, [101], parent: 100)
        let right = try PoolFixture.registerChain(pool, [102], parent: 100)
        try pool.releaseBlocking(root)
        try pool.releaseBlocking(left)
        try pool.releaseBlocking(right)
        let order = try (0..<3).flatMap { _ in try evictOne(pool, among: [100, 101, 102]) }
        #expect(order == [101, 102, 100])
    }

    // Matching and returning the root does not break the parent / child bookkeeping.
    @Test func rematchingTheRootKeepsBookkeeping() throws {
        let pool = try PoolFixture.pool(3)
        try pool.releaseBlocking(try PoolFixture.registerChain(pool, [1, 2, 3]))
        let root = pool.matchSequenceHashesBlocking(PoolFixture.hashes([1]))
        try pool.releaseBlocking(root)  // the root is now the most recently returned, still not a leaf
        let order = try (0..<3).flatMap { _ in try evictOne(pool, among: [1, 2, 3]) }
        #expect(order == [3, 2, 1])
    }

    @Test func matchingAChildMakesItsParentALeafAgain() throws {
        let pool = try PoolFixture.pool(3)
        try pool.releaseBlocking(try PoolFixture.registerChain(pool, [1, 2]))
        _ = try pool.allocateBlocksBlocking(1)  // the one free block
        let held = pool.matchSequenceHashesBlocking(PoolFixture.hashes([1, 2]))
        #expect(held.count == 2)
        try pool.releaseBlocking([held[0]])  // 1 is inactive, its child 2 is held: 1 is a leaf
        #expect(try evictOne(pool, among: [1, 2]) == [1])
        try pool.releaseBlocking([held[1]])
    }

    @Test func lowerPriorityIsEvictedFirst() throws {
        let pool = try PoolFixture.pool(3)
        let high = try PoolFixture.registerChain(pool, [1], priority: 9)
        let low = try PoolFixture.registerChain(pool, [2], priority: 1)
        let mid = try PoolFixture.registerChain(pool, [3], priority: 5)
        try pool.releaseBlocking(low)  // returned first, but the order is by priority first
        try pool.releaseBlocking(high)
        try pool.releaseBlocking(mid)
        let order = try (0..<3).flatMap { _ in try evictOne(pool, among: [1, 2, 3]) }
        #expect(order == [2, 3, 1])
    }

    @Test func equalPriorityGoesLeastRecentlyReturnedFirst() throws {
        let pool = try PoolFixture.pool(3)
        let a = try PoolFixture.registerChain(pool, [1])
        let b = try PoolFixture.registerChain(pool, [2])
        let c = try PoolFixture.registerChain(pool, [3])
        try pool.releaseBlocking(b)
        try pool.releaseBlocking(c)
        try pool.releaseBlocking(a)
        let order = try (0..<3).flatMap { _ in try evictOne(pool, among: [1, 2, 3]) }
        #expect(order == [2, 3, 1])
    }

    @Test func touchRefreshesRecency() async throws {
        let pool = try PoolFixture.pool(3)
        for hash in [1, 2, 3] as [UInt64] { try pool.releaseBlocking(try PoolFixture.registerChain(pool, [hash])) }
        // Touch stops at the first unregistered hash: 3 is not refreshed.
        #expect(await pool.touchBlocks(PoolFixture.hashes([1, 99, 3])) == 1)
        let order = try (0..<3).flatMap { _ in try evictOne(pool, among: [1, 2, 3]) }
        #expect(order == [2, 3, 1])
    }

    @Test func evictionOnlyWhenNoResetBlockIsLeft() throws {
        let pool = try PoolFixture.pool(5)
        try pool.releaseBlocking(try PoolFixture.registerChain(pool, [1, 2, 3]))
        // 2 fresh blocks plus 3 cached: asking for 4 evicts exactly 2, tail first.
        _ = try pool.allocateBlocksBlocking(4)
        #expect(PoolFixture.cached(pool, [1, 2, 3]) == [1])
    }

    @Test func forgedParentCyclesStillEvict() throws {
        // Real chained hashes cannot form a cycle; forged ones must still not wedge the pool.
        let pool = try PoolFixture.pool(2)
        let blocks = try pool.allocateBlocksBlocking(2)
        try pool.markComplete(blocks[0], sequenceHash: SequenceHash(1), parent: SequenceHash(2))
        try pool.markComplete(blocks[1], sequenceHash: SequenceHash(2), parent: SequenceHash(1))
        try pool.releaseBlocking(try pool.registerBlocksBlocking(blocks))
        #expect(pool.available == 2)
        #expect(try pool.allocateBlocksBlocking(2).count == 2)
        #expect(PoolFixture.cached(pool, [1, 2]).isEmpty)
    }
}
