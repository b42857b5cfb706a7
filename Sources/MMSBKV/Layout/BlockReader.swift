/// Read access to one block of a ``BlockSet``: views in place (host memory) or copies (any storage).
///
/// A plain value; it keeps the block set alive. Reading while the block's mutable owner writes it
/// is the caller's race to avoid (a pool only shares registered, immutable blocks).
public struct BlockReader: Sendable {
    /// The block set the block lives in.
    public let blockSet: BlockSet
    /// The block's index in its block set.
    public let blockID: Int

    /// The region of (`layer`, `outer`) in place.
    ///
    /// - Throws: ``BlockDataError/layout(_:)`` for an index out of range;
    ///   ``BlockDataError/viewsNotAvailable(_:)`` unless the storage is host memory.
    public func layerView(layer: Int, outer: Int) throws(BlockDataError) -> LayerView {
        let (storage, offset) = try blockSet.region(block: blockID, layer: layer, outer: outer)
        return LayerView(storage: storage, offset: offset, count: blockSet.layout.regionSize)
    }

    /// The whole block in place (``BlockLayout/blockDataSize`` bytes).
    ///
    /// - Throws: ``BlockDataError/notFullyContiguous(_:)`` for a layer-separate layout;
    ///   ``BlockDataError/viewsNotAvailable(_:)`` unless the storage is host memory.
    public func blockView() throws(BlockDataError) -> BlockView {
        let (storage, range) = try blockSet.blockRange(blockID)
        return BlockView(storage: storage, offset: range.lowerBound, count: range.count)
    }

    /// A copy of the block's bytes, packed in (layer, outer) order, from any storage.
    ///
    /// - Throws: ``BlockDataError/storage(_:)`` when the storage cannot be read.
    public func bytes() throws(BlockDataError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: blockSet.layout.blockDataSize)
        let result = bytes.withUnsafeMutableBytes { raw in
            Result { () throws(BlockDataError) in try read(into: raw) }
        }
        try result.get()
        return bytes
    }

    /// Copies the block's bytes, packed in (layer, outer) order, into `buffer` (exactly
    /// ``BlockLayout/blockDataSize`` bytes).
    ///
    /// - Throws: ``BlockDataError/wrongByteCount(count:expected:)``; ``BlockDataError/storage(_:)``.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(BlockDataError) {
        let set = blockSet
        guard buffer.count == set.layout.blockDataSize else {
            throw .wrongByteCount(count: buffer.count, expected: set.layout.blockDataSize)
        }
        guard let base = buffer.baseAddress else { return }
        try set.layout.forEachCopyRun(block: blockID, to: set.packedLayout, block: 0) { (from, to, count) throws(BlockDataError) in
            do throws(StorageError) { try set.storage.read(into: UnsafeMutableRawBufferPointer(start: base + to, count: count), at: from) } catch {
                throw .storage(error)
            }
        }
    }
}

extension BlockSet {
    /// The host storage and offset of a region, with every check.
    func region(block: Int, layer: Int, outer: Int) throws(BlockDataError) -> (any HostMemoryStorage, Int) {
        let offset: Int
        do { offset = try layout.regionOffset(block: block, layer: layer, outer: outer) } catch { throw .layout(error) }
        guard let hostStorage else { throw .viewsNotAvailable(storage.kind) }
        return (hostStorage, offset)
    }

    /// The host storage and byte range of a fully contiguous block, with every check.
    func blockRange(_ block: Int) throws(BlockDataError) -> (any HostMemoryStorage, Range<Int>) {
        do { try layout.checkBlock(block) } catch { throw .layout(error) }
        guard layout.isFullyContiguous else { throw .notFullyContiguous(layout.kind) }
        guard let hostStorage else { throw .viewsNotAvailable(storage.kind) }
        let start = block * layout.blockStride
        return (hostStorage, start..<(start + layout.blockDataSize))
    }
}
