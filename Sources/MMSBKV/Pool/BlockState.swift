/// Where a block is in its life (spec §1.3).
///
/// `reset` → `partial` (a sequence was started and tokens are being added) → `complete` (exactly one
/// page of tokens, hashed, still private) → `registered` (visible to matching until evicted).
public enum BlockState: UInt8, Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    case reset
    case partial
    case complete
    case registered

    public var description: String {
        switch self {
        case .reset: "Reset"
        case .partial: "Partial"
        case .complete: "Complete"
        case .registered: "Registered"
        }
    }
}

/// What `registerBlocks` does with a block whose sequence hash is already registered (spec §1.4).
public enum DuplicationMode: Sendable, Hashable, CustomStringConvertible {
    /// The new block stays alive as a duplicate attached to the registered one; its own id is returned
    /// and both count as taken (Dynamo's default).
    case allowed
    /// The new block goes back to the pool at once and the registered block is returned in its place.
    case disabled

    public var description: String {
        switch self {
        case .allowed: "allowed"
        case .disabled: "disabled"
        }
    }
}
