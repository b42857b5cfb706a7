import MMSBKV
import Testing

/// Block events and store / remove batches (spec §1.9).
@Suite struct KVEventsTests {
    @Test func scriptedRunEmitsEventsInOrder() throws {
        let recorder = RecordingEventManager()
        let pool = try PoolFixture.pool(2, tier: .host, events: recorder)
        let chain = try PoolFixture.registerChain(pool, [1, 2])
        try pool.releaseBlocking(chain)
        let matched = pool.matchSequenceHashesBlocking(PoolFixture.hashes([1]))
        try pool.releaseBlocking(matched)
        _ = try pool.allocateBlocksBlocking(2)  // evicts 2 (leaf) then 1
        let b0 = chain[0].blockID
        let b1 = chain[1].blockID
        #expect(recorder.entries == [
            .allocated(b0, .host), .allocated(b1, .host),
            .registered(b0, 1, .host), .registered(b1, 2, .host),
            .batch(KVEventBatch(tier: .host, events: [
                .stored(sequenceHash: SequenceHash(1), parentHash: nil, blockID: b0),
                .stored(sequenceHash: SequenceHash(2), parentHash: SequenceHash(1), blockID: b1),
            ])),
            .matched(b0, 1, .host),
            .evicted(b1, 2, .host), .allocated(b1, .host),
            .evicted(b0, 1, .host), .allocated(b0, .host),
            .batch(KVEventBatch(tier: .host, events: [
                .removed(sequenceHash: SequenceHash(2), blockID: b1),
                .removed(sequenceHash: SequenceHash(1), blockID: b0),
            ])),
        ])
    }

    @Test func oneRegistrationIsOneStoreBatch() throws {
        let recorder = RecordingEventManager()
        let pool = try PoolFixture.pool(8, events: recorder)
        _ = try PoolFixture.registerChain(pool, [1, 2, 3, 4])
        #expect(recorder.batches.count == 1)
        #expect(recorder.batches.first?.events.count == 4)
    }

    @Test func duplicatesAreNotStoredTwice() throws {
        for mode in [DuplicationMode.allowed, .disabled] {
            let recorder = RecordingEventManager()
            let pool = try PoolFixture.pool(4, duplication: mode, events: recorder)
            _ = try PoolFixture.registerChain(pool, [9])
            _ = try PoolFixture.registerChain(pool, [9])
            #expect(recorder.batches.flatMap(\.events).count == 1)
        }
    }

    @Test func storeAlwaysPrecedesRemoveForAHash() async throws {
        let recorder = RecordingEventManager()
        let pool = try PoolFixture.pool(16, events: recorder)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for round in 0..<100 {
                        let base = UInt64((worker * 7 + round) % 11) * 100
                        let hashes = [base + 1, base + 2, base + 3]
                        let hits = pool.matchSequenceHashesBlocking(PoolFixture.hashes(hashes))
                        var fresh: [ImmutableBlock] = []
                        let missing = Array(hashes.dropFirst(hits.count))
                        if !missing.isEmpty, let blocks = try? pool.allocateBlocksBlocking(missing.count) {
                            try pool.markCompleteChain(blocks, sequenceHashes: PoolFixture.hashes(missing), parent: hits.last?.sequenceHash)
                            fresh = try pool.registerBlocksBlocking(blocks)
                        }
                        try pool.releaseBlocking(hits + fresh)
                    }
                }
            }
            try await group.waitForAll()
        }
        await pool.quiesce()
        // Replaying the batches, every remove finds its hash stored and every store finds it absent.
        var live = Set<SequenceHash>()
        for event in recorder.batches.flatMap(\.events) {
            switch event {
            case let .stored(hash, _, _): #expect(live.insert(hash).inserted, "stored twice: \(hash)")
            case let .removed(hash, _): #expect(live.remove(hash) != nil, "removed before stored: \(hash)")
            }
        }
        #expect(live.count == pool.inactiveCount)
    }

    @Test func resetCachePublishesRemovals() throws {
        let recorder = RecordingEventManager()
        let pool = try PoolFixture.pool(4, events: recorder)
        try pool.releaseBlocking(try PoolFixture.registerChain(pool, [1, 2]))
        pool.resetCacheBlocking()
        #expect(recorder.batches.last?.events == [
            .removed(sequenceHash: SequenceHash(2), blockID: 1), .removed(sequenceHash: SequenceHash(1), blockID: 0),
        ])
    }

    @Test func nullManagerTakesEverythingSilently() throws {
        let pool = try PoolFixture.pool(2, events: NullEventManager())
        try pool.releaseBlocking(try PoolFixture.registerChain(pool, [1, 2]))
        _ = try pool.allocateBlocksBlocking(2)
        #expect(pool.available == 0)
        let null: any EventManager = NullEventManager()
        null.publish(KVEventBatch(tier: .device, events: []))
        null.blockEvicted(blockID: 0, sequenceHash: SequenceHash(1), tier: .disk)
    }

    @Test func eventsDescribeThemselves() {
        #expect(KVStorageEvent.stored(sequenceHash: SequenceHash(5), parentHash: nil, blockID: 2).description
            == "stored 5 (parent none, block 2)")
        #expect(KVStorageEvent.removed(sequenceHash: SequenceHash(5), blockID: 2).description == "removed 5 (block 2)")
    }
}
