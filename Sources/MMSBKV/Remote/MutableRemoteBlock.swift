/// Write access to one block of another worker, checked against the storage's live generation
/// before and after every transfer. (A handle, not the block: which process writes a remote
/// block when is the two workers' protocol; the handle only guarantees that the block is still the
/// one the descriptor named.)
public struct MutableRemoteBlock: Sendable {
    let imported: ImportedBlockset
    /// What names the block.
    public let descriptor: RemoteBlockDescriptor

    init(imported: ImportedBlockset, descriptor: RemoteBlockDescriptor) {
        self.imported = imported
        self.descriptor = descriptor
    }

    /// Read access to the same block.
    public var reader: RemoteBlock { RemoteBlock(imported: imported, descriptor: descriptor) }

    /// Writes the block from `bytes`, packed in (layer, outer) order.
    ///
    /// - Throws: ``RemoteBlocksetError/stale(workerID:blockset:expected:actual:)``;
    ///   ``RemoteBlocksetError/blockData(_:)`` (e.g. ``BlockDataError/wrongByteCount(count:expected:)``).
    public mutating func write(_ bytes: [UInt8]) throws(RemoteBlocksetError) {
        try imported.checkGeneration(descriptor.generation)
        var writer = BlockWriter(blockSet: imported.blockSet, blockID: descriptor.blockID)
        do { try writer.write(bytes) } catch { throw .blockData(error) }
        try imported.checkGeneration(descriptor.generation)
    }

    /// Copies a local block (any storage, same block shape) into the remote block.
    public mutating func copy(from local: BlockReader) throws(RemoteBlocksetError) {
        try imported.checkGeneration(descriptor.generation)
        var writer = BlockWriter(blockSet: imported.blockSet, blockID: descriptor.blockID)
        do { try writer.copy(from: local) } catch { throw .blockData(error) }
        try imported.checkGeneration(descriptor.generation)
    }
}
