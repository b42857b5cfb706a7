/// Read-only bytes of a region of a block in host memory: one memory region (one layer, one outer
/// index; ``LayerView``), or a whole block (all layers and outer indices, ``BlockLayout/blockDataSize``
/// bytes) of a fully contiguous layout.
///
/// The view keeps its storage alive; its bytes are reached only inside ``withUnsafeBytes(_:)``.
public struct BlockView: Sendable {
    let region: HostRegion

    init(storage: any HostMemoryStorage, offset: Int, count: Int) {
        region = HostRegion(storage: storage, offset: offset, count: count)
    }

    /// The region's offset in its storage.
    public var offset: Int { region.offset }
    /// Bytes in the region.
    public var count: Int { region.count }

    /// Calls `body` with the region's bytes; the pointer must not escape `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try region.withBytes(body)
    }

    /// A copy of the region's bytes.
    public var bytes: [UInt8] { region.bytes }
}

/// Read-only bytes of one memory region (one layer, one outer index) of a block: a ``BlockView`` of
/// that region.
public typealias LayerView = BlockView
