import Foundation
import Metrics
import MMSBKV
import Testing

/// A small model and tier set for manager tests.
enum ManagerFixture {
    static let model = KVManagerModelConfiguration(numLayers: 2, outerDim: 2, pageSize: 4, innerDim: 8, dtype: .fp16)

    static func manager(
        device: Int? = 8, host: Int? = 8, disk: Int? = nil, diskDirectory: String? = nil,
        mode: KVOffloadMode = .manual, filter: FrequencyFilter.Configuration? = nil,
        hostStorage: KVTierStorage = .system, events: (any EventManager)? = nil,
        metrics: (any MetricsFactory)? = nil
    ) throws -> KVBlockManager {
        var builder = KVBlockManagerConfigurationBuilder().model(model).offloadMode(mode).diskFilter(filter)
        if let device { builder = builder.device(KVManagerLayoutConfiguration(numBlocks: device, storage: .simulatedDevice)) }
        if let host { builder = builder.host(KVManagerLayoutConfiguration(numBlocks: host, layout: .layerSeparate(outerContiguous: true), storage: hostStorage)) }
        if let disk {
            builder = builder.disk(KVManagerLayoutConfiguration(numBlocks: disk, alignment: 4096, storage: .disk(directory: diskDirectory ?? NSTemporaryDirectory())))
        }
        if let events { builder = builder.eventManager(events) }
        if let metrics { builder = builder.metricsFactory(metrics) }
        return try KVBlockManager(try builder.build())
    }

    /// Allocates device blocks, fills block i with bytes derived from `seed + i`, completes them as
    /// one chain of `hashes` and registers them.
    static func writeChain(_ manager: KVBlockManager, _ hashes: [UInt64], seed: UInt8 = 1, priority: UInt32 = 0) throws -> [ImmutableBlock] {
        let device = try manager.tier(.device)
        let blocks = try device.pool.allocateBlocksBlocking(hashes.count)
        for (index, block) in blocks.enumerated() {
            var writer = try device.writer(for: block)
            try writer.write(pattern(seed &+ UInt8(index), count: device.blocks.layout.blockDataSize))
            try device.pool.setPriority(block, priority)
        }
        try device.pool.markCompleteChain(blocks, sequenceHashes: hashes.map(SequenceHash.init))
        return try device.pool.registerBlocksBlocking(blocks)
    }

    static func pattern(_ seed: UInt8, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &* 7) }
    }

    static func bytes(_ manager: KVBlockManager, _ tier: KVTier, _ block: ImmutableBlock) throws -> [UInt8] {
        try manager.tier(tier).reader(for: block).bytes()
    }
}

/// A storage in heap memory whose reads and writes can be made to fail, to test failed transfers.
final class FailingStorage: KVStorage, @unchecked Sendable {
    private let inner: SystemStorage
    private let lock = NSLock()
    nonisolated(unsafe) private var failing = false

    init(byteCount: Int) throws {
        inner = try SystemStorage(byteCount: byteCount, alignment: 1)
    }

    func setFailing(_ value: Bool) { lock.withLock { failing = value } }
    private var isFailing: Bool { lock.withLock { failing } }

    var kind: StorageKind { .system }
    var byteCount: Int { inner.byteCount }
    var alignment: Int { 1 }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(StorageError) {
        if isFailing { throw .operationFailed(operation: "read", path: "failing", errno: 5) }
        try inner.read(into: buffer, at: offset)
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StorageError) {
        if isFailing { throw .operationFailed(operation: "write", path: "failing", errno: 5) }
        try inner.write(bytes, at: offset)
    }

    func fill(_ value: UInt8, at offset: Int, count: Int) throws(StorageError) {
        if isFailing { throw .operationFailed(operation: "fill", path: "failing", errno: 5) }
        try inner.fill(value, at: offset, count: count)
    }
}
