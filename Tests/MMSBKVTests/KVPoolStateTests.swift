@testable import MMSBKV
import Testing

/// The block state machine of spec §1.3 and its errors.
@Suite struct KVPoolStateTests {
    @Test func blockGoesResetPartialCompleteRegistered() throws {
        let pool = try PoolFixture.pool(2, pageSize: 4)
        let block = try #require(try pool.allocateBlocksBlocking(1).first)
        #expect(try pool.state(of: block) == .reset)
        try pool.initializeSequence(block, saltHash: SaltHash(1337))
        #expect(try pool.state(of: block) == .partial)
        try pool.addTokens(block, [1, 2, 3])
        try pool.addToken(block, 4)
        try pool.commit(block)
        #expect(try pool.state(of: block) == .complete)
        // Dynamo's vector: salt 1337, block [1,2,3,4] → sequence hash 14643705804678351452.
        #expect(try pool.sequenceHash(of: block) == SequenceHash(14_643_705_804_678_351_452))
        #expect(try pool.parentSequenceHash(of: block) == nil)
        let registered = try pool.registerBlocksBlocking([block])
        #expect(registered.map(\.sequenceHash) == [SequenceHash(14_643_705_804_678_351_452)])
        #expect(registered.map(\.blockID) == [block.blockID])
        // The mutable handle is spent once the block is registered.
        #expect(throws: BlockPoolError.staleBlock(blockID: block.blockID)) { try pool.state(of: block) }
    }

    @Test func commitChainsToTheParent() throws {
        let pool = try PoolFixture.pool(2, pageSize: 4)
        let blocks = try pool.allocateBlocksBlocking(2)
        try pool.initializeSequence(blocks[0], saltHash: SaltHash(1337))
        try pool.addTokens(blocks[0], [1, 2, 3, 4])
        try pool.commit(blocks[0])
        let first = try pool.sequenceHash(of: blocks[0])
        try pool.initializeSequence(blocks[1], saltHash: SaltHash(1337), parent: first)
        try pool.addTokens(blocks[1], [5, 6, 7, 8])
        try pool.commit(blocks[1])
        #expect(try pool.sequenceHash(of: blocks[1]) == SequenceHash(4_945_711_292_740_353_085))
        #expect(try pool.parentSequenceHash(of: blocks[1]) == first)
    }

    @Test func applyTokenBlockJumpsResetToComplete() throws {
        let pool = try PoolFixture.pool(1, pageSize: 4)
        let block = try #require(try pool.allocateBlocksBlocking(1).first)
        let tokenBlock = TokenBlock(tokens: [1, 2, 3, 4], saltHash: .zero, parent: nil)
        try pool.apply(tokenBlock, to: block)
        #expect(try pool.state(of: block) == .complete)
        #expect(try pool.sequenceHash(of: block) == SequenceHash(8_052_976_908_588_476_977))
        #expect(try pool.tokens(of: block) == [1, 2, 3, 4])
    }

