import Foundation
import MetricsTestKit
import MMSBKV
import Testing

/// Write-through offload (spec §1.8): queue order, skipped, dropped, filtered, failed.
@Suite struct KVManagerOffloadTests {
    private func count(_ table: [KVTransferStatistics.Pair: Int], _ from: KVTier, _ to: KVTier) -> Int {
        KVTransferStatistics.count(table, from, to)
    }

    @Test func registrationWritesThroughToTheHost() throws {
        let manager = try ManagerFixture.manager()
        let blocks = try ManagerFixture.writeChain(manager, [1, 2, 3])
        #expect(manager.pendingOffloads == 3)
        manager.processOffloads()
        #expect(manager.pendingOffloads == 0)
        let host = try manager.tier(.host)
        #expect(PoolFixture.cached(host.pool, [1, 2, 3]) == [1, 2, 3])
        #expect(count(manager.statistics.offloaded, .device, .host) == 3)
        // Host copies are inactive cache entries; the bytes match the device's.
        #expect(host.pool.available == 8)
        let matched = host.pool.matchSequenceHashesBlocking(PoolFixture.hashes([1, 2, 3]))
        for (deviceBlock, hostBlock) in zip(blocks, matched) {
            #expect(try ManagerFixture.bytes(manager, .host, hostBlock) == ManagerFixture.bytes(manager, .device, deviceBlock))
        }
        try host.pool.releaseBlocking(matched)
        try manager.tier(.device).pool.releaseBlocking(blocks)
    }

    @Test func offloadIsSkippedWhenTheHostHasTheHash() throws {
        let manager = try ManagerFixture.manager()
        let first = try ManagerFixture.writeChain(manager, [1])
        manager.processOffloads()
        // The same hash registered again on the device (a duplicate) is not queued at all, and an
        // explicit offload of it is skipped.
        try manager.offload(first, from: .device)
        manager.processOffloads()
        #expect(count(manager.statistics.offloaded, .device, .host) == 1)
        #expect(count(manager.statistics.skipped, .device, .host) == 1)
    }

    @Test func offloadDoesNotChangeTheSourcesRecency() throws {
        let manager = try ManagerFixture.manager(device: 2, host: 4)
        let device = try manager.tier(.device)
        let a = try ManagerFixture.writeChain(manager, [1])
        let b = try ManagerFixture.writeChain(manager, [2])
        try device.pool.releaseBlocking(b)  // 2 is now the least recently returned
        try device.pool.releaseBlocking(a)
        manager.processOffloads()  // copies 1 then 2, pinning each
        _ = try device.pool.allocateBlocksBlocking(1)
        #expect(PoolFixture.cached(device.pool, [1, 2]) == [1])
    }

    @Test func offloadIsDroppedWhenTheHostIsFull() throws {
        let manager = try ManagerFixture.manager(device: 4, host: 1)
        let host = try manager.tier(.host)
        let held = try host.pool.allocateBlocksBlocking(1)
        _ = try ManagerFixture.writeChain(manager, [1, 2])
        manager.processOffloads()
        #expect(count(manager.statistics.dropped, .device, .host) == 2)
        #expect(PoolFixture.cached(host.pool, [1, 2]).isEmpty)
        // Retry later works once there is room.
        try host.pool.releaseBlocking(held)
        try manager.offload(try manager.tier(.device).pool.matchSequenceHashesBlocking(PoolFixture.hashes([2])), from: .device)
        manager.processOffloads()
        #expect(PoolFixture.cached(host.pool, [1, 2]) == [2])
    }

    @Test func higherPriorityGoesFirstThenFIFO() throws {
        let recorder = RecordingEventManager()
        let manager = try ManagerFixture.manager(events: recorder)
        _ = try ManagerFixture.writeChain(manager, [10], priority: 1)
        _ = try ManagerFixture.writeChain(manager, [20], priority: 5)
        _ = try ManagerFixture.writeChain(manager, [30], priority: 3)
        _ = try ManagerFixture.writeChain(manager, [40], priority: 5)
        manager.processOffloads()
        let hostOrder = recorder.entries.compactMap { entry -> UInt64? in
            if case let .registered(_, hash, .host) = entry { hash } else { nil }
        }
        #expect(hostOrder == [20, 40, 30, 10])
    }

    @Test func diskAdmissionNeedsASecondRequest() throws {
        let directory = NSTemporaryDirectory()
        let manager = try ManagerFixture.manager(device: 4, host: 1, disk: 4, diskDirectory: directory, filter: FrequencyFilter.Configuration())
        let host = try manager.tier(.host)
        let disk = try manager.tier(.disk)
        try manager.tier(.device).pool.releaseBlocking(try ManagerFixture.writeChain(manager, [1]))
        manager.processOffloads()
        #expect(count(manager.statistics.filtered, .host, .disk) == 1)
        #expect(!disk.pool.contains(SequenceHash(1)))
        // Hash 1 leaves the host and comes back: its second offload request is admitted.
        try manager.tier(.device).pool.releaseBlocking(try ManagerFixture.writeChain(manager, [2]))
        manager.processOffloads()
        #expect(!host.pool.contains(SequenceHash(1)))
        let again = try manager.tier(.device).pool.matchSequenceHashesBlocking(PoolFixture.hashes([1]))
        try manager.offload(again, from: .device)
        manager.processOffloads()
        #expect(disk.pool.contains(SequenceHash(1)))
        #expect(count(manager.statistics.offloaded, .host, .disk) == 1)
        try manager.tier(.device).pool.releaseBlocking(again)
    }

