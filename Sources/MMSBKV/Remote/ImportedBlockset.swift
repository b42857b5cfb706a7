/// One imported block set: the remote storage opened, with the layout laid over it.
final class ImportedBlockset: Sendable {
    let workerID: WorkerID
    let descriptor: BlocksetDescriptor
    let storage: any RemoteStorage
    let blockSet: BlockSet

    init(workerID: WorkerID, descriptor: BlocksetDescriptor) throws(RemoteBlocksetError) {
        self.workerID = workerID
        self.descriptor = descriptor
        switch descriptor.storageKind {
        case .sharedMemory: storage = try RemoteSharedMemoryStorage(descriptor)
        case .disk: storage = try RemoteDiskStorage(descriptor)
        default: throw .notShareable(descriptor.storageKind)
        }
        do {
            blockSet = try BlockSet(layout: descriptor.layout(), storage: storage)
        } catch let error as LayoutError {
            throw .blockData(.layout(error))
        } catch let error as BlockDataError {
            throw .blockData(error)
        } catch {
            throw .foreignStorage(location: descriptor.location, reason: "\(error)")
        }
        try checkGeneration(descriptor.generation)
    }

    /// Throws ``RemoteBlocksetError/stale(workerID:blockset:expected:actual:)`` unless the storage's
    /// live generation is `expected` (and `expected` is the exported one).
    func checkGeneration(_ expected: UInt64) throws(RemoteBlocksetError) {
        let actual: UInt64
        do { actual = try storage.currentGeneration() } catch { throw .storage(error) }
        guard expected == descriptor.generation, actual == expected else {
            throw .stale(workerID: workerID, blockset: descriptor.index, expected: expected, actual: actual)
        }
    }
}
