/// Writable bytes of a region of a block (one memory region, ``MutableLayerView``, or a whole block of
/// a fully contiguous layout), obtained only from a ``BlockWriter``.
///
/// Noncopyable, so the one writable view cannot be duplicated; it keeps its storage alive. Do not
/// keep it after its block is registered (the block is shared and immutable from then on).
public struct MutableBlockView: ~Copyable, Sendable {
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

    /// Calls `body` with the region's mutable bytes; the pointer must not escape `body`.
    public mutating func withUnsafeMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try region.withMutableBytes(body)
    }

    /// Sets every byte of the region to `value`.
    public mutating func fill(_ value: UInt8) {
        region.withMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: value) }
    }

    /// A copy of the region's bytes.
    public var bytes: [UInt8] { region.bytes }
}

/// Writable bytes of one memory region of a block: a ``MutableBlockView`` of that region.
public typealias MutableLayerView = MutableBlockView
