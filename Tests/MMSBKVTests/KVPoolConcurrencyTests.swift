import MMSBKV
import Testing

/// Many tasks sharing one pool: nothing is lost, nothing leaks (run under `--sanitize=thread`).
@Suite struct KVPoolConcurrencyTests {
    @Test func concurrentRequestsLeaveThePoolWhole() async throws {
        let pool = try PoolFixture.pool(64, pageSize: 4)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for round in 0..<200 {
                        // Requests share prefixes: hash chains over a small alphabet of roots.
                        let root = UInt64((worker + round) % 5) * 1000
                        let hashes = (1...4).map { root + UInt64($0) }
                        let hits = await pool.matchSequenceHashes(PoolFixture.hashes(hashes))
                        let missing = Array(hashes.dropFirst(hits.count))
                        var fresh: [ImmutableBlock] = []
                        if !missing.isEmpty, let blocks = try? await pool.allocateBlocks(missing.count) {
                            var parent = hits.last?.sequenceHash
                            for (block, hash) in zip(blocks, missing) {
                                try pool.markComplete(block, sequenceHash: SequenceHash(hash), parent: parent)
                                parent = SequenceHash(hash)
                            }
                            fresh = try await pool.registerBlocks(blocks)
                        }
                        try await pool.release(hits + fresh)
                    }
                }
            }
            try await group.waitForAll()
        }
        await pool.quiesce()
        #expect(pool.available == 64)
        #expect(pool.liveLeases == 0)
    }
}
