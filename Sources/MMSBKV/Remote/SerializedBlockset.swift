/// The exported blocksets of one worker (Dynamo's `SerializedNixlBlockSet`): ``encoded()`` gives
/// the bytes to send to a peer, which imports them with ``RemoteBlocksets/importRemoteBlockset(_:)``.
public struct SerializedBlockset: Hashable, Sendable {
    /// The exporting worker.
    public var workerID: WorkerID
    /// One descriptor per exported block set; `blocksets[i].index == i`.
    public var blocksets: [BlocksetDescriptor]

    /// Describes `blocksets` (in this order, indices 0, 1, …) as the export of `workerID`.
    ///
    /// - Throws: ``RemoteBlocksetError/notShareable(_:)`` for a block set whose storage is neither
    ///   ``SharedMemoryStorage`` nor ``DiskStorage``; ``RemoteBlocksetError/storage(_:)`` when a disk
    ///   header cannot be read.
    public init(workerID: WorkerID, blocksets: [BlockSet]) throws(RemoteBlocksetError) {
        self.workerID = workerID
        var descriptors: [BlocksetDescriptor] = []
        for (index, set) in blocksets.enumerated() {
            let location: String
            let id: UInt64
            let generation: UInt64
            if let shared = set.storage as? SharedMemoryStorage {
                location = shared.name
                id = shared.storageID
                generation = shared.generation
            } else if let disk = set.storage as? DiskStorage {
                location = disk.path
                id = disk.storageID
                do { generation = try disk.generation() } catch { throw .storage(error) }
            } else {
                throw .notShareable(set.storage.kind)
            }
            descriptors.append(BlocksetDescriptor(
                index: UInt32(index), config: set.layout.config, layoutKind: set.layout.kind, storageKind: set.storage.kind,
                location: location, storageID: id, generation: generation, byteCount: UInt64(set.storage.byteCount)))
        }
        self.blocksets = descriptors
    }

    /// A serialized blockset with the given parts (as decoded).
    init(workerID: WorkerID, descriptors: [BlocksetDescriptor]) {
        self.workerID = workerID
        self.blocksets = descriptors
    }

    /// Descriptors for blocks `blocks` of block set `blockset`, in the generation exported.
    ///
    /// - Throws: ``RemoteBlocksetError/unknownBlockset(workerID:index:)``;
    ///   ``RemoteBlocksetError/invalidBlockIndex(workerID:blockset:blockID:count:)``.
    public func blockDescriptors(blockset: UInt32, blocks: [Int]) throws(RemoteBlocksetError) -> [RemoteBlockDescriptor] {
        guard Int(blockset) < blocksets.count else { throw .unknownBlockset(workerID: workerID, index: blockset) }
        let descriptor = blocksets[Int(blockset)]
        return try blocks.map { (block) throws(RemoteBlocksetError) in
            guard block >= 0, block < descriptor.config.numBlocks else {
                throw .invalidBlockIndex(workerID: workerID, blockset: blockset, blockID: block, count: descriptor.config.numBlocks)
            }
            return RemoteBlockDescriptor(workerID: workerID, blockset: blockset, blockID: block, generation: descriptor.generation)
        }
    }
}
