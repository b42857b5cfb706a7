/// A tier's blocks: a ``BlockLayout`` laid over a ``KVStorage`` big enough for it.
///
/// The block pool of a tier owns one block set; a block's bytes are reached through a
/// ``BlockReader`` (anyone may read) or a ``BlockWriter`` (only the block's one mutable owner, so
/// writers are handed out by pools, not by this class's public API).
///
/// ```swift
/// let layout = try BlockLayout(config: LayoutConfiguration(numBlocks: 64, numLayers: 32, outerDim: 2,
///                                                   pageSize: 16, innerDim: 1024), kind: .fullyContiguous)
/// let host = try BlockSet.pinned(layout)
/// let disk = try BlockSet.disk(layout, directory: "/var/tmp")
/// ```
public final class BlockSet: Sendable, CustomStringConvertible {
    /// Where each block's regions lie.
    public let layout: BlockLayout
    /// The bytes.
    public let storage: any KVStorage
    /// `storage` as host memory, when it is (cached: views need it on every call).
    let hostStorage: (any HostMemoryStorage)?
    /// One block of the same shape, packed: the order of ``BlockReader/bytes()`` and
    /// ``BlockWriter/write(_:)``, whatever the layout.
    let packedLayout: BlockLayout

    /// Lays `layout` over `storage`.
    ///
    /// - Throws: ``BlockDataError/storageTooSmall(required:available:)`` when the storage holds fewer
    ///   than ``BlockLayout/requiredBytes``; ``BlockDataError/storageMisaligned(required:available:)``
    ///   when its alignment is less than the layout's.
    public init(layout: BlockLayout, storage: any KVStorage) throws(BlockDataError) {
        guard storage.byteCount >= layout.requiredBytes else {
            throw .storageTooSmall(required: layout.requiredBytes, available: storage.byteCount)
        }
        guard storage.alignment >= layout.config.alignment else {
            throw .storageMisaligned(required: layout.config.alignment, available: storage.alignment)
        }
        self.layout = layout
        self.storage = storage
        hostStorage = storage as? any HostMemoryStorage
        let config = layout.config
        do {
            packedLayout = try BlockLayout(
                config: LayoutConfiguration(numBlocks: 1, numLayers: config.numLayers, outerDim: config.outerDim,
                                     pageSize: config.pageSize, innerDim: config.innerDim, dtypeWidthBytes: config.dtypeWidthBytes),
                kind: .fullyContiguous)
        } catch {
            throw .layout(error)
        }
    }

    /// A block set in new ``SystemStorage``.
    public static func system(_ layout: BlockLayout) throws(BlockDataError) -> BlockSet {
        try make(layout) { () throws(StorageError) in try SystemStorage(byteCount: layout.requiredBytes, alignment: layout.config.alignment) }
    }

    /// A block set in new ``PinnedStorage`` (check its `isPinned`).
    public static func pinned(_ layout: BlockLayout) throws(BlockDataError) -> BlockSet {
        try make(layout) { () throws(StorageError) in try PinnedStorage(byteCount: layout.requiredBytes, alignment: layout.config.alignment) }
    }

    /// A block set in new ``SimulatedDeviceStorage``.
    public static func simulatedDevice(_ layout: BlockLayout, ordinal: UInt32 = 0) throws(BlockDataError) -> BlockSet {
        try make(layout) { () throws(StorageError) in
            try SimulatedDeviceStorage(byteCount: layout.requiredBytes, ordinal: ordinal, alignment: layout.config.alignment)
        }
    }

    /// A block set in a new ``DiskStorage`` file in `directory`.
    public static func disk(
        _ layout: BlockLayout, directory: String, options: DiskStorage.Options = DiskStorage.Options()
    ) throws(BlockDataError) -> BlockSet {
        try make(layout) { () throws(StorageError) in try DiskStorage(directory: directory, byteCount: layout.requiredBytes, options: options) }
    }

    /// A block set in new ``SharedMemoryStorage`` that other processes can map by its name (and
    /// lock in memory when `pinned`).
    public static func sharedMemory(_ layout: BlockLayout, pinned: Bool = false) throws(BlockDataError) -> BlockSet {
        try make(layout) { () throws(StorageError) in
            try SharedMemoryStorage(byteCount: layout.requiredBytes, alignment: layout.config.alignment, pinned: pinned)
        }
    }

    /// A block set in ``NullStorage``: no memory, for tests of pool logic.
    public static func null(_ layout: BlockLayout) throws(BlockDataError) -> BlockSet {
        try make(layout) { () throws(StorageError) in try NullStorage(byteCount: layout.requiredBytes) }
    }

    private static func make(_ layout: BlockLayout, _ storage: () throws(StorageError) -> any KVStorage) throws(BlockDataError) -> BlockSet {
        let made: any KVStorage
        do { made = try storage() } catch { throw .storage(error) }
        return try BlockSet(layout: layout, storage: made)
    }

    /// Blocks in the set.
    public var numBlocks: Int { layout.numBlocks }

    /// Read access to block `block`.
    ///
    /// - Throws: ``BlockDataError/layout(_:)`` with ``LayoutError/invalidBlockIndex(_:count:)``.
    public func reader(block: Int) throws(BlockDataError) -> BlockReader {
        do { try layout.checkBlock(block) } catch { throw .layout(error) }
        return BlockReader(blockSet: self, blockID: block)
    }

    /// Write access to block `block`, for the block's one mutable owner: a block pool hands these
    /// out with its mutable blocks. Outside the module it is reachable only through
    /// `@_spi(BlockAccess) import MMSBKV` (tests, benchmarks), so user code cannot write a block it
    /// does not own.
    ///
    /// - Throws: ``BlockDataError/layout(_:)`` with ``LayoutError/invalidBlockIndex(_:count:)``.
    @_spi(BlockAccess)
    public func writer(block: Int) throws(BlockDataError) -> BlockWriter {
        do { try layout.checkBlock(block) } catch { throw .layout(error) }
        return BlockWriter(blockSet: self, blockID: block)
    }

    public var description: String { "block set of \(numBlocks) blocks in \(storage.kind) (\(layout.kind))" }
}
