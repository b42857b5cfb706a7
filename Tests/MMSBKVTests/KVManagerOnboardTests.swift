import Foundation
import MetricsTestKit
import MMSBKV
import Testing

/// Onboard back to the device and byte-equal round trips through every tier.
@Suite struct KVManagerOnboardTests {
    @Test func deviceHostDiskDeviceRoundTripIsByteEqual() throws {
        let manager = try ManagerFixture.manager(device: 4, host: 4, disk: 8, diskDirectory: NSTemporaryDirectory(), filter: nil)
        let hashes: [UInt64] = [11, 12, 13]
        let original = try ManagerFixture.writeChain(manager, hashes, seed: 42)
        let expected = try original.map { try ManagerFixture.bytes(manager, .device, $0) }
        let device = try manager.tier(.device)
        let host = try manager.tier(.host)
        let disk = try manager.tier(.disk)
        try device.pool.releaseBlocking(original)
        manager.processOffloads()
        // Clear the device and host caches: only the disk copies remain.
        #expect(device.pool.resetCacheBlocking() == 3)
        #expect(host.pool.resetCacheBlocking() == 3)
        #expect(PoolFixture.cached(device.pool, hashes).isEmpty)
        let onDisk = disk.pool.matchSequenceHashesBlocking(PoolFixture.hashes(hashes))
        #expect(onDisk.count == 3)
        let back = try manager.onboard(onDisk, from: .disk)
        try disk.pool.releaseBlocking(onDisk)
        #expect(back.map(\.sequenceHash.value) == hashes)
        #expect(try back.map { try ManagerFixture.bytes(manager, .device, $0) } == expected)
        #expect(KVTransferStatistics.count(manager.statistics.onboarded, .disk, .device) == 3)
        // Onboarded blocks are registered like any other: matchable, and chained to their parents.
        #expect(device.pool.matchSequenceHashesBlocking(PoolFixture.hashes(hashes)).count == 3)
        // Registration on the device wrote them through to the (cleared) host again.
        manager.processOffloads()
        #expect(PoolFixture.cached(host.pool, hashes) == hashes)
    }

    @Test func hostToDeviceOnboardKeepsHashesAndBytes() async throws {
        let manager = try ManagerFixture.manager(device: 2, host: 4)
        let device = try manager.tier(.device)
        let host = try manager.tier(.host)
        let original = try ManagerFixture.writeChain(manager, [1, 2], seed: 9)
        let expected = try original.map { try ManagerFixture.bytes(manager, .device, $0) }
        try device.pool.releaseBlocking(original)
        manager.processOffloads()
        device.pool.resetCacheBlocking()
        let fromHost = host.pool.matchSequenceHashesBlocking(PoolFixture.hashes([1, 2]))
        let back = try await manager.onboardBlocks(fromHost, from: .host)
        #expect(back.map(\.sequenceHash.value) == [1, 2])
        #expect(try back.map { try ManagerFixture.bytes(manager, .device, $0) } == expected)
        try host.pool.releaseBlocking(fromHost)
        try device.pool.releaseBlocking(back)
        #expect(device.pool.liveLeases == 0)
        #expect(host.pool.liveLeases == 0)
    }

