import MMSB

/// The blocksets this process imported from other workers of the same machine, and access to
/// their blocks (Dynamo's `import_remote_blockset` / `get_remote_blocks_{immutable,mutable}`).
///
/// ```swift
/// let peers = RemoteBlocksets()
/// try peers.importRemoteBlockset(SerializedBlockset(decoding: bytesFromPeer))
/// let blocks = try peers.remoteBlocks(descriptorsFromPeer)
/// let data = try blocks[0].bytes()
/// ```
///
/// Every access checks the descriptor against the storage's live generation, so a descriptor made
/// before the owner reset or freed its blocks fails with ``RemoteBlocksetError/stale(workerID:blockset:expected:actual:)``
/// instead of reading someone else's data.
public final class RemoteBlocksets: Sendable {
    /// A pthread `Locked`, not `Synchronization.Mutex`: ThreadSanitizer reports false races on
    /// `Mutex` on Linux (see MMSB's `Locked`).
    private let workers = Locked<[WorkerID: [ImportedBlockset]]>([:])

    public init() {}

    /// Validates `serialized` and opens every block set it describes; a later import from the same
    /// worker replaces the earlier one.
    ///
    /// - Throws: ``RemoteBlocksetError/storage(_:)`` when a storage cannot be opened (it is gone);
    ///   ``RemoteBlocksetError/foreignStorage(location:reason:)`` when what is there is not the
    ///   exported storage; ``RemoteBlocksetError/stale(workerID:blockset:expected:actual:)`` when
    ///   its generation moved on. Nothing is imported when any block set fails.
    public func importRemoteBlockset(_ serialized: SerializedBlockset) throws(RemoteBlocksetError) {
        var imported: [ImportedBlockset] = []
        for descriptor in serialized.blocksets {
            imported.append(try ImportedBlockset(workerID: serialized.workerID, descriptor: descriptor))
        }
        let sets = imported
        workers.withLock { $0[serialized.workerID] = sets }
    }

    /// Decodes `bytes` (see ``SerializedBlockset/init(decoding:)``) and imports them.
    public func importRemoteBlockset(bytes: [UInt8]) throws(RemoteBlocksetError) {
        try importRemoteBlockset(SerializedBlockset(decoding: bytes))
    }

    /// Forgets worker `workerID`'s blocksets (their mappings and files close with the last block using them).
    public func removeWorker(_ workerID: WorkerID) {
        _ = workers.withLock { $0.removeValue(forKey: workerID) }
    }

    /// The workers imported, in ascending order.
    public var importedWorkers: [WorkerID] { workers.withLock { $0.keys.sorted() } }

    /// Read access to the blocks `descriptors` name, in order.
    ///
    /// - Throws: ``RemoteBlocksetError/unknownWorker(_:)`` / ``RemoteBlocksetError/unknownBlockset(workerID:index:)``
    ///   for a foreign descriptor, ``RemoteBlocksetError/invalidBlockIndex(workerID:blockset:blockID:count:)``,
    ///   ``RemoteBlocksetError/stale(workerID:blockset:expected:actual:)``.
    public func remoteBlocks(_ descriptors: [RemoteBlockDescriptor]) throws(RemoteBlocksetError) -> [RemoteBlock] {
        try descriptors.map { (descriptor) throws(RemoteBlocksetError) in
            let set = try resolve(descriptor)
            return RemoteBlock(imported: set, descriptor: descriptor)
        }
    }

    /// Write access to the blocks `descriptors` name, in order (errors as ``remoteBlocks(_:)``).
    /// Writing another worker's block is that worker's protocol to agree to: typically it allocated
    /// the blocks for a peer to fill.
    public func mutableRemoteBlocks(_ descriptors: [RemoteBlockDescriptor]) throws(RemoteBlocksetError) -> [MutableRemoteBlock] {
        var blocks: [MutableRemoteBlock] = []
        for descriptor in descriptors {
            blocks.append(MutableRemoteBlock(imported: try resolve(descriptor), descriptor: descriptor))
        }
        return blocks
    }

    private func resolve(_ descriptor: RemoteBlockDescriptor) throws(RemoteBlocksetError) -> ImportedBlockset {
        guard let sets = workers.withLock({ $0[descriptor.workerID] }) else { throw .unknownWorker(descriptor.workerID) }
        guard Int(descriptor.blockset) < sets.count else {
            throw .unknownBlockset(workerID: descriptor.workerID, index: descriptor.blockset)
        }
        let set = sets[Int(descriptor.blockset)]
        guard descriptor.blockID >= 0, descriptor.blockID < set.blockSet.numBlocks else {
            throw .invalidBlockIndex(
                workerID: descriptor.workerID, blockset: descriptor.blockset, blockID: descriptor.blockID, count: set.blockSet.numBlocks)
        }
        try set.checkGeneration(descriptor.generation)
        return set
    }
}
