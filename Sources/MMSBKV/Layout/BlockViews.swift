/// Read-only bytes of one memory region (one layer, one outer index) of a block in host memory.
///
/// The view keeps its storage alive; its bytes are reached only inside ``withUnsafeBytes(_:)``.
public struct LayerView: Sendable {
    let storage: any HostMemoryStorage
    /// The region's offset in its storage.
    public let offset: Int
    /// Bytes in the region.
    public let count: Int

    /// Calls `body` with the region's bytes; the pointer must not escape `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(storage) { () throws(E) -> R in
            try body(UnsafeRawBufferPointer(start: storage.baseAddress + offset, count: count))
        }
    }

    /// A copy of the region's bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }
}

/// Read-only bytes of a whole block (all layers and outer indices, ``BlockLayout/blockDataSize``
/// bytes) of a fully contiguous layout in host memory.
public struct BlockView: Sendable {
    let storage: any HostMemoryStorage
    /// The block's offset in its storage.
    public let offset: Int
    /// Bytes in the block.
    public let count: Int

    /// Calls `body` with the block's bytes; the pointer must not escape `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(storage) { () throws(E) -> R in
            try body(UnsafeRawBufferPointer(start: storage.baseAddress + offset, count: count))
        }
    }

    /// A copy of the block's bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }
}
