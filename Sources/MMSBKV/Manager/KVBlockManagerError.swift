/// Errors of the tiered block manager: configuration, tiers, transfers, and the pool errors beneath.
public enum KVBlockManagerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A configuration field breaks its rule.
    case invalidConfiguration(field: String, value: String, requirement: String)
    /// The operation needs a tier the manager was built without.
    case tierNotConfigured(KVTier)
    /// The operation does not go between these tiers (onboard goes to the device from host or disk).
    case invalidTierPair(from: KVTier, to: KVTier)
    /// A block handle is not valid in the tier it was given for, or a pool call failed.
    case pool(tier: KVTier, BlockPoolError)
    /// A layout or storage failed while the tier was built or a block was read.
    case blockData(tier: KVTier, BlockDataError)
    /// Copying block `sourceBlock` of `from` into `to` failed; nothing was registered in `to` and
    /// the blocks allocated for the transfer went back to its pool.
    case transferFailed(from: KVTier, to: KVTier, sourceBlock: Int, reason: BlockDataError)

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, value, requirement):
            "invalid block manager configuration: \(field) is \(value); \(requirement)"
        case let .tierNotConfigured(tier):
            "the block manager has no \(tier) tier"
        case let .invalidTierPair(from, to):
            "cannot move blocks from the \(from) tier to the \(to) tier this way"
        case let .pool(tier, error):
            "\(tier) pool: \(error)"
        case let .blockData(tier, error):
            "\(tier) tier: \(error)"
        case let .transferFailed(from, to, block, reason):
            "copying \(from) block \(block) to the \(to) tier failed, nothing was registered: \(reason)"
        }
    }
}
