import Metrics

/// A KV-cache block manager with optional device (G1), host (G2) and disk (G3) tiers
/// (reference API `KVBlockManager`).
///
/// Each tier is a `BlockPool` plus the bytes of its blocks. Registering a block in a tier writes it
/// through to the next slower configured tier: the request is queued (higher priority first, then
/// first come first served) and copied later; it is skipped when the lower tier already has the hash,
/// dropped and counted when the lower tier has no block to give, and, for disk, admitted only by the
/// frequency filter (on by default). `onboard` copies blocks from host or disk back to the device.
/// A copy that fails never registers its target: the target block goes back to its pool unregistered.
public final class KVBlockManager: Sendable {
    /// The validated configuration.
    public let config: KVBlockManagerConfiguration
    /// The device tier, if configured.
    public let device: KVTierPool?
    /// The host tier, if configured.
    public let host: KVTierPool?
    /// The disk tier, if configured.
    public let disk: KVTierPool?
    private let engine: OffloadEngine

    /// Builds every configured tier (allocating its storage).
    /// - Throws: `invalidConfiguration` for a bad configuration, `blockData` when a tier's layout or storage
    ///   cannot be built.
    public init(_ config: KVBlockManagerConfiguration) throws(KVBlockManagerError) {
        try config.validate()
        self.config = config
        let metrics = config.metricsFactory.map(KVTransferMetrics.init)
        let engine = OffloadEngine(mode: config.offloadMode, diskFilter: config.diskFilter, metrics: metrics)
        self.engine = engine
        func poolConfiguration(_ tier: KVTier, _ layoutConfig: KVManagerLayoutConfiguration) -> BlockPoolConfiguration {
            BlockPoolConfiguration(
                blockCount: layoutConfig.numBlocks, pageSize: config.model.pageSize, duplication: config.duplication, tier: tier,
                eventManager: config.eventManager, metricsFactory: config.metricsFactory
            )
        }
        let tierConfigs: [(KVTier, KVManagerLayoutConfiguration?)] = [(.device, config.device), (.host, config.host), (.disk, config.disk)]
        // Every pool is checked before any tier's storage is allocated.
        for case let (tier, layoutConfig?) in tierConfigs {
            do { try poolConfiguration(tier, layoutConfig).validate() } catch { throw .pool(tier: tier, error) }
        }
        /// Whether `tier` writes through: its next slower tier is configured.
        func writesThrough(_ tier: KVTier) -> Bool {
            switch tier.lower {
            case .host: config.host != nil
            case .disk: config.disk != nil
            case .device, nil: false
            }
        }
        func build(_ tier: KVTier, _ layoutConfig: KVManagerLayoutConfiguration?) throws(KVBlockManagerError) -> KVTierPool? {
            guard let layoutConfig else { return nil }
            let model = config.model
            let blocks: BlockSet
            do {
                let layout = try BlockLayout(
                    config: LayoutConfiguration(
                        numBlocks: layoutConfig.numBlocks, numLayers: model.numLayers, outerDim: model.outerDim,
                        pageSize: model.pageSize, innerDim: model.innerDim, alignment: layoutConfig.alignment,
                        dtypeWidthBytes: model.dtype.byteWidth
                    ),
                    kind: layoutConfig.layout
                )
                blocks = try Self.blockSet(layout, layoutConfig.storage)
            } catch let error as LayoutError {
                throw .blockData(tier: tier, .layout(error))
            } catch let error as BlockDataError {
                throw .blockData(tier: tier, error)
            } catch {
                throw .blockData(tier: tier, .storage(.invalidConfiguration("\(error)")))
            }
            let pool: BlockPool
            do {
                pool = try BlockPool(poolConfiguration(tier, layoutConfig), offload: writesThrough(tier) ? engine.hooks(for: tier) : nil)
            } catch {
                throw .pool(tier: tier, error)
            }
            return KVTierPool(tier: tier, pool: pool, blocks: blocks)
        }
        device = try build(.device, config.device)
        host = try build(.host, config.host)
        disk = try build(.disk, config.disk)
        var pools: [KVTier: KVTierPool] = [:]
        pools[.device] = device
        pools[.host] = host
        pools[.disk] = disk
        // Write-through goes to the next *configured* slower tier: without a host tier, nothing is
        // offloaded from the device (Dynamo's G1→G3 bypass needs GDS, which we do not simulate).
        engine.attach(pools)
    }

    private static func blockSet(_ layout: BlockLayout, _ storage: KVTierStorage) throws -> BlockSet {
        switch storage {
        case .system: try BlockSet.system(layout)
        case .pinned: try BlockSet.pinned(layout)
        case .simulatedDevice: try BlockSet.simulatedDevice(layout)
        case let .disk(directory): try BlockSet.disk(layout, directory: directory)
        case .null: try BlockSet.null(layout)
        case let .custom(storage): try BlockSet(layout: layout, storage: storage)
        }
    }

    /// Tokens per block.
    public var blockSize: Int { config.model.pageSize }
    /// This worker's id.
    public var workerID: UInt64 { config.workerID }

