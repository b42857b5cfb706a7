import Foundation
import MMSBKV
import Testing

/// Every count and size a caller gives MMSBKV is checked before anything is reserved or taken
/// (issue 9): absurd values are typed errors, never a trap, and the pool or tier is unchanged.
@Suite struct KVCountValidationTests {
    static let absurd = [Int.max, 1 << 40, Int(Int32.max)]

    @Test(arguments: absurd)
    func anAllocationLargerThanThePoolIsRefusedInEveryForm(count: Int) async throws {
        let pool = try PoolFixture.pool(8)
        let held = try pool.allocateBlocksBlocking(3)
        #expect(throws: BlockPoolError.exceedsCapacity(requested: count, capacity: 8)) { try pool.allocateBlocksBlocking(count) }
        var reused = held
        #expect(throws: BlockPoolError.exceedsCapacity(requested: count, capacity: 8)) { try pool.allocateBlocksBlocking(count, into: &reused) }
        #expect(reused == held, "a refused allocation appended to the caller's array")
        await #expect(throws: BlockPoolError.exceedsCapacity(requested: count, capacity: 8)) { try await pool.allocateBlocks(count) }
        #expect(pool.available == 5)
        try pool.releaseBlocking(held)
        #expect(pool.available == 8)
    }

    @Test func negativeCountsAreRefused() async throws {
        let pool = try PoolFixture.pool(4)
        for count in [-1, Int.min] {
            #expect(throws: BlockPoolError.negativeCount(operation: "allocateBlocks", count: count)) { try pool.allocateBlocksBlocking(count) }
            await #expect(throws: BlockPoolError.negativeCount(operation: "allocateBlocks", count: count)) { try await pool.allocateBlocks(count) }
        }
        let block = try #require(try pool.allocateBlocksBlocking(1).first)
        try pool.initializeSequence(block)
        try pool.addTokens(block, [1, 2])
        #expect(throws: BlockPoolError.negativeCount(operation: "popTokens", count: -1)) { try pool.popTokens(block, count: -1) }
        #expect(throws: BlockPoolError.negativeCount(operation: "popTokens", count: Int.min)) { try pool.popTokens(block, count: Int.min) }
        #expect(throws: BlockPoolError.self) { try pool.popTokens(block, count: Int.max) }
        #expect(try pool.tokens(of: block) == [1, 2], "a refused pop removed tokens")
        try pool.releaseBlocking([block])
        #expect(pool.available == 4)
    }

    @Test func aChainWithMismatchedCountsChangesNothing() throws {
        let pool = try PoolFixture.pool(4)
        let blocks = try pool.allocateBlocksBlocking(2)
        #expect(throws: BlockPoolError.countMismatch(blocks: 2, hashes: 1)) {
            try pool.markCompleteChain(blocks, sequenceHashes: [SequenceHash(1)])
        }
        #expect(throws: BlockPoolError.countMismatch(blocks: 2, hashes: 3)) {
            try pool.markCompleteChain(blocks, sequenceHashes: [1, 2, 3].map(SequenceHash.init))
        }
        try pool.markCompleteChain(blocks, sequenceHashes: [1, 2].map(SequenceHash.init))
        #expect(try pool.registerBlocksBlocking(blocks).count == 2)
    }

    @Test func aPoolTooLargeForTheMachineIsRefusedBeforeAnythingIsAllocated() {
        let limit = BlockPoolConfiguration.maximumBlockCount
        #expect(limit >= 1 && limit <= Int(Int32.max) - 1)
        for count in [limit + 1, Int(Int32.max), Int.max, 0, -5] {
            #expect(throws: BlockPoolError.self, "\(count) blocks") {
                try BlockPool(BlockPoolConfiguration(blockCount: count, pageSize: 4))
            }
        }
        #expect(throws: KVBlockManagerError.self) { try ManagerFixture.manager(device: limit + 1, host: nil) }
        #expect(throws: KVBlockManagerError.self) { try ManagerFixture.manager(device: 4, host: Int.max) }
    }

    /// Onboarding more blocks than the device has at all is refused before any copy.
    @Test func onboardingMoreThanTheDeviceHoldsIsRefused() throws {
        let manager = try ManagerFixture.manager(device: 2, host: 8)
        let chain = try ManagerFixture.writeChain(manager, [1, 2])
        manager.processOffloads()
        let device = try manager.tier(.device)
        try device.pool.releaseBlocking(chain)
        let host = try manager.tier(.host)
        // Three host blocks: the two offloaded, and one registered directly.
        let extra = try #require(try host.pool.allocateBlocksBlocking(1).first)
        try host.pool.markComplete(extra, sequenceHash: SequenceHash(3))
        let three = host.pool.matchSequenceHashesBlocking([1, 2].map(SequenceHash.init)) + (try host.pool.registerBlocksBlocking([extra]))
        #expect(three.count == 3)
        #expect(throws: KVBlockManagerError.self) { try manager.onboard(three, from: .host) }
        #expect(device.pool.available == 2)
        #expect(device.pool.liveLeases == 0)
        try host.pool.releaseBlocking(three)
    }

    /// Storage sizes whose header or rounding would overflow are typed errors, not traps.
    @Test func absurdStorageSizesAreTypedErrors() throws {
        let directory = NSTemporaryDirectory() + "/mmsb-kv-sizes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for size in [Int.max, Int.max - 4_096, Int.max / 2 + 1] {
            #expect(throws: StorageError.self, "disk \(size)") { try DiskStorage(directory: directory, byteCount: size) }
            #expect(throws: StorageError.self, "shared memory \(size)") { try SharedMemoryStorage(byteCount: size) }
            #expect(throws: StorageError.self, "system \(size)") { try SystemStorage(byteCount: size) }
            #expect(throws: StorageError.self, "pinned \(size)") { try PinnedStorage(byteCount: size) }
            #expect(throws: StorageError.self, "simulated device \(size)") { try SimulatedDeviceStorage(byteCount: size) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty, "a refused disk storage left its file")
    }
}
