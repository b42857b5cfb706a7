/// Errors of block pool operations. Each case carries the block id or sizes a caller needs.
public enum BlockPoolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `allocateBlocks(requested)` with fewer than `requested` blocks free or evictable; nothing was taken.
    case notEnoughBlocksAvailable(requested: Int, available: Int)
    /// `allocateBlocks(requested)` asked for more blocks than the pool has at all, so no amount of
    /// releasing or eviction could satisfy it; nothing was taken.
    case exceedsCapacity(requested: Int, capacity: Int)
    /// `operation` was given a negative count; nothing changed.
    case negativeCount(operation: String, count: Int)
    /// `markCompleteChain` was given `blocks` blocks and `hashes` sequence hashes; nothing changed.
    case countMismatch(blocks: Int, hashes: Int)
    /// The block is not in a state that allows `operation`.
    case invalidState(blockID: Int, state: BlockState, operation: String)
    /// `registerBlocks` was given a block that is not Complete.
    case blockNotComplete(blockID: Int, state: BlockState)
    /// The same block was given twice to one `registerBlocks` call.
    case blockAlreadyRegistered(blockID: Int)
    /// Adding tokens would exceed the block's page size; nothing was added.
    case blockFull(blockID: Int, pageSize: Int, adding: Int, holding: Int)
    /// `commit` on a block that holds fewer tokens than its page size.
    case blockIncomplete(blockID: Int, tokens: Int, pageSize: Int)
    /// `popToken` on a block that holds no tokens.
    case blockEmpty(blockID: Int)
    /// `popTokens(count)` with more tokens asked for than the block holds; nothing was removed.
    case insufficientTokens(blockID: Int, requested: Int, holding: Int)
    /// The handle was used after it went back to the pool (released, registered or reset).
    case staleBlock(blockID: Int)
    /// The handle belongs to another pool.
    case foreignBlock(blockID: Int)
    /// A block id outside `0 ..< total`.
    case blockIndexOutOfRange(blockID: Int, total: Int)
    /// The pool configuration is invalid.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case let .notEnoughBlocksAvailable(requested, available):
            "not enough blocks available: requested \(requested), available \(available)"
        case let .exceedsCapacity(requested, capacity):
            "requested \(requested) blocks from a pool of \(capacity) blocks: a request can never be larger than the pool"
        case let .negativeCount(operation, count):
            "\(operation) needs a count of 0 or more, got \(count)"
        case let .countMismatch(blocks, hashes):
            "markCompleteChain needs one sequence hash per block, got \(blocks) blocks and \(hashes) hashes"
        case let .invalidState(blockID, state, operation):
            "block \(blockID) is \(state); cannot \(operation)"
        case let .blockNotComplete(blockID, state):
            "block \(blockID) is \(state), not Complete; only complete blocks can be registered"
        case let .blockAlreadyRegistered(blockID):
            "block \(blockID) is already registered"
        case let .blockFull(blockID, pageSize, adding, holding):
            "block \(blockID) is full: it holds \(holding) of \(pageSize) tokens and \(adding) more were added"
        case let .blockIncomplete(blockID, tokens, pageSize):
            "block \(blockID) holds \(tokens) tokens; a block must hold exactly \(pageSize) to commit"
        case let .blockEmpty(blockID):
            "block \(blockID) holds no tokens to pop"
        case let .insufficientTokens(blockID, requested, holding):
            "block \(blockID) holds \(holding) tokens; cannot pop \(requested)"
        case let .staleBlock(blockID):
            "block \(blockID) was used after it was returned to the pool"
        case let .foreignBlock(blockID):
            "block \(blockID) belongs to a different pool"
        case let .blockIndexOutOfRange(blockID, total):
            "block index \(blockID) is out of range 0..<\(total)"
        case let .invalidConfiguration(message):
            "invalid block pool configuration: \(message)"
        }
    }
}