    @Test func onboardIsAllOrNothing() throws {
        let manager = try ManagerFixture.manager(device: 2, host: 4)
        let device = try manager.tier(.device)
        let host = try manager.tier(.host)
        try device.pool.releaseBlocking(try ManagerFixture.writeChain(manager, [1, 2]))
        manager.processOffloads()
        device.pool.resetCacheBlocking()
        let held = try device.pool.allocateBlocksBlocking(1)
        let fromHost = host.pool.matchSequenceHashesBlocking(PoolFixture.hashes([1, 2]))
        #expect(throws: KVBlockManagerError.pool(tier: .device, .notEnoughBlocksAvailable(requested: 2, available: 1))) {
            try manager.onboard(fromHost, from: .host)
        }
        #expect(PoolFixture.cached(device.pool, [1, 2]).isEmpty)
        #expect(device.pool.available == 1)
        try device.pool.releaseBlocking(held)
        try host.pool.releaseBlocking(fromHost)
    }

    // Dynamo's severe bug (spec §5 #14): a failed transfer marked complete served another request's KV.
    @Test func aFailedOnboardRegistersNothing() throws {
        let model = ManagerFixture.model
        let blockBytes = model.numLayers * model.outerDim * model.pageSize * model.innerDim * 2
        let storage = try FailingStorage(byteCount: max(blockBytes * 4, 1 << 16))
        let metrics = TestMetrics()
        let manager = try ManagerFixture.manager(device: 4, host: 4, hostStorage: .custom(storage), metrics: metrics)
        let device = try manager.tier(.device)
        let host = try manager.tier(.host)
        try device.pool.releaseBlocking(try ManagerFixture.writeChain(manager, [1, 2]))
        manager.processOffloads()
        device.pool.resetCacheBlocking()
        let fromHost = host.pool.matchSequenceHashesBlocking(PoolFixture.hashes([1, 2]))
        #expect(fromHost.count == 2)
        storage.setFailing(true)
        #expect {
            try manager.onboard(fromHost, from: .host)
        } throws: { error in
            guard case let .transferFailed(from, to, block, _) = error as? KVBlockManagerError else { return false }
            return from == .host && to == .device && block == fromHost[0].blockID
        }
        #expect(PoolFixture.cached(device.pool, [1, 2]).isEmpty)
        #expect(device.pool.available == 4)
        #expect(KVTransferStatistics.count(manager.statistics.onboardFailed, .host, .device) == 1)
        #expect(try metrics.expectCounter("mmsb_kv_onboard_failed", [("from", "host"), ("to", "device")]).totalValue == 1)
        storage.setFailing(false)
        let back = try manager.onboard(fromHost, from: .host)
        #expect(back.count == 2)
        #expect(try metrics.expectCounter("mmsb_kv_onboard_blocks", [("from", "host"), ("to", "device")]).totalValue == 2)
    }

    @Test func onboardRefusesBadInput() throws {
        let manager = try ManagerFixture.manager(device: 2, host: 2)
        let device = try manager.tier(.device)
        let host = try manager.tier(.host)
        #expect(throws: KVBlockManagerError.invalidTierPair(from: .device, to: .device)) { try manager.onboard([], from: .device) }
        #expect(throws: KVBlockManagerError.tierNotConfigured(.disk)) { try manager.onboard([], from: .disk) }
        #expect(try manager.onboard([], from: .host).isEmpty)
        try device.pool.releaseBlocking(try ManagerFixture.writeChain(manager, [1]))
        manager.processOffloads()
        let fromHost = host.pool.matchSequenceHashesBlocking(PoolFixture.hashes([1]))
        try host.pool.releaseBlocking(fromHost)
        #expect(throws: KVBlockManagerError.pool(tier: .host, .staleBlock(blockID: fromHost[0].blockID))) {
            try manager.onboard(fromHost, from: .host)
        }
        // A device handle is foreign to the host pool.
        let onDevice = device.pool.matchSequenceHashesBlocking(PoolFixture.hashes([1]))
        #expect(throws: KVBlockManagerError.pool(tier: .host, .foreignBlock(blockID: onDevice[0].blockID))) {
            try manager.onboard(onDevice, from: .host)
        }
        #expect(throws: KVBlockManagerError.pool(tier: .device, .foreignBlock(blockID: fromHost[0].blockID))) {
            try device.reader(for: fromHost[0])
        }
        try device.pool.releaseBlocking(onDevice)
        #expect(device.pool.liveLeases == 0)
        // A released mutable block's bytes cannot be written any more.
        let scratch = try #require(try device.pool.allocateBlocksBlocking(1).first)
        try device.pool.releaseBlocking([scratch])
        #expect(throws: KVBlockManagerError.pool(tier: .device, .staleBlock(blockID: scratch.blockID))) {
            _ = try device.writer(for: scratch)
        }
    }

    @Test func concurrentRequestsKeepBytesIntact() async throws {
        let manager = try ManagerFixture.manager(device: 32, host: 64, mode: .background)
        let device = try manager.tier(.device)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for round in 0..<40 {
                        let hash = UInt64(worker * 1000 + round % 10 + 1)
                        let hits = device.pool.matchSequenceHashesBlocking([SequenceHash(hash)])
                        let blocks = hits.isEmpty
                            ? ((try? ManagerFixture.writeChain(manager, [hash], seed: UInt8(truncatingIfNeeded: hash))) ?? [])
                            : hits
                        for block in blocks {
                            let expected = ManagerFixture.pattern(UInt8(truncatingIfNeeded: hash), count: device.blocks.layout.blockDataSize)
                            #expect(try ManagerFixture.bytes(manager, .device, block) == expected)
                        }
                        try device.pool.releaseBlocking(blocks)
                    }
                }
            }
            try await group.waitForAll()
        }
        await manager.waitForOffloads()
        let host = try manager.tier(.host)
        for worker in 0..<4 {
            for index in 1...10 {
                let hash = UInt64(worker * 1000 + index)
                let found = host.pool.matchSequenceHashesBlocking([SequenceHash(hash)])
                for block in found {
                    let expected = ManagerFixture.pattern(UInt8(truncatingIfNeeded: hash), count: device.blocks.layout.blockDataSize)
                    #expect(try ManagerFixture.bytes(manager, .host, block) == expected)
                }
                try host.pool.releaseBlocking(found)
            }
        }
        #expect(device.pool.liveLeases == 0)
        #expect(host.pool.liveLeases == 0)
    }
}
