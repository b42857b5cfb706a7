import Foundation
import MMSBKV
import Testing

/// Eviction protects blocks whose write-through offload is still queued (issue 9, item 11.2),
/// deterministically in `.manual` mode: such a block is passed over while another candidate is
/// left, and evicted only after the allocation completed the queued offloads.
@Suite struct KVManagerPendingOffloadTests {
    private func count(_ table: [KVTransferStatistics.Pair: Int], _ from: KVTier = .device, _ to: KVTier = .host) -> Int {
        KVTransferStatistics.count(table, from, to)
    }

    @Test func evictionPassesOverABlockWhoseOffloadIsPending() throws {
        let manager = try ManagerFixture.manager(device: 2, host: 4)
        let device = try manager.tier(.device)
        let host = try manager.tier(.host)
        try device.pool.releaseBlocking(try ManagerFixture.writeChain(manager, [1]))
        manager.processOffloads()  // 1 is on the host now
        try device.pool.releaseBlocking(try ManagerFixture.writeChain(manager, [2]))  // 2 is pending
        device.pool.touchBlocksBlocking(PoolFixture.hashes([1]))  // without the protection 2 would go first
        #expect(manager.pendingOffloads == 1)

        let taken = try device.pool.allocateBlocksBlocking(1)
        #expect(PoolFixture.cached(device.pool, [1, 2]) == [2])
        #expect(manager.pendingOffloads == 1)  // nothing had to be completed early
        #expect(!host.pool.contains(SequenceHash(2)))

        manager.processOffloads()
        #expect(PoolFixture.cached(host.pool, [1, 2]) == [1, 2])
        #expect(count(manager.statistics.offloaded) == 2)
        #expect(count(manager.statistics.skipped) == 0)
        try device.pool.releaseBlocking(taken)
        #expect(device.pool.available == 2)
    }

    @Test func allocationCompletesPendingOffloadsBeforeEvictingThem() throws {
        let manager = try ManagerFixture.manager(device: 2, host: 4)
        let device = try manager.tier(.device)
        let host = try manager.tier(.host)
        let written = try ManagerFixture.writeChain(manager, [1, 2], seed: 5)
        let expected = try written.map { try ManagerFixture.bytes(manager, .device, $0) }
        try device.pool.releaseBlocking(written)
        #expect(manager.pendingOffloads == 2)

        // Every candidate waits for its offload: the allocation runs them first, then evicts.
        let taken = try device.pool.allocateBlocksBlocking(2)
        #expect(manager.pendingOffloads == 0)
        #expect(PoolFixture.cached(device.pool, [1, 2]).isEmpty)
        #expect(count(manager.statistics.offloaded) == 2)
        #expect(count(manager.statistics.skipped) == 0)
        let onHost = host.pool.matchSequenceHashesBlocking(PoolFixture.hashes([1, 2]))
        #expect(try onHost.map { try ManagerFixture.bytes(manager, .host, $0) } == expected)
        try host.pool.releaseBlocking(onHost)
        try device.pool.releaseBlocking(taken)
    }

    @Test func aPendingChildKeepsItsParentCached() throws {
        let manager = try ManagerFixture.manager(device: 3, host: 8)
        let device = try manager.tier(.device)
        let host = try manager.tier(.host)
        try device.pool.releaseBlocking(try ManagerFixture.writeChain(manager, [1]))
        try device.pool.releaseBlocking(try ManagerFixture.writeChain(manager, [9]))
        manager.processOffloads()
        // 2 continues the chain of 1 and is pending; 9 is touched, so 2 is the older leaf.
        let child = try device.pool.allocateBlocksBlocking(1)
        try device.pool.markCompleteChain(child, sequenceHashes: PoolFixture.hashes([2]), parent: SequenceHash(1))
        try device.pool.releaseBlocking(try device.pool.registerBlocksBlocking(child))
        device.pool.touchBlocksBlocking(PoolFixture.hashes([9]))

        // Leaves are 2 (pending) and 9; 1 is not a leaf. The eviction takes 9.
        let first = try device.pool.allocateBlocksBlocking(1)
        #expect(PoolFixture.cached(device.pool, [1, 2, 9]) == [1, 2])
        #expect(manager.pendingOffloads == 1)

        // Only the pending leaf is left: its offload is completed, then it is evicted, never its parent.
        let second = try device.pool.allocateBlocksBlocking(1)
        #expect(PoolFixture.cached(device.pool, [1, 2, 9]) == [1])
        #expect(PoolFixture.cached(host.pool, [1, 2, 9]) == [1, 2, 9])
        #expect(count(manager.statistics.offloaded) == 3)
        #expect(manager.pendingOffloads == 0)
        try device.pool.releaseBlocking(first + second)
    }

    @Test func anExplicitOffloadIsProtectedToo() throws {
        let manager = try ManagerFixture.manager(device: 1, host: 4)
        let device = try manager.tier(.device)
        let host = try manager.tier(.host)
        let held = try ManagerFixture.writeChain(manager, [7])
        manager.processOffloads()
        _ = host.pool.resetCacheBlocking()  // the host loses 7 again
        try manager.offload(held, from: .device)
        try device.pool.releaseBlocking(held)
        let taken = try device.pool.allocateBlocksBlocking(1)
        #expect(host.pool.contains(SequenceHash(7)))
        #expect(count(manager.statistics.offloaded) == 2)
        try device.pool.releaseBlocking(taken)
    }

    @Test func resettingTheCacheStillDropsPendingBlocks() throws {
        let manager = try ManagerFixture.manager(device: 2, host: 4)
        let device = try manager.tier(.device)
        try device.pool.releaseBlocking(try ManagerFixture.writeChain(manager, [1]))
        #expect(device.pool.resetCacheBlocking() == 1)
        manager.processOffloads()
        #expect(count(manager.statistics.skipped) == 1)
        #expect(!(try manager.tier(.host)).pool.contains(SequenceHash(1)))
        #expect(device.pool.available == 2)
    }

    @Test func theDrainerSavesHostBlocksToDiskBeforeReusingThem() throws {
        let directory = try KVTemporaryDirectory("pending-offload")
        let manager = try ManagerFixture.manager(device: 4, host: 1, disk: 4, diskDirectory: directory.path, filter: nil)
        let device = try manager.tier(.device)
        try device.pool.releaseBlocking(try ManagerFixture.writeChain(manager, [1]))
        try device.pool.releaseBlocking(try ManagerFixture.writeChain(manager, [2]))
        // Copying 2 to the one-block host needs the host block that still holds 1, whose own
        // offload to disk is queued behind: the drainer saves 1 to disk first.
        manager.processOffloads()
        #expect(PoolFixture.cached(try manager.tier(.disk).pool, [1, 2]) == [1, 2])
        #expect(PoolFixture.cached(try manager.tier(.host).pool, [1, 2]) == [2])
        #expect(count(manager.statistics.offloaded, .host, .disk) == 2)
        #expect(count(manager.statistics.skipped, .host, .disk) == 0)
        #expect(count(manager.statistics.offloaded) == 2)
    }

    @Test func aPoolWhoseManagerIsGoneStillAllocates() throws {
        var manager: KVBlockManager? = try ManagerFixture.manager(device: 1, host: 4)
        let device = try #require(manager).tier(.device)
        try device.pool.releaseBlocking(try ManagerFixture.writeChain(try #require(manager), [1]))
        manager = nil
        // The pending offload can never run now; the block is evicted rather than waited for.
        let taken = try device.pool.allocateBlocksBlocking(1)
        #expect(!device.pool.contains(SequenceHash(1)))
        try device.pool.releaseBlocking(taken)
    }
}
