/// Read access to one block of another worker, byte-exact, checked against the storage's live
/// generation before and after every transfer.
public struct RemoteBlock: Sendable {
    let imported: ImportedBlockset
    /// What names the block.
    public let descriptor: RemoteBlockDescriptor

    init(imported: ImportedBlockset, descriptor: RemoteBlockDescriptor) {
        self.imported = imported
        self.descriptor = descriptor
    }

    /// The block's bytes, packed in (layer, outer) order.
    ///
    /// - Throws: ``RemoteBlocksetError/stale(workerID:blockset:expected:actual:)`` when the owner
    ///   moved to another generation before or during the read; ``RemoteBlocksetError/blockData(_:)``.
    public func bytes() throws(RemoteBlocksetError) -> [UInt8] {
        try imported.checkGeneration(descriptor.generation)
        let bytes: [UInt8]
        do { bytes = try imported.blockSet.reader(block: descriptor.blockID).bytes() } catch { throw .blockData(error) }
        try imported.checkGeneration(descriptor.generation)
        return bytes
    }

    /// Copies the block into a local block (any storage, same block shape).
    ///
    /// - Throws: as ``bytes()``; on a throw the local block's bytes are undefined (do not register it).
    public func copy(into local: inout BlockWriter) throws(RemoteBlocksetError) {
        try imported.checkGeneration(descriptor.generation)
        do { try local.copy(from: imported.blockSet.reader(block: descriptor.blockID)) } catch { throw .blockData(error) }
        try imported.checkGeneration(descriptor.generation)
    }

    /// The remote block set's layout.
    public var layout: BlockLayout { imported.blockSet.layout }
}
