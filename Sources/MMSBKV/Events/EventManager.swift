/// One entry of a store / remove batch (spec §1.9): a hash became matchable in a tier, or stopped being.
public enum KVStorageEvent: Sendable, Hashable, CustomStringConvertible {
    /// A hash was registered in the tier for the first time since it was last removed there.
    case stored(sequenceHash: SequenceHash, parentHash: SequenceHash?, blockID: Int)
    /// A registered hash was evicted from the tier (or cleared by `resetCache`).
    case removed(sequenceHash: SequenceHash, blockID: Int)

    /// The sequence hash the event is about.
    public var sequenceHash: SequenceHash {
        switch self {
        case let .stored(hash, _, _): hash
        case let .removed(hash, _): hash
        }
    }

    public var description: String {
        switch self {
        case let .stored(hash, parent, block):
            "stored \(hash) (parent \(parent.map(\.description) ?? "none"), block \(block))"
        case let .removed(hash, block): "removed \(hash) (block \(block))"
        }
    }
}

/// A batch of store / remove events from one pool call, published in the order the pool made them.
public struct KVEventBatch: Sendable, Hashable {
    /// The tier whose pool produced the batch.
    public var tier: KVTier
    /// The events, in order; a registration of N new hashes is one batch of N stores.
    public var events: [KVStorageEvent]

    /// A batch of `events` from `tier`'s pool.
    public init(tier: KVTier, events: [KVStorageEvent]) {
        self.tier = tier
        self.events = events
    }
}

/// Receives block events from pools.
///
/// A pool calls its manager while it holds its lock, so events from one pool arrive in the exact order
/// the pool changed: a hash's store always precedes its remove. An implementation must therefore be
/// quick and must not call back into the pool. Every method has an empty default.
public protocol EventManager: Sendable {
    /// `allocateBlocks` handed out the block.
    func blockAllocated(blockID: Int, tier: KVTier)
    /// `registerBlocks` registered the block under the hash (a duplicate kept alive counts too).
    func blockRegistered(blockID: Int, sequenceHash: SequenceHash, tier: KVTier)
    /// `matchSequenceHashes` returned the block for the hash.
    func blockMatched(blockID: Int, sequenceHash: SequenceHash, tier: KVTier)
    /// A cached block was reset for reuse; its hash is no longer matchable in the tier.
    func blockEvicted(blockID: Int, sequenceHash: SequenceHash, tier: KVTier)
    /// A batch of store / remove events.
    func publish(_ batch: KVEventBatch)
}

/// Empty defaults, so a manager implements only the events it wants.
extension EventManager {
    public func blockAllocated(blockID: Int, tier: KVTier) {}
    public func blockRegistered(blockID: Int, sequenceHash: SequenceHash, tier: KVTier) {}
    public func blockMatched(blockID: Int, sequenceHash: SequenceHash, tier: KVTier) {}
    public func blockEvicted(blockID: Int, sequenceHash: SequenceHash, tier: KVTier) {}
    public func publish(_ batch: KVEventBatch) {}
}

/// An event manager that drops everything; pools given it skip building events at all.
public struct NullEventManager: EventManager {
    public init() {}
}
