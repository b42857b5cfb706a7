import Metrics

/// How to build a `BlockPool`.
public struct BlockPoolConfiguration: Sendable {
    /// Blocks in the pool (1 ... 2^31 − 2); block ids are `0 ..< blockCount`.
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

    /// Throws `BlockPoolError.invalidConfiguration` naming the first bad field.
    public func validate() throws(BlockPoolError) {
        guard blockCount >= 1, blockCount < Int(Int32.max) else {
            throw .invalidConfiguration("blockCount must be in 1...\(Int32.max - 1), got \(blockCount)")
        }
        guard (1...1024).contains(pageSize) else {
            throw .invalidConfiguration("pageSize must be in 1...1024, got \(pageSize)")
        }
    }
}
