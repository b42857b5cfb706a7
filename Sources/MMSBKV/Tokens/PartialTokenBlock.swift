/// The block a sequence is still filling: fewer than `blockSize` tokens, not hashed, never
/// matchable. ``commit()`` turns a full one into a ``TokenBlock`` and leaves this value as the
/// empty block that follows it.
public struct PartialTokenBlock: Hashable, Sendable {
    /// The tokens held so far.
    public private(set) var tokens: [Token]
    /// The number of tokens a full block holds.
    public let blockSize: Int
    /// The seed of the sequence's hashes.
    public let saltHash: SaltHash
    /// The sequence hash of the block before this one; `nil` for a sequence's first block.
    public private(set) var parentSequenceHash: SequenceHash?

    /// An empty first block of a sequence (Dynamo's `create_sequence_root`).
    ///
    /// - Throws: ``TokenBlockError/invalidBlockSize(_:)`` when `blockSize` is less than 1.
    public init(blockSize: Int, saltHash: SaltHash) throws(TokenBlockError) {
        guard blockSize >= 1 else { throw .invalidBlockSize(blockSize) }
        self.init(uncheckedBlockSize: blockSize, saltHash: saltHash, parent: nil, tokens: [])
    }

    init(uncheckedBlockSize blockSize: Int, saltHash: SaltHash, parent: SequenceHash?, tokens: [Token]) {
        self.tokens = tokens
        self.blockSize = blockSize
        self.saltHash = saltHash
        self.parentSequenceHash = parent
    }

    /// Tokens still needed to fill the block.
    public var remaining: Int { max(0, blockSize - tokens.count) }
    /// Tokens held.
    public var count: Int { tokens.count }
    /// Whether the block holds no token.
    public var isEmpty: Bool { tokens.isEmpty }

    /// Adds one token.
    ///
    /// - Throws: ``TokenBlockError/full(blockSize:)`` when the block already holds `blockSize` tokens.
    public mutating func push(_ token: Token) throws(TokenBlockError) {
        guard tokens.count < blockSize else { throw .full(blockSize: blockSize) }
        tokens.append(token)
    }

    /// Adds as many of `newTokens` as fit and returns the ones that did not (empty when all fit).
    @discardableResult
    public mutating func push(contentsOf newTokens: some Collection<Token>) -> [Token] {
        let room = remaining
        tokens.append(contentsOf: newTokens.prefix(room))
        return Array(newTokens.dropFirst(room))
    }

    /// Removes the last token.
    ///
    /// - Throws: ``TokenBlockError/empty`` when the block holds no token.
    public mutating func pop() throws(TokenBlockError) {
        guard !tokens.isEmpty else { throw .empty }
        tokens.removeLast()
    }

    /// Removes the last `count` tokens.
    ///
    /// - Throws: ``TokenBlockError/insufficientTokens(requested:available:)`` when fewer are held
    ///   (nothing is removed then).
    public mutating func pop(_ count: Int) throws(TokenBlockError) {
        guard count >= 0, count <= tokens.count else {
            throw .insufficientTokens(requested: count, available: tokens.count)
        }
        tokens.removeLast(count)
    }

    /// Hashes the full block into a ``TokenBlock`` and becomes the empty block that follows it.
    ///
    /// - Throws: ``TokenBlockError/incomplete(count:blockSize:)`` unless exactly `blockSize` tokens
    ///   are held (nothing changes then).
    public mutating func commit() throws(TokenBlockError) -> TokenBlock {
        guard tokens.count == blockSize else { throw .incomplete(count: tokens.count, blockSize: blockSize) }
        let block = TokenBlock(tokens: tokens, saltHash: saltHash, parent: parentSequenceHash)
        tokens.removeAll(keepingCapacity: true)
        parentSequenceHash = block.sequenceHash
        return block
    }
}
