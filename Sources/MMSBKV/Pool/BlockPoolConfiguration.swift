import Metrics
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How to build a `BlockPool`.
public struct BlockPoolConfiguration: Sendable {
    /// Blocks in the pool (1 ... 2^31 − 2, and no more than ``maximumBlockCount``, whose bookkeeping
    /// fits in this machine's memory); block ids are `0 ..< blockCount`.
    public var blockCount: Int
    /// Tokens per block (1 ... 1024).
    public var pageSize: Int
    /// What registering an already-registered hash does.
    public var duplication: DuplicationMode
    /// The tier the pool serves; it labels events and metrics.
    public var tier: KVTier
    /// Receives block events; nil (or `NullEventManager`) turns events off.
    public var eventManager: (any EventManager)?
    /// Where metrics go; nil turns metrics (and the clock reads of duration timers) off.
    public var metricsFactory: (any MetricsFactory)?

    /// A configuration; `validate()` (run by `BlockPool.init`) checks it.
    public init(
        blockCount: Int, pageSize: Int = 16, duplication: DuplicationMode = .allowed, tier: KVTier = .device,
        eventManager: (any EventManager)? = nil, metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.blockCount = blockCount
        self.pageSize = pageSize
        self.duplication = duplication
        self.tier = tier
        self.eventManager = eventManager
        self.metricsFactory = metricsFactory
    }

    /// Throws `BlockPoolError.invalidConfiguration` naming the first bad field. Nothing is allocated
    /// before this check passes, so a pool too large for the machine is refused, not attempted.
    public func validate() throws(BlockPoolError) {
        guard blockCount >= 1, blockCount < Int(Int32.max) else {
            throw .invalidConfiguration("blockCount must be in 1...\(Int32.max - 1), got \(blockCount)")
        }
        guard blockCount <= Self.maximumBlockCount else {
            throw .invalidConfiguration(
                "blockCount \(blockCount) needs about \(blockCount * Self.bookkeepingBytesPerBlock) bytes of pool bookkeeping, "
                    + "more than this machine's \(Self.physicalMemoryBytes ?? 0) bytes of memory (at most \(Self.maximumBlockCount) blocks)")
        }
        guard (1...1024).contains(pageSize) else {
            throw .invalidConfiguration("pageSize must be in 1...1024, got \(pageSize)")
        }
    }
}

extension BlockPoolConfiguration {
    /// The most blocks a pool may have on this machine: 2^31 − 2, or fewer when their bookkeeping
    /// (``bookkeepingBytesPerBlock`` each) would not fit in the machine's physical memory.
    public static let maximumBlockCount: Int = {
        let idLimit = Int(Int32.max) - 1
        guard let memory = physicalMemoryBytes else { return idLimit }
        return min(idLimit, memory / bookkeepingBytesPerBlock)
    }()

    /// An upper bound of the bytes a pool allocates per block when it is built: the slot, its
    /// salt, its place in the reset ring, the eviction heap entry and position, up to four hash-table
    /// buckets and the lease table's initial reservation. (Bytes of the blocks themselves live in a
    /// tier's storage and are not counted.)
    public static let bookkeepingBytesPerBlock: Int =
        MemoryLayout<BlockSlot>.stride + MemoryLayout<UInt64>.stride + MemoryLayout<Int32>.stride
            + MemoryLayout<EvictionHeap.Entry>.stride + MemoryLayout<Int32>.stride
            + 4 * MemoryLayout<SequenceHashTable.Entry>.stride + 3 * MemoryLayout<UInt32>.stride

    /// The machine's physical memory in bytes, or nil when the system does not say.
    static let physicalMemoryBytes: Int? = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return nil }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
        return overflow ? Int.max : bytes
    }()
}
