/// How the pool of a `KVBlockManager` tier that writes through to a slower tier reaches the
/// manager's offload engine.
///
/// The invariant the pool relies on: a block is marked `offloadPending` only together with queuing
/// its request (`enqueue` runs under the pool's lock), and the mark is cleared only once that
/// request has been processed or the block was reset. So after `completePending` returns, every
/// mark that existed when it was called is gone, and an allocation that waited for them makes
/// progress.
struct OffloadHooks: Sendable {
    /// Queues offloads of blocks just registered in (or explicitly offloaded from) the pool's tier.
    /// Runs under the pool's lock; returns true when a background drain should be started.
    let enqueue: @Sendable ([RegisteredBlock]) -> Bool
    /// Starts a background drain (called after the pool's lock is released).
    let startDrain: @Sendable () -> Void
    /// Processes every queued offload on the caller's thread (waiting for a drain in progress
    /// first); false when the engine is gone and cannot.
    let completePending: @Sendable () -> Bool
}

/// The outcome of taking one block for a transfer into a tier (see `BlockPool.allocateForTransfer`).
enum TransferAllocation {
    /// The block to copy into.
    case block(MutableBlock)
    /// Every block left to evict waits for its own offload to the next tier.
    case blockedByPendingOffloads
    /// The tier has no block to give (all are held).
    case unavailable
}
