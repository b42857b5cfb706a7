import Foundation
import MMSBKV

/// Runs a `KVWorkload` over a three-tier `KVBlockManager` as an inference server would use it, and
/// counts what happened.
///
/// Per request: match the prompt on the device; continue the match on the host, then on disk, and
/// onboard those hits to the device; compute (allocate, fill, register) the rest; then decode the
/// answer blocks the same way; release everything; process the write-through offloads the
/// registrations queued. Offload runs in `.manual` mode so the whole run is deterministic.
/// Computed blocks are filled with a byte derived from their hash, so every onboarded block can be
/// checked byte for byte.
struct KVSimulation {
    struct Options {
        var workload: KVWorkload.Options
        var deviceBlocks: Int
        var hostBlocks: Int
        var diskBlocks: Int
        var diskDirectory: String
        var diskFilter: Bool
        var numLayers = 2
        var innerDim = 16
    }

    struct Report {
        var requests = 0
        var rejected = 0
        var promptBlocks = 0
        var deviceHits = 0
        var hostHits = 0
        var diskHits = 0
        var computed = 0
        var decoded = 0
        var verified = 0
        var corrupt = 0
        var evictions: [KVTier: Int] = [:]
        var transfers = KVTransferStatistics()
        var blockBytes = 0
        var seconds = 0.0
    }

    let options: Options
    private let manager: KVBlockManager
    private let device: KVTierPool
    private let host: KVTierPool
    private let disk: KVTierPool

    init(_ options: Options) throws {
        self.options = options
        let model = KVManagerModelConfiguration(
            numLayers: options.numLayers, outerDim: 2, pageSize: options.workload.pageSize, innerDim: options.innerDim, dtype: .fp16
        )
        let config = try KVBlockManagerConfigurationBuilder()
            .model(model)
            .device(KVManagerLayoutConfiguration(numBlocks: options.deviceBlocks, storage: .simulatedDevice))
            .host(KVManagerLayoutConfiguration(numBlocks: options.hostBlocks, storage: .system))
            .disk(KVManagerLayoutConfiguration(numBlocks: options.diskBlocks, alignment: 4096, storage: .disk(directory: options.diskDirectory)))
            .offloadMode(.manual)
            .diskFilter(options.diskFilter ? FrequencyFilter.Configuration() : nil)
            .build()
        manager = try KVBlockManager(config)
        device = try manager.tier(.device)
        host = try manager.tier(.host)
        disk = try manager.tier(.disk)
    }

    /// Runs every request, calling `progress(done)` after each.
    func run(progress: (Int) -> Void) throws -> Report {
        var workload = KVWorkload(options.workload)
        var report = Report()
        report.blockBytes = device.blocks.layout.blockDataSize
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<options.workload.requests {
            let request = workload.next()
            try serve(request, &report)
            manager.processOffloads()
            report.requests += 1
            progress(index + 1)
        }
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        report.evictions = [
            .device: device.pool.evictionCount, .host: host.pool.evictionCount, .disk: disk.pool.evictionCount,
        ]
        report.transfers = manager.statistics
        return report
    }

    private func serve(_ request: KVWorkload.Request, _ report: inout Report) throws {
        let prompt = request.prompt
        var held = device.pool.matchSequenceHashesBlocking(prompt)
        let deviceHits = held.count
        defer { try? device.pool.releaseBlocking(held) }
        // Continue the prefix in the host tier, then on disk, bringing hits back to the device.
        var hostHits = 0
        var diskHits = 0
        for (tier, source) in [(KVTier.host, host), (.disk, disk)] where held.count < prompt.count {
            let found = source.pool.matchSequenceHashesBlocking(Array(prompt[held.count...]))
            guard !found.isEmpty else { continue }
            defer { try? source.pool.releaseBlocking(found) }
            guard let onboarded = try? manager.onboard(found, from: tier) else { continue }
            for block in onboarded { try verify(block, &report) }
            held += onboarded
            if tier == .host { hostHits = onboarded.count } else { diskHits = onboarded.count }
        }
        // Prefill the rest, then decode the answer: both are new blocks registered on the device.
        let missing = Array(prompt[held.count...])
        guard let computed = try compute(missing, parent: held.last?.sequenceHash) else {
            report.rejected += 1
            return
        }
        held += computed
        guard let decoded = try compute(request.answer, parent: prompt.last) else {
            report.rejected += 1
            return
        }
        held += decoded
        report.promptBlocks += prompt.count
        report.deviceHits += deviceHits
        report.hostHits += hostHits
        report.diskHits += diskHits
        report.computed += missing.count
        report.decoded += decoded.count
    }

    /// Allocates, fills and registers blocks for `hashes`; nil when the device has no room.
    private func compute(_ hashes: [SequenceHash], parent: SequenceHash?) throws -> [ImmutableBlock]? {
        guard !hashes.isEmpty else { return [] }
        guard let blocks = try? device.pool.allocateBlocksBlocking(hashes.count) else { return nil }
        for (block, hash) in zip(blocks, hashes) {
            var writer = try device.writer(for: block)
            try writer.fill(Self.fillByte(hash))
        }
        try device.pool.markCompleteChain(blocks, sequenceHashes: hashes, parent: parent)
        return try device.pool.registerBlocksBlocking(blocks)
    }

    private func verify(_ block: ImmutableBlock, _ report: inout Report) throws {
        let bytes = try device.reader(for: block).bytes()
        let expected = Self.fillByte(block.sequenceHash)
        if bytes.allSatisfy({ $0 == expected }) { report.verified += 1 } else { report.corrupt += 1 }
    }

    static func fillByte(_ hash: SequenceHash) -> UInt8 { UInt8(truncatingIfNeeded: hash.value >> 56) }
}
