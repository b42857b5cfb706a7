/// A full block of tokens with its hashes: the unit the block manager caches.
///
/// Built by committing a ``PartialTokenBlock`` or by a ``TokenBlockSequence``; two token blocks
/// are equal when their tokens, salt and parent are (and so their hashes).
public struct TokenBlock: Hashable, Sendable {
    /// The block's tokens (as many as the sequence's block size).
    public let tokens: [Token]
    /// The seed every hash of the sequence used.
    public let saltHash: SaltHash
    /// The hash of ``tokens`` alone.
    public let blockHash: BlockHash
    /// The hash of this block and every block before it.
    public let sequenceHash: SequenceHash
    /// The sequence hash of the block before this one; `nil` for a sequence's first block.
    public let parentSequenceHash: SequenceHash?

    /// Hashes `tokens` as one block following `parent` (`nil`: the first block of a sequence).
    ///
    /// - Parameters:
    ///   - tokens: The block's tokens.
    ///   - saltHash: The seed of every hash of the sequence; ``SaltHash/zero`` for Dynamo's `None`.
    ///   - parent: The sequence hash of the block before; `nil` for a sequence's first block.
    ///   - extraHash: A multimodal block's extra hash, mixed into the block hash as Dynamo's
    ///     `from_tokens_with_extra` does; `nil` for plain text.
    public init(tokens: [Token], saltHash: SaltHash, parent: SequenceHash?, extraHash: UInt64? = nil) {
        var hash = TokenHashing.blockHash(of: tokens, saltHash: saltHash)
        if let extraHash { hash = TokenHashing.blockHash(tokenHash: hash, extraHash: extraHash, saltHash: saltHash) }
        self.init(tokens: tokens, saltHash: saltHash, blockHash: hash, parent: parent)
    }

    /// A block whose block hash is already known.
    init(tokens: [Token], saltHash: SaltHash, blockHash: BlockHash, parent: SequenceHash?) {
        self.tokens = tokens
        self.saltHash = saltHash
        self.blockHash = blockHash
        self.parentSequenceHash = parent
        self.sequenceHash = TokenHashing.sequenceHash(parent: parent, blockHash: blockHash, saltHash: saltHash)
    }

    /// A block whose hashes are all already known (no hashing).
    init(tokens: [Token], saltHash: SaltHash, blockHash: BlockHash, sequenceHash: SequenceHash, parent: SequenceHash?) {
        self.tokens = tokens
        self.saltHash = saltHash
        self.blockHash = blockHash
        self.sequenceHash = sequenceHash
        self.parentSequenceHash = parent
    }

    /// The number of tokens in the block.
    public var blockSize: Int { tokens.count }

    /// An empty partial block that follows this one (its parent is this block's sequence hash).
    public func nextBlock() -> PartialTokenBlock {
        PartialTokenBlock(uncheckedBlockSize: max(1, tokens.count), saltHash: saltHash, parent: sequenceHash, tokens: [])
    }
}
