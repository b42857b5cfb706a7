import Metrics

/// The model's KV shape (reference API `KVManagerModelConfiguration`).
public struct KVManagerModelConfiguration: Sendable, Hashable {
    /// Transformer layers (1 ... 128).
    public var numLayers: Int
    /// 2 for separate K and V, 1 for MLA.
    public var outerDim: Int
    /// Tokens per block (1 ... 1024).
    public var pageSize: Int
    /// Elements per token per layer and outer index (1 ... 32768).
    public var innerDim: Int
    /// Element type.
    public var dtype: DType

    /// The reference API's defaults: 32 layers, K and V, 16 tokens, 4096 elements, fp16.
    public init(numLayers: Int = 32, outerDim: Int = 2, pageSize: Int = 16, innerDim: Int = 4096, dtype: DType = .fp16) {
        self.numLayers = numLayers
        self.outerDim = outerDim
        self.pageSize = pageSize
        self.innerDim = innerDim
        self.dtype = dtype
    }

    /// Throws `invalidConfiguration` naming the first field out of range.
    public func validate() throws(KVBlockManagerError) {
        try Self.check("numLayers", numLayers, 1...128)
        try Self.check("outerDim", outerDim, 1...2)
        try Self.check("pageSize", pageSize, 1...1024)
        try Self.check("innerDim", innerDim, 1...32768)
    }

    static func check(_ field: String, _ value: Int, _ range: ClosedRange<Int>) throws(KVBlockManagerError) {
        guard range.contains(value) else {
            throw .invalidConfiguration(field: field, value: String(value), requirement: "it must be in \(range.lowerBound)...\(range.upperBound)")
        }
    }
}

/// Where a tier keeps its bytes.
public enum KVTierStorage: Sendable {
    /// Heap memory.
    case system
    /// Page-locked host memory where the OS allows (the host tier's usual choice).
    case pinned
    /// A device in host memory with explicit copies, until a CUDA backend exists.
    case simulatedDevice
    /// A preallocated file in `directory`.
    case disk(directory: String)
    /// No memory at all: reads give zeros and writes are dropped (pool logic only).
    case null
    /// A storage the caller built (for example one that injects failures in tests).
    case custom(any KVStorage)
}

/// One tier's size, layout and storage (reference API `KVManagerLayoutConfiguration`).
public struct KVManagerLayoutConfiguration: Sendable {
    /// Blocks in the tier.
    public var numBlocks: Int
    /// How a block's layers are laid out.
    public var layout: LayoutKind
    /// Block alignment in bytes (a power of two).
    public var alignment: Int
    /// Where the bytes live.
    public var storage: KVTierStorage

    /// A tier of `numBlocks` blocks; fully contiguous, unaligned by default.
    public init(numBlocks: Int, layout: LayoutKind = .fullyContiguous, alignment: Int = 1, storage: KVTierStorage) {
        self.numBlocks = numBlocks
        self.layout = layout
        self.alignment = alignment
        self.storage = storage
    }
}

/// How write-through offload runs.
public enum KVOffloadMode: Sendable, Hashable {
    /// A background task drains the queue as requests arrive; `waitForOffloads` awaits quiescence.
    case background
    /// Requests wait until `processOffloads()` is called: deterministic, for simulations and tests.
    case manual
}

/// The whole manager configuration (reference API `KVBlockManagerConfiguration`).
public struct KVBlockManagerConfiguration: Sendable {
    /// The KV shape shared by every tier.
    public var model: KVManagerModelConfiguration
    /// The device tier (G1), if any.
    public var device: KVManagerLayoutConfiguration?
    /// The host tier (G2), if any.
    public var host: KVManagerLayoutConfiguration?
    /// The disk tier (G3), if any.
    public var disk: KVManagerLayoutConfiguration?
    /// This worker's id (reference API `WorkerID`).
    public var workerID: UInt64
    /// Receives every pool's block events; nil turns events off.
    public var eventManager: (any EventManager)?
    /// Where pool and transfer metrics go; nil turns metrics off.
    public var metricsFactory: (any MetricsFactory)?
    /// Every pool's duplication mode.
    public var duplication: DuplicationMode
    /// How write-through offload runs.
    public var offloadMode: KVOffloadMode
    /// Disk admission (spec §1.8); nil admits every block offloaded to disk.
    public var diskFilter: FrequencyFilter.Configuration?

    /// A configuration; `validate()` (run by `KVBlockManager.init` and the builder) checks it.
    public init(
        model: KVManagerModelConfiguration, device: KVManagerLayoutConfiguration? = nil, host: KVManagerLayoutConfiguration? = nil,
        disk: KVManagerLayoutConfiguration? = nil, workerID: UInt64 = 0, eventManager: (any EventManager)? = nil,
        metricsFactory: (any MetricsFactory)? = nil, duplication: DuplicationMode = .allowed,
        offloadMode: KVOffloadMode = .background, diskFilter: FrequencyFilter.Configuration? = FrequencyFilter.Configuration()
    ) {
        self.model = model
        self.device = device
        self.host = host
        self.disk = disk
        self.workerID = workerID
        self.eventManager = eventManager
        self.metricsFactory = metricsFactory
        self.duplication = duplication
        self.offloadMode = offloadMode
        self.diskFilter = diskFilter
    }

