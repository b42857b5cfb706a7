/// Write access to one block of a ``BlockSet``, held by the block's one mutable owner.
///
/// Noncopyable: a writer cannot be duplicated, and the mutable views it gives are noncopyable too,
/// so write access never spreads by copying. Block pools create writers (with
/// `BlockSet.writer(block:)`) only for blocks they hand out as mutable, and ``freeze()`` turns one
/// into a ``BlockReader`` once the block is registered. An immutable block offers only a reader,
/// whose API has no way to write.
public struct BlockWriter: ~Copyable, Sendable {
    /// The block set the block lives in.
    public let blockSet: BlockSet
    /// The block's index in its block set.
    public let blockID: Int

    init(blockSet: BlockSet, blockID: Int) {
        self.blockSet = blockSet
        self.blockID = blockID
    }

    /// Read access to the same block.
    public var reader: BlockReader { BlockReader(blockSet: blockSet, blockID: blockID) }

    /// Gives up write access: the block is read-only from here on.
    public consuming func freeze() -> BlockReader { reader }

    /// The region of (`layer`, `outer`) in place, read-only (see ``BlockReader/layerView(layer:outer:)``).
    public func layerView(layer: Int, outer: Int) throws(BlockDataError) -> LayerView {
        try reader.layerView(layer: layer, outer: outer)
    }

    /// The whole block in place, read-only (see ``BlockReader/blockView()``).
    public func blockView() throws(BlockDataError) -> BlockView { try reader.blockView() }

    /// The region of (`layer`, `outer`) in place, writable.
    ///
    /// - Throws: ``BlockDataError/layout(_:)`` for an index out of range;
    ///   ``BlockDataError/viewsNotAvailable(_:)`` unless the storage is host memory.
    public mutating func mutableLayerView(layer: Int, outer: Int) throws(BlockDataError) -> MutableLayerView {
        let (storage, offset) = try blockSet.region(block: blockID, layer: layer, outer: outer)
        return MutableLayerView(storage: storage, offset: offset, count: blockSet.layout.regionSize)
    }

    /// The whole block in place, writable.
    ///
    /// - Throws: ``BlockDataError/notFullyContiguous(_:)`` for a layer-separate layout;
    ///   ``BlockDataError/viewsNotAvailable(_:)`` unless the storage is host memory.
    public mutating func mutableBlockView() throws(BlockDataError) -> MutableBlockView {
        let (storage, range) = try blockSet.blockRange(blockID)
        return MutableBlockView(storage: storage, offset: range.lowerBound, count: range.count)
    }

    /// Writes the block from `bytes`, packed in (layer, outer) order, into any storage.
    ///
    /// - Throws: ``BlockDataError/wrongByteCount(count:expected:)``; ``BlockDataError/storage(_:)``.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws(BlockDataError) {
        let set = blockSet
        guard bytes.count == set.layout.blockDataSize else {
            throw .wrongByteCount(count: bytes.count, expected: set.layout.blockDataSize)
        }
        guard let base = bytes.baseAddress else { return }
        try set.packedLayout.forEachCopyRun(block: 0, to: set.layout, block: blockID) { (from, to, count) throws(BlockDataError) in
            do throws(StorageError) { try set.storage.write(UnsafeRawBufferPointer(start: base + from, count: count), at: to) } catch {
                throw .storage(error)
            }
        }
    }

    /// Writes the block from `bytes`, packed in (layer, outer) order.
    public mutating func write(_ bytes: [UInt8]) throws(BlockDataError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(BlockDataError) in try write(raw) }
        }
        try result.get()
    }

    /// Sets every data byte of the block to `value`, in any storage.
    ///
    /// - Throws: ``BlockDataError/storage(_:)``.
    public mutating func fill(_ value: UInt8) throws(BlockDataError) {
        let set = blockSet
        try set.layout.forEachCopyRun(block: blockID, to: set.layout, block: blockID) { (offset, _, count) throws(BlockDataError) in
            do throws(StorageError) { try set.storage.fill(value, at: offset, count: count) } catch { throw .storage(error) }
        }
    }

    /// Copies `source` (a block of any block set with the same block shape, in any storage) into
    /// this block, byte for byte, choosing the transfer by the two storages: `memcpy` between host
    /// memories, `pwrite` / `pread` between host memory and disk, the device's own copies between
    /// host memory and a device, and a bounce through host memory otherwise.
    ///
    /// - Throws: ``BlockDataError/layout(_:)`` with ``LayoutError/incompatibleLayouts(reason:)`` when
    ///   the shapes differ; ``BlockDataError/storage(_:)`` when a transfer fails (the block's bytes
    ///   are then undefined: do not register it).
    public mutating func copy(from source: BlockReader) throws(BlockDataError) {
        try BlockTransfer.copy(from: source.blockSet, block: source.blockID, to: blockSet, block: blockID)
    }
}
