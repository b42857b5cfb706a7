/// Errors of exporting, importing and using remote blocksets.
public enum RemoteBlocksetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The serialized blockset is damaged: `reason`, at byte `offset`.
    case corrupt(reason: String, offset: Int)
    /// The serialized blockset is of format version `version`; this build reads version 1.
    case unsupportedVersion(UInt16)
    /// A block set in `kind` cannot be reached by another process (only shared memory and disk can).
    case notShareable(StorageKind)
    /// A descriptor names worker `workerID`, whose blockset was never imported here.
    case unknownWorker(WorkerID)
    /// A descriptor names block set `index` of worker `workerID`, which its export does not have.
    case unknownBlockset(workerID: WorkerID, index: UInt32)
    /// A descriptor names block `blockID`; the block set has `count` blocks.
    case invalidBlockIndex(workerID: WorkerID, blockset: UInt32, blockID: Int, count: Int)
    /// The descriptor's generation `expected` is not the storage's current generation `actual`
    /// (0: the owner closed it): the blocks were reset, re-laid-out or freed since it was made.
    case stale(workerID: WorkerID, blockset: UInt32, expected: UInt64, actual: UInt64)
    /// The storage opened at `location` is not the one the export describes, as `reason` says.
    case foreignStorage(location: String, reason: String)
    /// Opening or reading the storage failed.
    case storage(StorageError)
    /// A block could not be read, written or copied.
    case blockData(BlockDataError)

    public var description: String {
        switch self {
        case .corrupt(let reason, let offset):
            return "corrupt blockset descriptor at byte \(offset): \(reason)"
        case .unsupportedVersion(let version):
            return "unsupported blockset descriptor version \(version): this build reads version 1"
        case .notShareable(let kind):
            return "a block set in \(kind) cannot be exported: only shared memory and disk block sets are reachable from another process"
        case .unknownWorker(let worker):
            return "foreign descriptor: no blockset of worker \(worker) was imported"
        case .unknownBlockset(let worker, let index):
            return "foreign descriptor: worker \(worker) exported no block set \(index)"
        case .invalidBlockIndex(let worker, let blockset, let block, let count):
            return "block \(block) of worker \(worker) block set \(blockset) does not exist: it has \(count) blocks"
        case .stale(let worker, let blockset, let expected, let actual):
            return "stale descriptor for worker \(worker) block set \(blockset): it is of generation \(expected) but the storage is "
                + (actual == 0 ? "closed" : "at generation \(actual)")
        case .foreignStorage(let location, let reason):
            return "the storage at \(location) is not the exported one: \(reason)"
        case .storage(let error):
            return error.description
        case .blockData(let error):
            return error.description
        }
    }
}

/// Identifies a worker (one process owning a set of tiers), as Dynamo's `WorkerID`.
public typealias WorkerID = UInt64