    /// Throws `invalidConfiguration` for the first bad field: the model, each tier's block count (1 ...
    /// 2^31 − 2, and no more than `BlockPoolConfiguration.maximumBlockCount`) and alignment (a power
    /// of two up to 2 MiB), at least one tier, and the filter's settings (each at least 1).
    public func validate() throws(KVBlockManagerError) {
        try model.validate()
        guard device != nil || host != nil || disk != nil else {
            throw .invalidConfiguration(field: "tiers", value: "none", requirement: "configure at least one of device, host, disk")
        }
        for (name, tier) in [("device", device), ("host", host), ("disk", disk)] {
            guard let tier else { continue }
            try KVManagerModelConfiguration.check("\(name).numBlocks", tier.numBlocks, 1...Int(Int32.max - 1))
            guard tier.numBlocks <= BlockPoolConfiguration.maximumBlockCount else {
                throw .invalidConfiguration(
                    field: "\(name).numBlocks", value: String(tier.numBlocks),
                    requirement: "the pool's bookkeeping (\(BlockPoolConfiguration.bookkeepingBytesPerBlock) bytes a block) must fit in "
                        + "this machine's memory: at most \(BlockPoolConfiguration.maximumBlockCount) blocks"
                )
            }
            guard tier.alignment >= 1, tier.alignment & (tier.alignment - 1) == 0, tier.alignment <= LayoutConfiguration.maximumAlignment else {
                throw .invalidConfiguration(
                    field: "\(name).alignment", value: String(tier.alignment),
                    requirement: "it must be a power of two up to \(LayoutConfiguration.maximumAlignment)"
                )
            }
        }
        if let diskFilter {
            guard diskFilter.threshold >= 1 else {
                throw .invalidConfiguration(field: "diskFilter.threshold", value: String(diskFilter.threshold), requirement: "it must be at least 1")
            }
            guard diskFilter.flushInterval >= 1 else {
                throw .invalidConfiguration(field: "diskFilter.flushInterval", value: String(diskFilter.flushInterval), requirement: "it must be at least 1")
            }
            guard diskFilter.maxEntries >= 1 else {
                throw .invalidConfiguration(field: "diskFilter.maxEntries", value: String(diskFilter.maxEntries), requirement: "it must be at least 1")
            }
        }
    }
}

/// Builds a `KVBlockManagerConfiguration` step by step (reference API `KVBlockManagerConfigurationBuilder`).
public struct KVBlockManagerConfigurationBuilder: Sendable {
    private var config = KVBlockManagerConfiguration(model: KVManagerModelConfiguration())

    /// An empty builder (reference defaults for the model, no tiers).
    public init() {}

    /// Sets the KV shape.
    public func model(_ model: KVManagerModelConfiguration) -> Self { with { $0.model = model } }
    /// Adds the device tier.
    public func device(_ layout: KVManagerLayoutConfiguration) -> Self { with { $0.device = layout } }
    /// Adds the host tier.
    public func host(_ layout: KVManagerLayoutConfiguration) -> Self { with { $0.host = layout } }
    /// Adds the disk tier.
    public func disk(_ layout: KVManagerLayoutConfiguration) -> Self { with { $0.disk = layout } }
    /// Sets this worker's id.
    public func workerID(_ id: UInt64) -> Self { with { $0.workerID = id } }
    /// Sets the event manager.
    public func eventManager(_ manager: any EventManager) -> Self { with { $0.eventManager = manager } }
    /// Sets the metrics factory.
    public func metricsFactory(_ factory: any MetricsFactory) -> Self { with { $0.metricsFactory = factory } }
    /// Sets the duplication mode.
    public func duplication(_ mode: DuplicationMode) -> Self { with { $0.duplication = mode } }
    /// Sets the offload mode.
    public func offloadMode(_ mode: KVOffloadMode) -> Self { with { $0.offloadMode = mode } }
    /// The disk admission filter; nil switches it off (every offload to disk is admitted).
    public func diskFilter(_ filter: FrequencyFilter.Configuration?) -> Self { with { $0.diskFilter = filter } }

    /// The validated configuration.
    public func build() throws(KVBlockManagerError) -> KVBlockManagerConfiguration {
        try config.validate()
        return config
    }

    private func with(_ change: (inout KVBlockManagerConfiguration) -> Void) -> Self {
        var copy = self
        change(&copy.config)
        return copy
    }
}
