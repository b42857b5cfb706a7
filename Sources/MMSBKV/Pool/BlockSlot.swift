/// The metadata of one block slot, kept in one flat array per pool (no per-block objects).
///
/// Only the fields the hot path reads live here (a 64-byte stride: one cache line per slot); the
/// salt and the tokens of blocks filled token by token are kept aside in `BlockPoolCore`.
struct BlockSlot: BitwiseCopyable {
    var state: BlockState = .reset
    /// Bumped whenever a `MutableBlock` handle to this slot stops being valid (release, register, reset).
    var generation: UInt32 = 0
    /// Live handles on the slot: 1 for a held mutable block, the lease count for a registered one
    /// (plus one per duplicate attached to it), 0 when the slot is free or inactive.
    var refCount: UInt32 = 0
    /// Eviction priority: lower goes first (spec §1.5); reset to 0 when the slot is reset.
    var priority: UInt32 = 0
    var returnedTick: UInt64 = 0
    var sequenceHash: UInt64 = 0
    var parentHash: UInt64 = 0
    var hasParent = false
    /// The slot has an entry in `BlockPoolCore.tokens` (it was filled token by token).
    var hasTokens = false
    /// Inactive registered blocks whose parent link points at this slot; only a slot with none is a
    /// leaf, and only leaves are evicted.
    var inactiveChildren: Int32 = 0
    /// The slot whose `inactiveChildren` this one incremented when it became inactive, or -1. Recorded
    /// so the decrement always undoes exactly that increment, even if the parent hash was re-registered.
    var countedParent: Int32 = -1
    /// For a duplicate registered under `.allowed`, the primary slot it holds a reference on; else -1.
    var primary: Int32 = -1
    /// Marks the slot as seen in the current batch call (`registerBlocks`, `release`), which catches
    /// a block passed twice.
    var registerStamp: UInt32 = 0
    /// A registered primary whose write-through offload is queued (or being copied) and not yet
    /// resolved. Allocation passes such a block over while any other candidate is left, and completes
    /// the queued offloads before it would evict one (see `BlockPoolCore.allocate`).
    var offloadPending = false

    /// True for the registered slot that the hash table points at, with no live handles.
    var isInactive: Bool { state == .registered && refCount == 0 && primary < 0 }
}
