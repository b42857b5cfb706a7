import MMSB
import MMSBKV
import Testing

private let salt = SaltHash(1337)
private let seq14 = SequenceHash(14643705804678351452)
private let seq58 = SequenceHash(4945711292740353085)
private let seq912 = SequenceHash(12583592247330656132)

private func sequence(_ tokens: [Token], _ blockSize: Int = 4) throws -> TokenBlockSequence {
    try TokenBlockSequence(tokens: tokens, blockSize: blockSize, saltHash: salt)
}

/// `TokenBlockSequence` and `PartialTokenBlock` behave as Dynamo's (its unit tests, spec §1.2).
@Suite struct KVTokensSequenceTests {
    @Test func newSplitsIntoBlocksAndAPartial() throws {
        let empty = try sequence([])
        #expect(empty.blocks.isEmpty && empty.currentBlock.isEmpty && empty.totalTokens == 0)
        #expect(empty.currentBlock.parentSequenceHash == nil)
        let partial = try sequence([1, 2])
        #expect(partial.blocks.isEmpty && partial.currentBlock.tokens == [1, 2])
        let one = try sequence([1, 2, 3, 4])
        #expect(one.blockCount == 1 && one.currentBlock.isEmpty && one.currentBlock.parentSequenceHash == seq14)
        let multi = try sequence([1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(multi.blocks.map(\.sequenceHash) == [seq14, seq58])
        #expect(multi.blocks[1].parentSequenceHash == seq14 && multi.blocks[0].parentSequenceHash == nil)
        #expect(multi.currentBlock.tokens == [9] && multi.currentBlock.parentSequenceHash == seq58)
        #expect(multi.tokens(in: 0..<4) == [1, 2, 3, 4])
        #expect(multi.tokens(in: 2..<6) == [3, 4, 5, 6])
        #expect(multi.tokens(in: 6..<9) == [7, 8, 9])
        #expect(multi.tokens(in: 5..<5) == [])
        #expect(multi.tokens(in: 10..<15) == [])
        let threes = try sequence([1, 2, 3, 4, 5], 3)
        #expect(threes.blocks.map(\.tokens) == [[1, 2, 3]] && threes.currentBlock.tokens == [4, 5])
        #expect(throws: TokenBlockError.invalidBlockSize(0)) { try TokenBlockSequence(tokens: [1], blockSize: 0) }
    }

    @Test func appendReportsTheBlockItCompletes() throws {
        var s = try sequence(Array(1...10))
        #expect(s.append(11) == nil)
        #expect(s.currentBlock.tokens == [9, 10, 11])
        #expect(s.append(12) == 2)
        #expect(s.blockCount == 3 && s.currentBlock.isEmpty && s.currentBlock.remaining == 4)
        #expect(s.currentBlock.parentSequenceHash == seq912)
        #expect(s.append(13) == nil)
        #expect(s.currentBlock.tokens == [13] && s.currentBlock.remaining == 3)
        #expect(s.blocks[2].tokens == [9, 10, 11, 12] && s.blocks[2].sequenceHash == seq912)
    }

    @Test func extendReportsTheRangeOfCompletedBlocks() throws {
        var s1 = try sequence([])
        #expect(s1.extend([1, 2]) == nil)
        #expect(s1.currentBlock.tokens == [1, 2] && s1.currentBlock.parentSequenceHash == nil)
        var s2 = try sequence([])
        #expect(s2.extend([1, 2, 3, 4]) == 0..<1)
        #expect(s2.currentBlock.isEmpty && s2.currentBlock.parentSequenceHash == seq14)
        var s3 = try sequence([])
        #expect(s3.extend([1, 2, 3, 4, 5, 6]) == 0..<1)
        #expect(s3.currentBlock.tokens == [5, 6] && s3.currentBlock.remaining == 2)
        var s4 = try sequence([])
        #expect(s4.extend(Array(1...8)) == 0..<2)
        #expect(s4.currentBlock.isEmpty && s4.currentBlock.parentSequenceHash == seq58)
        var s5 = try sequence([])
        #expect(s5.extend([1, 2]) == nil)
        #expect(s5.extend([3, 4, 5]) == 0..<1)
        #expect(s5.currentBlock.tokens == [5] && s5.currentBlock.parentSequenceHash == seq14)
        #expect(s5.extend([6, 7, 8, 9, 10]) == 1..<2)
        #expect(s5.currentBlock.tokens == [9, 10] && s5.currentBlock.parentSequenceHash == seq58)
        var s6 = try sequence([1])
        #expect(s6.extend([]) == nil)
        #expect(s6.totalTokens == 1)
        var s7 = try sequence([1, 2])
        #expect(s7.extend([3, 4]) == 0..<1)
        #expect(s7.currentBlock.isEmpty && s7.totalTokens == 4)
        #expect(s7.tokens(in: 1..<3) == [2, 3])
    }

    @Test(arguments: [
        (9, 2, [9] as [Token], seq58 as SequenceHash?),
        (8, 2, [], seq58),
        (7, 1, [5, 6, 7], seq14),
        (4, 1, [], seq14),
        (3, 0, [1, 2, 3], nil),
        (0, 0, [], nil),
        (11, 2, [9, 10], seq58),
        (10, 2, [9, 10], seq58),
    ])
    func truncate(length: Int, blocks: Int, partial: [Token], parent: SequenceHash?) throws {
        var s = try sequence(Array(1...10))
        s.truncate(to: length)
        #expect(s.totalTokens == min(length, 10))
        #expect(s.blockCount == blocks)
        #expect(s.currentBlock.tokens == partial)
        #expect(s.currentBlock.parentSequenceHash == parent)
    }

    @Test func truncateWhenTheCurrentBlockIsEmpty() throws {
        var s10 = try sequence(Array(1...8))
        s10.truncate(to: 4)
        #expect(s10.blockCount == 1 && s10.currentBlock.isEmpty && s10.currentBlock.parentSequenceHash == seq14)
        var s11 = try sequence(Array(1...8))
        s11.truncate(to: 3)
        #expect(s11.blockCount == 0 && s11.currentBlock.tokens == [1, 2, 3] && s11.currentBlock.parentSequenceHash == nil)
        var empty = try sequence([])
        empty.truncate(to: 0)
        #expect(empty.totalTokens == 0)
        // Re-extending after a truncate gives the same hashes as building the sequence at once.
        s11.extend(Array(4...12))
        #expect(s11.sequenceHashes == [seq14, seq58, seq912])
    }

    @Test func unwind() throws {
        var s = try sequence(Array(1...10))
        try s.unwind(0)
        #expect(s.totalTokens == 10)
        try s.unwind(1)
        #expect(s.currentBlock.tokens == [9])
        try s.unwind(2)
        #expect(s.totalTokens == 7 && s.blockCount == 1 && s.currentBlock.tokens == [5, 6, 7])
        try s.unwind(7)
        #expect(s.totalTokens == 0 && s.blocks.isEmpty)
        var full = try sequence(Array(1...10))
        #expect(throws: TokenBlockError.insufficientTokens(requested: 11, available: 10)) { try full.unwind(11) }
        #expect(full.totalTokens == 10)
        var empty = try sequence([])
        #expect(throws: TokenBlockError.insufficientTokens(requested: 1, available: 0)) { try empty.unwind(1) }
    }

    @Test func popWalksBackAcrossBlocks() throws {
        var s = try sequence(Array(1...10))
        #expect(s.pop() == 10)
        #expect(s.pop() == 9)
        #expect(s.blockCount == 2 && s.currentBlock.isEmpty && s.currentBlock.parentSequenceHash == seq58)
        #expect(s.pop() == 8)
        #expect(s.currentBlock.tokens == [5, 6, 7] && s.currentBlock.parentSequenceHash == seq14)
        #expect(s.pop() == 7 && s.pop() == 6 && s.pop() == 5)
        #expect(s.pop() == 4)
        #expect(s.currentBlock.tokens == [1, 2, 3] && s.blocks.isEmpty && s.currentBlock.parentSequenceHash == nil)
        #expect(s.pop() == 3 && s.pop() == 2 && s.pop() == 1)
        #expect(s.pop() == nil)
        #expect(s.totalTokens == 0)
    }

    @Test func resetKeepsBlockSizeAndSalt() throws {
        var s = try sequence(Array(1...10))
        s.reset()
        #expect(s.totalTokens == 0 && s.blocks.isEmpty && s.blockSize == 4 && s.saltHash == salt)
        #expect(s.currentBlock.parentSequenceHash == nil)
        s.extend(Array(1...4))
        #expect(s.sequenceHashes == [seq14])
    }

    @Test func partialBlockOperations() throws {
        var partial = try PartialTokenBlock(blockSize: 3, saltHash: salt)
        #expect(partial.count == 0 && partial.remaining == 3 && partial.isEmpty)
        try partial.push(1)
        #expect(partial.push(contentsOf: [2, 3, 4]) == [4])
        #expect(partial.tokens == [1, 2, 3] && partial.remaining == 0)
        #expect(throws: TokenBlockError.full(blockSize: 3)) { try partial.push(5) }
        #expect(partial.push(contentsOf: [5]) == [5])
        try partial.pop()
        #expect(partial.tokens == [1, 2])
        try partial.pop(2)
        #expect(partial.isEmpty)
        #expect(throws: TokenBlockError.empty) { try partial.pop() }
        #expect(throws: TokenBlockError.insufficientTokens(requested: 1, available: 0)) { try partial.pop(1) }
        try partial.push(10)
        #expect(throws: TokenBlockError.incomplete(count: 1, blockSize: 3)) { try partial.commit() }
        try partial.push(11)
        try partial.push(12)
        let block = try partial.commit()
        #expect(block.tokens == [10, 11, 12] && block.parentSequenceHash == nil && block.blockSize == 3)
        #expect(partial.isEmpty && partial.parentSequenceHash == block.sequenceHash && partial.blockSize == 3)
        #expect(throws: TokenBlockError.invalidBlockSize(0)) { try PartialTokenBlock(blockSize: 0, saltHash: salt) }
    }

    @Test func tokenBlocksChainThroughNextBlock() throws {
        let first = TokenBlock(tokens: [1, 2, 3, 4], saltHash: salt, parent: nil)
        #expect(first.blockHash.value == 14643705804678351452 && first.sequenceHash == seq14)
        var next = first.nextBlock()
        #expect(next.push(contentsOf: [5, 6, 7, 8]).isEmpty)
        let second = try next.commit()
        #expect(second.blockHash.value == 16777012769546811212 && second.sequenceHash == seq58)
        let wrongParent = TokenBlock(tokens: [5, 6, 7, 8], saltHash: salt, parent: nil)
        #expect(wrongParent.sequenceHash != seq58)
    }

    /// Random edits agree with a plain token array, and the hashes always equal those of a
    /// sequence built from scratch from the same tokens (so no edit leaves a stale hash behind).
    @Test(arguments: [1, 3, 16])
    func randomEditsMatchAModel(blockSize: Int) throws {
        var random = SplitMix64(seed: UInt64(blockSize))
        var model: [Token] = []
        var sequence = try TokenBlockSequence(tokens: [], blockSize: blockSize, saltHash: salt)
        for _ in 0..<1_500 {
            switch random.next() % 6 {
            case 0:
                let added = (0..<Int(random.next() % 40)).map { _ in Token(truncatingIfNeeded: random.next()) }
                let before = model.count / blockSize
                model += added
                let after = model.count / blockSize
                #expect(sequence.extend(added) == (after > before ? before..<after : nil))
            case 1:
                let token = Token(truncatingIfNeeded: random.next())
                model.append(token)
                #expect(sequence.append(token) == (model.count % blockSize == 0 ? model.count / blockSize - 1 : nil))
            case 2:
                let length = Int(random.next() % UInt64(model.count + 5))
                model = Array(model.prefix(length))
                sequence.truncate(to: length)
            case 3:
                let count = Int(random.next() % UInt64(model.count + 3))
                if count <= model.count {
                    model.removeLast(count)
                    try sequence.unwind(count)
                } else {
                    #expect(throws: TokenBlockError.insufficientTokens(requested: count, available: model.count)) { try sequence.unwind(count) }
                }
            case 4:
                #expect(sequence.pop() == model.popLast())
            default:
                if random.next() % 8 == 0 {
                    model.removeAll()
                    sequence.reset()
                }
            }
            #expect(sequence.tokens == model)
            #expect(sequence.totalTokens == model.count && sequence.blockCount == model.count / blockSize)
            #expect(sequence.currentBlock.tokens == Array(model[(model.count / blockSize * blockSize)...]))
            let rebuilt = try TokenBlockSequence(tokens: model, blockSize: blockSize, saltHash: salt)
            #expect(sequence.sequenceHashes == rebuilt.sequenceHashes && sequence.blockHashes == rebuilt.blockHashes)
            #expect(sequence.currentBlock.parentSequenceHash == rebuilt.sequenceHashes.last)
        }
    }

    @Test func errorsDescribeThemselves() {
        #expect(TokenBlockError.incomplete(count: 1, blockSize: 4).description.contains("1 of 4"))
        #expect(TokenBlockError.insufficientTokens(requested: 11, available: 10).description.contains("11"))
    }
}
