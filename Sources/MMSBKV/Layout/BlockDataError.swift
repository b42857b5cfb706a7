/// Errors of reaching a block's bytes: views and copies (the reference API's view errors of
/// `BlockError`: `ViewsNotAvailableOnLogicalBlocks`, the index errors, `StorageError`).
public enum BlockDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A block, layer or outer index was out of range, or two layouts differ in shape.
    case layout(LayoutError)
    /// The storage failed (I/O, bounds, allocation).
    case storage(StorageError)
    /// In-place views need host memory; blocks in `kind` are reached only by copies.
    case viewsNotAvailable(StorageKind)
    /// A block view was asked of a layer-separate layout, whose blocks are not one contiguous run
    /// (Dynamo's `InvalidState("Block is not fully contiguous")`).
    case notFullyContiguous(LayoutKind)
    /// A layout needs `required` bytes but the storage holds `available`.
    case storageTooSmall(required: Int, available: Int)
    /// A layout's alignment of `required` bytes is more than the storage's `available`.
    case storageMisaligned(required: Int, available: Int)
    /// `count` bytes were given for a block of `expected` bytes.
    case wrongByteCount(count: Int, expected: Int)

    public var description: String {
        switch self {
        case .layout(let error): return error.description
        case .storage(let error): return error.description
        case .viewsNotAvailable(let kind):
            return "views are not available on blocks in \(kind): copy the block to host memory to read it"
        case .notFullyContiguous(let kind):
            return "the block is not fully contiguous (\(kind) layout): use layer views"
        case .storageTooSmall(let required, let available):
            return "the storage is too small for the layout: it needs \(required) bytes but holds \(available)"
        case .storageMisaligned(let required, let available):
            return "the storage is aligned to \(available) bytes but the layout needs \(required)"
        case .wrongByteCount(let count, let expected):
            return "\(count) bytes were given for a block of \(expected) bytes"
        }
    }
}
