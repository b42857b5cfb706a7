/// How a tier's blocks are arranged in memory (Dynamo's `LayoutType`).
public enum LayoutKind: Hashable, Sendable, CustomStringConvertible {
    /// One allocation `[numBlocks][numLayers][outerDim][region]`: every block is one contiguous run,
    /// so a whole block moves in one copy.
    case fullyContiguous
    /// One allocation per layer. `outerContiguous: true` is `[outerDim][numBlocks][region]` per layer
    /// (a layer's K for all blocks, then its V); `false` is `[numBlocks][outerDim][region]` (block
    /// contiguous within a layer).
    case layerSeparate(outerContiguous: Bool)

    public var description: String {
        switch self {
        case .fullyContiguous: return "fully contiguous"
        case .layerSeparate(let outer): return outer ? "layer separate, outer contiguous" : "layer separate, block contiguous"
        }
    }
}
