/// A block taken from a pool by `allocateBlocks`, owned by one caller and still writable.
///
/// A handle is a small value (pool id, block id, generation); the pool checks the generation on every
/// use, so a handle kept after `release`, `registerBlocks` or eviction is refused with
/// `BlockPoolError.staleBlock` rather than reaching a block someone else now owns. Copies of a handle
/// are the same handle: releasing one releases all.
public struct MutableBlock: Sendable, Hashable, CustomStringConvertible {
    let poolID: UInt32
    let slot: Int32
    let generation: UInt32

    /// The block's index in its pool (and in its tier's storage layout).
    public var blockID: Int { Int(slot) }

    public var description: String { "MutableBlock(\(slot))" }
}

/// A registered, immutable block shared by everyone who matched or registered it.
///
/// Each handle is one lease: `release` ends it, `clone` adds another. A registered block whose last
/// lease ends stays in the pool, matchable by its sequence hash, until it is evicted. Using a handle
/// after its own release is refused with `BlockPoolError.staleBlock`, even while other leases keep
/// the block alive.
public struct ImmutableBlock: Sendable, Hashable, CustomStringConvertible {
    let poolID: UInt32
    let lease: UInt32
    let leaseGeneration: UInt32
    let slot: Int32
    let hashValue64: UInt64

    /// The block's sequence hash (fixed for the life of the lease).
    public var sequenceHash: SequenceHash { SequenceHash(hashValue64) }

    /// The block's index in its pool (and in its tier's storage layout).
    public var blockID: Int { Int(slot) }

    public var description: String { "ImmutableBlock(\(slot), hash \(hashValue64))" }
}
