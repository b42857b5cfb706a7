/// A sequence of tokens cut into full, hashed blocks of `blockSize` tokens plus one partial block,
/// with Dynamo's `TokenBlockSequence` behaviour.
///
/// The tokens are kept in one contiguous array and the hashes in two more, so building a sequence
/// of a million tokens costs two hashes per block and no allocation per block; ``blocks`` and
/// ``currentBlock`` are assembled when asked for.
///
/// ```swift
/// var sequence = try TokenBlockSequence(tokens: [1, 2, 3, 4, 5], blockSize: 4, saltHash: SaltHash(1337))
/// sequence.sequenceHashes   // [14643705804678351452]
/// sequence.extend([6, 7, 8]) // 1..<2: the block [5, 6, 7, 8] completed
/// ```
public struct TokenBlockSequence: Hashable, Sendable {
    /// Tokens per full block.
    public let blockSize: Int
    /// The seed of every hash in the sequence.
    public let saltHash: SaltHash
    /// Every token, full blocks first, then the partial block's.
    public private(set) var tokens: [Token]
    /// The block hash of each full block.
    public private(set) var blockHashes: [BlockHash]
    /// The sequence hash of each full block: the keys to match against a block pool.
    public private(set) var sequenceHashes: [SequenceHash]

    /// Cuts `tokens` into blocks of `blockSize` and hashes every full block.
    ///
    /// - Parameters:
    ///   - tokens: The sequence's tokens; those after the last full block wait in the current block.
    ///   - blockSize: Tokens per block, 1 or more.
    ///   - saltHash: The seed; ``SaltHash/zero`` for Dynamo's `None`.
    ///   - extraBlockHashes: Per-block multimodal extra hashes (Dynamo's `new_with_extra_hashes`);
    ///     block *i* uses entry *i* when there is one and it is not `nil`.
    /// - Throws: ``TokenBlockError/invalidBlockSize(_:)`` when `blockSize` is less than 1 (Dynamo
    ///   panics there).
    /// - Complexity: O(n).
    public init(
        tokens: [Token], blockSize: Int, saltHash: SaltHash = .zero, extraBlockHashes: [UInt64?]? = nil
    ) throws(TokenBlockError) {
        guard blockSize >= 1 else { throw .invalidBlockSize(blockSize) }
        self.blockSize = blockSize
        self.saltHash = saltHash
        self.tokens = tokens
        self.blockHashes = []
        self.sequenceHashes = []
        hashNewBlocks(extraBlockHashes: extraBlockHashes ?? [])
    }

    /// The number of tokens in the sequence.
    public var totalTokens: Int { tokens.count }
    /// The number of full (hashed) blocks.
    public var blockCount: Int { sequenceHashes.count }

    /// The full blocks, in order.
    public var blocks: [TokenBlock] { (0..<blockCount).map(makeBlock) }

    /// The full block at `index`, or `nil` when there is none.
    public func block(at index: Int) -> TokenBlock? {
        index >= 0 && index < blockCount ? makeBlock(index) : nil
    }

    /// The last full block, if any.
    public var lastCompleteBlock: TokenBlock? { block(at: blockCount - 1) }

    /// The partial block new tokens go into: the tokens after the last full block, whose parent is
    /// that block's sequence hash.
    public var currentBlock: PartialTokenBlock {
        PartialTokenBlock(
            uncheckedBlockSize: blockSize, saltHash: saltHash, parent: sequenceHashes.last,
            tokens: Array(tokens[(blockCount * blockSize)...]))
    }

    /// Adds `newTokens` and hashes every block they complete.
    ///
    /// - Returns: The indices of the blocks this call completed, or `nil` when it completed none.
    /// - Complexity: O(k) for k new tokens.
    @discardableResult
    public mutating func extend(_ newTokens: some Collection<Token>) -> Range<Int>? {
        let first = blockCount
        tokens.append(contentsOf: newTokens)
        hashNewBlocks(extraBlockHashes: [])
        return blockCount > first ? first..<blockCount : nil
    }

    /// Adds one token.
    ///
    /// - Returns: The index of the block this token completed, or `nil`.
    @discardableResult
    public mutating func append(_ token: Token) -> Int? {
        tokens.append(token)
        guard tokens.count % blockSize == 0 else { return nil }
        hashNewBlocks(extraBlockHashes: [])
        return blockCount - 1
    }

    /// Keeps the first `length` tokens and drops the rest (blocks that lose a token become the
    /// partial block again); does nothing when `length` is not less than ``totalTokens``.
    public mutating func truncate(to length: Int) {
        guard length < tokens.count else { return }
        let kept = max(0, length)
        tokens.removeLast(tokens.count - kept)
        let blocks = kept / blockSize
        blockHashes.removeLast(blockHashes.count - blocks)
        sequenceHashes.removeLast(sequenceHashes.count - blocks)
    }

    /// Removes the last `count` tokens; removing all of them empties the sequence.
    ///
    /// - Throws: ``TokenBlockError/insufficientTokens(requested:available:)`` when the sequence
    ///   holds fewer than `count` tokens (nothing changes then).
    public mutating func unwind(_ count: Int) throws(TokenBlockError) {
        guard count >= 0, count <= tokens.count else {
            throw .insufficientTokens(requested: count, available: tokens.count)
        }
        truncate(to: tokens.count - count)
    }

    /// Removes and returns the last token, or returns `nil` when the sequence is empty.
    @discardableResult
    public mutating func pop() -> Token? {
        guard let last = tokens.last else { return nil }
        truncate(to: tokens.count - 1)
        return last
    }

    /// Empties the sequence, keeping its block size and salt hash.
    public mutating func reset() {
        tokens.removeAll()
        blockHashes.removeAll()
        sequenceHashes.removeAll()
    }

    /// The tokens at positions `range`; empty when the range is empty or reaches past the end.
    public func tokens(in range: Range<Int>) -> [Token] {
        guard range.lowerBound >= 0, range.upperBound <= tokens.count else { return [] }
        return Array(tokens[range])
    }

    // MARK: - Private

    private func makeBlock(_ index: Int) -> TokenBlock {
        TokenBlock(
            tokens: Array(tokens[(index * blockSize)..<((index + 1) * blockSize)]), saltHash: saltHash,
            blockHash: blockHashes[index], sequenceHash: sequenceHashes[index],
            parent: index == 0 ? nil : sequenceHashes[index - 1])
    }

    /// Hashes every full block not hashed yet; block *i* mixes in `extraBlockHashes[i]` if present.
    private mutating func hashNewBlocks(extraBlockHashes: [UInt64?]) {
        let full = tokens.count / blockSize
        guard full > blockCount else { return }
        blockHashes.reserveCapacity(full)
        sequenceHashes.reserveCapacity(full)
        let size = blockSize
        let salt = saltHash
        var parent = sequenceHashes.last
        tokens.withUnsafeBufferPointer { all in
            for index in blockCount..<full {
                let slice = UnsafeBufferPointer(rebasing: all[(index * size)..<((index + 1) * size)])
                var hash = TokenHashing.blockHash(of: slice, saltHash: salt)
                if index < extraBlockHashes.count, let extra = extraBlockHashes[index] {
                    hash = TokenHashing.blockHash(tokenHash: hash, extraHash: extra, saltHash: salt)
                }
                let sequence = TokenHashing.sequenceHash(parent: parent, blockHash: hash, saltHash: salt)
                blockHashes.append(hash)
                sequenceHashes.append(sequence)
                parent = sequence
            }
        }
    }
}
