/// One tier of a `KVBlockManager`: its block pool and the bytes of its blocks.
///
/// The pool decides who holds which block; the block set holds the bytes at the same block ids.
/// `reader` and `writer` check the handle against the pool first, so a stale handle cannot reach
/// bytes that now belong to someone else.
public final class KVTierPool: Sendable {
    /// Which tier this is.
    public let tier: KVTier
    /// The tier's block pool.
    public let pool: BlockPool
    /// The tier's block bytes (layout + storage).
    public let blocks: BlockSet

    init(tier: KVTier, pool: BlockPool, blocks: BlockSet) {
        self.tier = tier
        self.pool = pool
        self.blocks = blocks
    }

    /// Read access to a registered block's bytes.
    public func reader(for block: ImmutableBlock) throws(KVBlockManagerError) -> BlockReader {
        do { try pool.validate(block) } catch { throw .pool(tier: tier, error) }
        do { return try blocks.reader(block: block.blockID) } catch { throw .blockData(tier: tier, error) }
    }

    /// Write access to a block this caller allocated and has not registered or released.
    public func writer(for block: MutableBlock) throws(KVBlockManagerError) -> BlockWriter {
        do { try pool.validate(block) } catch { throw .pool(tier: tier, error) }
        do { return try blocks.writer(block: block.blockID) } catch { throw .blockData(tier: tier, error) }
    }
}
