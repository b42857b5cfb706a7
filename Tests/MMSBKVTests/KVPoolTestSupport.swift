import Foundation
import MMSBKV
import Testing

/// Helpers shared by the pool, manager, events and metrics tests.
enum PoolFixture {
    static func pool(
        _ count: Int, pageSize: Int = 4, duplication: DuplicationMode = .allowed, tier: KVTier = .device,
        events: (any EventManager)? = nil
    ) throws -> BlockPool {
        try BlockPool(
            BlockPoolConfiguration(blockCount: count, pageSize: pageSize, duplication: duplication, tier: tier, eventManager: events)
        )
    }

    /// Allocates one block per hash, completes it with that hash chained to the previous one (the
    /// first to `parent`), and registers them all.
    @discardableResult
    static func registerChain(_ pool: BlockPool, _ hashes: [UInt64], parent: UInt64? = nil, priority: UInt32 = 0) throws -> [ImmutableBlock] {
        let blocks = try pool.allocateBlocksBlocking(hashes.count)
        var previous = parent.map(SequenceHash.init)
        for (block, hash) in zip(blocks, hashes) {
            try pool.markComplete(block, sequenceHash: SequenceHash(hash), parent: previous)
            try pool.setPriority(block, priority)
            previous = SequenceHash(hash)
        }
        return try pool.registerBlocksBlocking(blocks)
    }

    static func hashes(_ values: [UInt64]) -> [SequenceHash] { values.map(SequenceHash.init) }

    /// Which of `candidates` are still registered.
    static func cached(_ pool: BlockPool, _ candidates: [UInt64]) -> [UInt64] {
        candidates.filter { pool.contains(SequenceHash($0)) }
    }
}

/// An event manager that records everything, in order.
final class RecordingEventManager: EventManager, @unchecked Sendable {
    enum Entry: Hashable, Sendable {
        case allocated(Int, KVTier)
        case registered(Int, UInt64, KVTier)
        case matched(Int, UInt64, KVTier)
        case evicted(Int, UInt64, KVTier)
        case batch(KVEventBatch)
    }

    // @unchecked Sendable: `log` is touched only under `lock`. NSLock rather than
    // `Synchronization.Mutex`, which draws false reports from TSan on Linux.
    private let lock = NSLock()
    nonisolated(unsafe) private var log: [Entry] = []

    var entries: [Entry] { lock.withLock { log } }
    var batches: [KVEventBatch] {
        entries.compactMap { if case let .batch(b) = $0 { b } else { nil } }
    }

    private func append(_ entry: Entry) { lock.withLock { log.append(entry) } }

    func blockAllocated(blockID: Int, tier: KVTier) { append(.allocated(blockID, tier)) }
    func blockRegistered(blockID: Int, sequenceHash: SequenceHash, tier: KVTier) {
        append(.registered(blockID, sequenceHash.value, tier))
    }
    func blockMatched(blockID: Int, sequenceHash: SequenceHash, tier: KVTier) {
        append(.matched(blockID, sequenceHash.value, tier))
    }
    func blockEvicted(blockID: Int, sequenceHash: SequenceHash, tier: KVTier) {
        append(.evicted(blockID, sequenceHash.value, tier))
    }
    func publish(_ batch: KVEventBatch) { append(.batch(batch)) }
}
