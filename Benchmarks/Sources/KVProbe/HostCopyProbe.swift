import BenchmarkSupport
@_spi(BlockAccess) import MMSBKV

/// Block copies between two host tiers (system → pinned and back) against plain memcpy of the same
/// bytes in the same chunk size, for a Llama-3.1-8B-like block (32 layers × K/V × 16 tokens × 1024
/// × bf16 = 2 MiB).
enum HostCopyProbe {
    static let blocks = 64

    static func layout(_ kind: LayoutKind) throws -> BlockLayout {
        try BlockLayout(config: LayoutConfiguration(numBlocks: blocks, numLayers: 32, outerDim: 2, pageSize: 16, innerDim: 1024), kind: kind)
    }

    static func run(runs: Int) throws {
        let contiguous = try layout(.fullyContiguous)
        let system = try BlockSet.system(contiguous)
        let pinned = try BlockSet.pinned(contiguous)
        let bytes = Double(blocks * contiguous.blockDataSize)
        for block in 0..<blocks {
            var writer = try system.writer(block: block)
            try writer.fill(UInt8(block))
            var other = try pinned.writer(block: block)
            try other.fill(1)
        }
        guard let fromStorage = system.storage as? any HostMemoryStorage, let toStorage = pinned.storage as? any HostMemoryStorage else {
            throw ProbeError.unexpectedStorage
        }
        // Baseline and tier copies alternate within each run, so that load from other processes
        // hits them alike.
        var memcpys: [Double] = []
        var offloads: [Double] = []
        var onboards: [Double] = []
        var scatters: [Double] = []
        let separate = try BlockSet.system(layout(.layerSeparate(outerContiguous: true)))
        for _ in 0..<runs {
            memcpys.append(seconds {
                let from = fromStorage.baseAddress
                let to = toStorage.baseAddress
                let size = contiguous.blockDataSize
                for block in 0..<blocks { (to + block * size).copyMemory(from: from + block * size, byteCount: size) }
            })
            offloads.append(try copyAll(from: system, to: pinned))
            onboards.append(try copyAll(from: pinned, to: system))
            scatters.append(try copyAll(from: system, to: separate))
        }
        let memcpy = median(memcpys)
        let offload = median(offloads)
        let onboard = median(onboards)
        let baseline = bytes / memcpy / 1e9
        print("host↔host, \(blocks) blocks of 2 MiB: memcpy \(format(baseline)) GB/s; system→pinned \(format(bytes / offload / 1e9)) GB/s "
            + "(\(format(100 * memcpy / offload, 0)) %), pinned→system \(format(bytes / onboard / 1e9)) GB/s (\(format(100 * memcpy / onboard, 0)) %) (target ≥ 70 %)")

        let scatter = median(scatters)
        // The fastest run of each shows what the copy costs without interference from other processes.
        let best = { (values: [Double]) in values.min() ?? 0 }
        print("host↔host best runs: memcpy \(format(bytes / best(memcpys) / 1e9)) GB/s, system→pinned \(format(bytes / best(offloads) / 1e9)) GB/s "
            + "(\(format(100 * best(memcpys) / best(offloads), 0)) %), pinned→system \(format(bytes / best(onboards) / 1e9)) GB/s "
            + "(\(format(100 * best(memcpys) / best(onboards), 0)) %), → layer separate \(format(100 * best(memcpys) / best(scatters), 0)) %")
        print("host↔host, fully contiguous → layer separate (64 runs of 32 KiB per block): \(format(bytes / scatter / 1e9)) GB/s "
            + "(\(format(100 * memcpy / scatter, 0)) % of memcpy)")
    }

    static func copyAll(from source: BlockSet, to destination: BlockSet) throws -> Double {
        try seconds {
            for block in 0..<blocks {
                var writer = try destination.writer(block: block)
                try writer.copy(from: source.reader(block: block))
            }
        }
    }
}
