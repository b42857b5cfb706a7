/// Counts of transfers between tiers since the manager was built (the same numbers as the
/// `mmsb_kv_offload_*` / `mmsb_kv_onboard_*` metrics, readable without a metrics backend).
public struct KVTransferStatistics: Sendable, Hashable {
    /// A direction between two tiers.
    public struct Pair: Sendable, Hashable, CustomStringConvertible {
        /// The tier blocks were copied from.
        public var from: KVTier
        /// The tier blocks were copied to.
        public var to: KVTier

        /// The direction `from` → `to`.
        public init(_ from: KVTier, _ to: KVTier) {
            self.from = from
            self.to = to
        }

        public var description: String { "\(from)→\(to)" }
    }

    /// Blocks copied down and registered in the lower tier.
    public var offloaded: [Pair: Int] = [:]
    /// Offload requests skipped: the lower tier already had the hash, or the source was gone.
    public var skipped: [Pair: Int] = [:]
    /// Offload requests dropped because the lower tier could not give a block.
    public var dropped: [Pair: Int] = [:]
    /// Offload requests refused by the disk admission filter.
    public var filtered: [Pair: Int] = [:]
    /// Offload copies that failed (nothing was registered).
    public var offloadFailed: [Pair: Int] = [:]
    /// Blocks copied up and registered in the device tier.
    public var onboarded: [Pair: Int] = [:]
    /// Onboard calls whose copy failed (nothing was registered).
    public var onboardFailed: [Pair: Int] = [:]

    /// All counts zero.
    public init() {}

    /// The count for a pair in one of the tables (0 when absent).
    public static func count(_ table: [Pair: Int], _ from: KVTier, _ to: KVTier) -> Int {
        table[Pair(from, to)] ?? 0
    }
}