    @Test func applyTokenBlockOfTheWrongSizeIsRefused() throws {
        let pool = try PoolFixture.pool(1, pageSize: 4)
        let block = try #require(try pool.allocateBlocksBlocking(1).first)
        let tokenBlock = TokenBlock(tokens: [1, 2, 3], saltHash: .zero, parent: nil)
        #expect(throws: BlockPoolError.blockIncomplete(blockID: block.blockID, tokens: 3, pageSize: 4)) {
            try pool.apply(tokenBlock, to: block)
        }
        #expect(try pool.state(of: block) == .reset)
    }

    @Test func partialBlockErrors() throws {
        let pool = try PoolFixture.pool(1, pageSize: 4)
        let block = try #require(try pool.allocateBlocksBlocking(1).first)
        let id = block.blockID
        #expect(throws: BlockPoolError.invalidState(blockID: id, state: .reset, operation: "add tokens")) {
            try pool.addToken(block, 1)
        }
        try pool.initializeSequence(block)
        #expect(throws: BlockPoolError.invalidState(blockID: id, state: .partial, operation: "initialise a sequence")) {
            try pool.initializeSequence(block)
        }
        #expect(throws: BlockPoolError.blockEmpty(blockID: id)) { try pool.popToken(block) }
        try pool.addTokens(block, [1, 2, 3])
        #expect(throws: BlockPoolError.blockFull(blockID: id, pageSize: 4, adding: 2, holding: 3)) {
            try pool.addTokens(block, [4, 5])
        }
        #expect(try pool.tokens(of: block) == [1, 2, 3])
        #expect(throws: BlockPoolError.insufficientTokens(blockID: id, requested: 4, holding: 3)) {
            try pool.popTokens(block, count: 4)
        }
        #expect(throws: BlockPoolError.blockIncomplete(blockID: id, tokens: 3, pageSize: 4)) { try pool.commit(block) }
        #expect(throws: BlockPoolError.invalidState(blockID: id, state: .partial, operation: "read its sequence hash")) {
            try pool.sequenceHash(of: block)
        }
        try pool.popTokens(block, count: 2)
        #expect(try pool.tokens(of: block) == [1])
        try pool.addTokens(block, [2, 3, 4])
        try pool.commit(block)
        #expect(throws: BlockPoolError.invalidState(blockID: id, state: .complete, operation: "add tokens")) {
            try pool.addToken(block, 9)
        }
        // reset() takes a Complete block back to Reset, and the caller keeps it.
        try pool.reset(block)
        #expect(try pool.state(of: block) == .reset)
        #expect(throws: BlockPoolError.invalidState(blockID: id, state: .reset, operation: "read its parent sequence hash")) {
            try pool.parentSequenceHash(of: block)
        }
    }

    @Test func registeringAnIncompleteBlockFailsWithoutEffect() throws {
        let pool = try PoolFixture.pool(3, pageSize: 4)
        let blocks = try pool.allocateBlocksBlocking(3)
        try pool.markComplete(blocks[0], sequenceHash: SequenceHash(1))
        try pool.initializeSequence(blocks[1])
        #expect(throws: BlockPoolError.blockNotComplete(blockID: blocks[1].blockID, state: .partial)) {
            try pool.registerBlocksBlocking([blocks[0], blocks[1]])
        }
        #expect(throws: BlockPoolError.blockNotComplete(blockID: blocks[2].blockID, state: .reset)) {
            try pool.registerBlocksBlocking([blocks[2]])
        }
        // Nothing was registered: block 0 is still a Complete mutable block.
        #expect(try pool.state(of: blocks[0]) == .complete)
        #expect(!pool.contains(SequenceHash(1)))
    }

    @Test func theSameBlockTwiceInOneRegistrationIsRefused() throws {
        let pool = try PoolFixture.pool(2)
        let block = try #require(try pool.allocateBlocksBlocking(1).first)
        try pool.markComplete(block, sequenceHash: SequenceHash(7))
        #expect(throws: BlockPoolError.blockAlreadyRegistered(blockID: block.blockID)) {
            try pool.registerBlocksBlocking([block, block])
        }
        #expect(!pool.contains(SequenceHash(7)))
        #expect(try pool.registerBlocksBlocking([block]).count == 1)
    }

    @Test func markCompleteFromRegisteredOrCompleteIsInvalid() throws {
        let pool = try PoolFixture.pool(1)
        let block = try #require(try pool.allocateBlocksBlocking(1).first)
        try pool.markComplete(block, sequenceHash: SequenceHash(3))
        #expect(throws: BlockPoolError.invalidState(blockID: block.blockID, state: .complete, operation: "mark complete")) {
            try pool.markComplete(block, sequenceHash: SequenceHash(4))
        }
    }

    @Test func blockIDsAreRangeChecked() throws {
        let pool = try PoolFixture.pool(3)
        #expect(throws: BlockPoolError.blockIndexOutOfRange(blockID: 3, total: 3)) { try pool.state(ofBlockID: 3) }
        #expect(throws: BlockPoolError.blockIndexOutOfRange(blockID: -1, total: 3)) { try pool.state(ofBlockID: -1) }
        let chain = try PoolFixture.registerChain(pool, [1])
        #expect(try pool.state(ofBlockID: chain[0].blockID) == .registered)
        #expect(BlockPoolError.blockIndexOutOfRange(blockID: 3, total: 3).description == "block index 3 is out of range 0..<3")
    }

    @Test func invalidConfigurationsAreRefused() {
        #expect(throws: BlockPoolError.invalidConfiguration("blockCount must be in 1...2147483646, got 0")) {
            try BlockPool(BlockPoolConfiguration(blockCount: 0))
        }
        #expect(throws: BlockPoolError.invalidConfiguration("pageSize must be in 1...1024, got 0")) {
            try BlockPool(BlockPoolConfiguration(blockCount: 1, pageSize: 0))
        }
        #expect(throws: BlockPoolError.invalidConfiguration("pageSize must be in 1...1024, got 1025")) {
            try BlockPool(BlockPoolConfiguration(blockCount: 1, pageSize: 1025))
        }
    }

    @Test func errorsDescribeThemselves() {
        #expect(BlockPoolError.notEnoughBlocksAvailable(requested: 5, available: 3).description
            == "not enough blocks available: requested 5, available 3")
        #expect(BlockPoolError.staleBlock(blockID: 9).description == "block 9 was used after it was returned to the pool")
        #expect(BlockPoolError.invalidState(blockID: 1, state: .partial, operation: "commit").description
            == "block 1 is Partial; cannot commit")
    }
}

/// The slot metadata stays within one cache line (the hot path reads one slot per block).
@Suite struct KVPoolLayoutTests {
    @Test func aSlotFitsOneCacheLine() {
        #expect(MemoryLayout<BlockSlot>.stride <= 64)
    }
}
