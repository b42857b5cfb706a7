/// The storage tier a pool serves, from fastest to slowest (Dynamo's G1, G2, G3).
public enum KVTier: String, Sendable, Hashable, CaseIterable, CustomStringConvertible, Comparable {
    case device
    case host
    case disk

    public var description: String { rawValue }

    /// The next slower tier that write-through offload copies into, if any.
    public var lower: KVTier? {
        switch self {
        case .device: .host
        case .host: .disk
        case .disk: nil
        }
    }

    private var rank: Int {
        switch self {
        case .device: 0
        case .host: 1
        case .disk: 2
        }
    }

    public static func < (lhs: KVTier, rhs: KVTier) -> Bool { lhs.rank < rhs.rank }
}
