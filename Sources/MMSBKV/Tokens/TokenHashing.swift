import MMSB

/// Dynamo's hashing of token blocks (`compute_hash_v2`, xxh3-64 with the salt hash as seed), as
/// free functions that allocate nothing per block.
///
/// ```swift
/// let hashes = TokenHashing.sequenceHashes(of: tokens, blockSize: 16, saltHash: .zero)
/// ```
public enum TokenHashing {
    /// The hash of one block's tokens: `xxh3_64(tokens as little-endian u32 bytes, seed: salt)`.
    ///
    /// - Complexity: O(n).
    @inlinable
    public static func blockHash(of tokens: UnsafeBufferPointer<Token>, saltHash: SaltHash) -> BlockHash {
        #if _endian(little)
        return BlockHash(XXH3.hash64(UnsafeRawBufferPointer(tokens), seed: saltHash.value))
        #else
        let bytes = tokens.flatMap { token in (0..<4).map { UInt8(truncatingIfNeeded: token >> (8 * $0)) } }
        return BlockHash(XXH3.hash64(bytes, seed: saltHash.value))
        #endif
    }

    /// The hash of one block's tokens (see ``blockHash(of:saltHash:)-(UnsafeBufferPointer<Token>,_)``).
    public static func blockHash(of tokens: some Collection<Token>, saltHash: SaltHash) -> BlockHash {
        let result = tokens.withContiguousStorageIfAvailable { blockHash(of: $0, saltHash: saltHash) }
        if let result { return result }
        return Array(tokens).withUnsafeBufferPointer { blockHash(of: $0, saltHash: saltHash) }
    }

    /// The block hash of a multimodal block: `xxh3_64([tokenHash, extraHash] as 16 little-endian
    /// bytes, seed: salt)`, where `tokenHash` is the plain ``blockHash(of:saltHash:)-(UnsafeBufferPointer<Token>,_)``.
    public static func blockHash(tokenHash: BlockHash, extraHash: UInt64, saltHash: SaltHash) -> BlockHash {
        BlockHash(pairHash(tokenHash.value, extraHash, seed: saltHash.value))
    }

    /// The sequence hash of a block whose block hash is `blockHash` and whose parent (the block
    /// before it) has sequence hash `parent`; the first block (`parent == nil`) keeps its block hash.
    @inlinable
    public static func sequenceHash(parent: SequenceHash?, blockHash: BlockHash, saltHash: SaltHash) -> SequenceHash {
        guard let parent else { return SequenceHash(blockHash.value) }
        return SequenceHash(pairHash(parent.value, blockHash.value, seed: saltHash.value))
    }

    /// `xxh3_64` of the two words as 16 little-endian bytes.
    @inlinable
    static func pairHash(_ first: UInt64, _ second: UInt64, seed: UInt64) -> UInt64 {
        let pair = (first.littleEndian, second.littleEndian)
        return withUnsafeBytes(of: pair) { XXH3.hash64($0, seed: seed) }
    }

    /// The sequence hashes of every full block of `tokens`, cut into blocks of `blockSize` tokens;
    /// a trailing partial block has none. The fast path of ``TokenBlockSequence``: no per-block
    /// allocation.
    ///
    /// - Parameters:
    ///   - tokens: The tokens to hash.
    ///   - blockSize: Tokens per block, 1 or more.
    ///   - saltHash: The seed of every hash; ``SaltHash/zero`` for Dynamo's `None`.
    ///   - parent: The sequence hash of the block before `tokens[0]`, if the tokens continue a
    ///     sequence; `nil` when they start one.
    /// - Throws: ``TokenBlockError/invalidBlockSize(_:)`` when `blockSize` is less than 1.
    /// - Complexity: O(n).
    public static func sequenceHashes(
        of tokens: UnsafeBufferPointer<Token>, blockSize: Int, saltHash: SaltHash, parent: SequenceHash? = nil
    ) throws(TokenBlockError) -> [SequenceHash] {
        guard blockSize >= 1 else { throw .invalidBlockSize(blockSize) }
        let count = tokens.count / blockSize
        var last = parent
        return [SequenceHash](unsafeUninitializedCapacity: count) { output, initialized in
            var block = 0
            while block < count {
                let slice = UnsafeBufferPointer(rebasing: tokens[(block &* blockSize)..<((block &+ 1) &* blockSize)])
                let hash = sequenceHash(parent: last, blockHash: blockHash(of: slice, saltHash: saltHash), saltHash: saltHash)
                output.initializeElement(at: block, to: hash)
                last = hash
                block &+= 1
            }
            initialized = count
        }
    }

    /// The sequence hashes of every full block of `tokens` (see
    /// ``sequenceHashes(of:blockSize:saltHash:parent:)-(UnsafeBufferPointer<Token>,_,_,_)``).
    public static func sequenceHashes(
        of tokens: [Token], blockSize: Int, saltHash: SaltHash, parent: SequenceHash? = nil
    ) throws(TokenBlockError) -> [SequenceHash] {
        let result = tokens.withUnsafeBufferPointer { buffer in
            Result { () throws(TokenBlockError) in
                try sequenceHashes(of: buffer, blockSize: blockSize, saltHash: saltHash, parent: parent)
            }
        }
        return try result.get()
    }
}