    @Test func withoutTheFilterEveryBlockReachesDisk() throws {
        let manager = try ManagerFixture.manager(device: 4, host: 4, disk: 4, diskDirectory: NSTemporaryDirectory(), filter: nil)
        _ = try ManagerFixture.writeChain(manager, [1, 2])
        manager.processOffloads()
        #expect(PoolFixture.cached(try manager.tier(.disk).pool, [1, 2]) == [1, 2])
        #expect(count(manager.statistics.offloaded, .host, .disk) == 2)
        #expect(count(manager.statistics.filtered, .host, .disk) == 0)
    }

    @Test func frequencyFilterDoublesAndDecays() {
        var filter = FrequencyFilter(FrequencyFilter.Configuration(threshold: 4, flushInterval: 100))
        let hash = SequenceHash(9)
        let first = [filter.admit(hash), filter.admit(hash), filter.admit(hash)]  // counts 1, 2, 4
        #expect(first == [false, false, true])
        #expect(filter.count(of: hash) == 4)
        filter.decay()
        #expect(filter.count(of: hash) == 3)
        filter.decay()
        filter.decay()
        filter.decay()
        #expect(filter.count(of: hash) == 0)
        // The interval decays on its own: with interval 2 the second request decays first (1 → 0 → 1).
        var short = FrequencyFilter(FrequencyFilter.Configuration(threshold: 2, flushInterval: 2))
        let second = [short.admit(hash), short.admit(hash), short.admit(hash)]
        #expect(second == [false, false, true])
    }

    @Test func aFailedOffloadCopyRegistersNothing() throws {
        let model = ManagerFixture.model
        let blockBytes = model.numLayers * model.outerDim * model.pageSize * model.innerDim * 2
        let storage = try FailingStorage(byteCount: max(blockBytes * 4, 1 << 16))
        let manager = try ManagerFixture.manager(device: 4, host: 4, hostStorage: .custom(storage))
        storage.setFailing(true)
        _ = try ManagerFixture.writeChain(manager, [1])
        manager.processOffloads()
        let host = try manager.tier(.host)
        #expect(!host.pool.contains(SequenceHash(1)))
        #expect(host.pool.available == 4)
        #expect(count(manager.statistics.offloadFailed, .device, .host) == 1)
    }

    @Test func unregisteredOrStaleBlocksCannotBeOffloaded() throws {
        let manager = try ManagerFixture.manager()
        let device = try manager.tier(.device)
        let block = try #require(try device.pool.allocateBlocksBlocking(1).first)
        #expect(throws: KVBlockManagerError.pool(tier: .device, .invalidState(blockID: block.blockID, state: .reset, operation: "offload an unregistered block"))) {
            try manager.offload(block, from: .device)
        }
        try device.pool.releaseBlocking([block])
        #expect(throws: KVBlockManagerError.pool(tier: .device, .staleBlock(blockID: block.blockID))) {
            try manager.offload(block, from: .device)
        }
        let registered = try ManagerFixture.writeChain(manager, [5])
        try device.pool.releaseBlocking(registered)
        #expect(throws: KVBlockManagerError.pool(tier: .device, .staleBlock(blockID: registered[0].blockID))) {
            try manager.offload(registered, from: .device)
        }
        #expect(throws: KVBlockManagerError.invalidTierPair(from: .host, to: .disk)) {
            try manager.offload([], from: .host)
        }
        #expect(throws: KVBlockManagerError.tierNotConfigured(.disk)) { try manager.offload([], from: .disk) }
    }

    @Test func backgroundOffloadIsAwaitedWithoutSleeping() async throws {
        let manager = try ManagerFixture.manager(device: 16, host: 16, mode: .background)
        let blocks = try ManagerFixture.writeChain(manager, (1...8).map { UInt64($0) })
        await manager.waitForOffloads()
        #expect(manager.pendingOffloads == 0)
        #expect(PoolFixture.cached(try manager.tier(.host).pool, (1...8).map { UInt64($0) }).count == 8)
        try manager.tier(.device).pool.releaseBlocking(blocks)
    }

    @Test func transferMetricsAreCountedPerTierPair() throws {
        let metrics = TestMetrics()
        let manager = try ManagerFixture.manager(device: 4, host: 2, metrics: metrics)
        _ = try ManagerFixture.writeChain(manager, [1])
        manager.processOffloads()  // offloaded
        let held = try manager.tier(.host).pool.allocateBlocksBlocking(2)  // evicts hash 1, holds the host
        _ = try ManagerFixture.writeChain(manager, [2])
        manager.processOffloads()  // dropped
        let dims = [("from", "device"), ("to", "host")]
        #expect(try metrics.expectCounter("mmsb_kv_offload_blocks", dims).totalValue == 1)
        #expect(try metrics.expectCounter("mmsb_kv_offload_dropped", dims).totalValue == 1)
        #expect(try metrics.expectTimer("mmsb_kv_offload_duration", dims).values.count == 1)
        #expect(try metrics.expectCounter("mmsb_kv_blocks_evicted", [("tier", "host")]).totalValue == 1)
        #expect(try metrics.expectCounter("mmsb_kv_blocks_registered", [("tier", "device")]).totalValue == 2)
        #expect(count(manager.statistics.offloaded, .device, .host) == 1)
        #expect(count(manager.statistics.dropped, .device, .host) == 1)
        try manager.tier(.host).pool.releaseBlocking(held)
    }
}