    /// The tier, or `tierNotConfigured`.
    public func tier(_ tier: KVTier) throws(KVBlockManagerError) -> KVTierPool {
        let pool: KVTierPool? = switch tier {
        case .device: device
        case .host: host
        case .disk: disk
        }
        guard let pool else { throw .tierNotConfigured(tier) }
        return pool
    }

    // MARK: Offload

    /// Transfer counts since the manager was built.
    public var statistics: KVTransferStatistics { engine.snapshot }

    /// Offload requests waiting to be processed.
    public var pendingOffloads: Int { engine.pending }

    /// Processes every queued offload on the caller's thread, including the host → disk offloads
    /// that device → host offloads cause; returns when the queue is empty. (`.manual` mode's driver.)
    public func processOffloads() { engine.drain() }

    /// Waits until no offload is queued or running (background or manual mode); tests use it
    /// instead of sleeping. It drains the queue itself, so it occupies the calling thread for the
    /// duration of the copies (and while a background drain finishes the request it is on).
    public func waitForOffloads() async { engine.drain() }

    /// `waitForOffloads` in blocking form.
    public func waitForOffloadsBlocking() { engine.drain() }

    /// Queues registered blocks of `tier` for offload to the next slower tier, as registration does
    /// (until processed, each is protected from eviction like a newly registered block).
    /// - Throws: `tierNotConfigured`; `pool(.staleBlock / .foreignBlock)` for a handle not valid
    ///   there (then nothing is queued); `invalidTierPair` when `tier` has no slower configured tier.
    public func offload(_ blocks: [ImmutableBlock], from tier: KVTier) throws(KVBlockManagerError) {
        let source = try self.tier(tier)
        guard let lower = tier.lower, (try? self.tier(lower)) != nil else {
            throw .invalidTierPair(from: tier, to: tier.lower ?? tier)
        }
        do { try source.pool.queueOffloads(blocks) } catch { throw .pool(tier: tier, error) }
    }

    /// A mutable block is never registered, so it cannot be offloaded: always throws
    /// `pool(.invalidState)` (or `staleBlock` for a dead handle), as Dynamo's offload of an
    /// unregistered block does.
    public func offload(_ block: MutableBlock, from tier: KVTier) throws(KVBlockManagerError) {
        let source = try self.tier(tier)
        let state: BlockState
        do { state = try source.pool.state(of: block) } catch { throw .pool(tier: tier, error) }
        throw .pool(tier: tier, .invalidState(blockID: block.blockID, state: state, operation: "offload an unregistered block"))
    }

    // MARK: Onboard

    /// Copies registered host or disk blocks to the device and registers them there under the same
    /// hashes, returning device blocks in the same order. All or nothing: every handle is checked,
    /// then the device blocks are allocated at once (`pool(.exceedsCapacity)` for more blocks than the
    /// device has, `pool(.notEnoughBlocksAvailable)` when short), and if any copy fails every
    /// allocated device block goes back unregistered and `transferFailed` is thrown.
    /// The caller keeps its leases on `blocks`.
    public func onboard(_ blocks: [ImmutableBlock], from tier: KVTier) throws(KVBlockManagerError) -> [ImmutableBlock] {
        guard tier != .device else { throw .invalidTierPair(from: tier, to: .device) }
        let source = try self.tier(tier)
        let target = try self.tier(.device)
        guard !blocks.isEmpty else { return [] }
        let start = config.metricsFactory == nil ? nil : monotonicNanoseconds()
        var registrations: [RegisteredBlock] = []
        for block in blocks {
            do { registrations.append(try source.pool.registration(of: block)) } catch { throw .pool(tier: tier, error) }
        }
        let destinations: [MutableBlock]
        do { destinations = try target.pool.allocateBlocksBlocking(blocks.count) } catch { throw .pool(tier: .device, error) }
        for (block, destination) in zip(blocks, destinations) {
            do {
                try BlockTransfer.copy(from: source.blocks, block: block.blockID, to: target.blocks, block: destination.blockID)
            } catch {
                try? target.pool.releaseBlocking(destinations)
                engine.recordOnboard(0, from: tier, failed: true, nanoseconds: nil)
                throw .transferFailed(from: tier, to: .device, sourceBlock: block.blockID, reason: error)
            }
        }
        let onboarded: [ImmutableBlock]
        do {
            for (destination, registration) in zip(destinations, registrations) {
                try target.pool.markComplete(
                    destination, sequenceHash: SequenceHash(registration.sequenceHash),
                    parent: registration.parentHash.map(SequenceHash.init)
                )
                try target.pool.setPriority(destination, registration.priority)
            }
            onboarded = try target.pool.registerBlocksBlocking(destinations)
        } catch {
            try? target.pool.releaseBlocking(destinations)
            throw .pool(tier: .device, error)
        }
        engine.recordOnboard(blocks.count, from: tier, failed: false, nanoseconds: start.map { monotonicNanoseconds() &- $0 })
        return onboarded
    }

    /// `onboard` as an async call.
    public func onboardBlocks(_ blocks: [ImmutableBlock], from tier: KVTier) async throws(KVBlockManagerError) -> [ImmutableBlock] {
        try onboard(blocks, from: tier)
    }
}
