/// Errors of token blocks and token sequences (Dynamo's `TokenBlockError`, with the counts a
/// caller needs to understand the failure).
public enum TokenBlockError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A token was pushed onto a partial block that already holds `blockSize` tokens.
    case full(blockSize: Int)
    /// A partial block holding `count` tokens was committed; a commit needs exactly `blockSize`.
    case incomplete(count: Int, blockSize: Int)
    /// A token was popped from an empty partial block.
    case empty
    /// `requested` tokens were to be removed but only `available` are held.
    case insufficientTokens(requested: Int, available: Int)
    /// A block size (page size) of `size` tokens was given; it must be at least 1.
    case invalidBlockSize(Int)
    /// A sequence hash was built from `count` bytes; it needs exactly 8.
    case invalidHashBytes(count: Int)

    public var description: String {
        switch self {
        case .full(let blockSize):
            return "the token block is full: it already holds \(blockSize) tokens"
        case .incomplete(let count, let blockSize):
            return "the token block is incomplete: it holds \(count) of \(blockSize) tokens, and only a full block can be committed"
        case .empty:
            return "the token block is empty: there is no token to pop"
        case .insufficientTokens(let requested, let available):
            return "insufficient tokens: \(requested) requested but only \(available) held"
        case .invalidBlockSize(let size):
            return "invalid block size \(size): a block holds at least 1 token"
        case .invalidHashBytes(let count):
            return "a sequence hash is 8 little-endian bytes, not \(count)"
        }
    }
}
