import BenchmarkSupport
import Foundation
@_spi(BlockAccess) import MMSBKV

/// Host → disk offload (write every block, then fdatasync) and disk → host onboard of 2 MiB blocks,
/// against `dd` with O_DIRECT on a file in the same directory, run in alternation with ours.
enum DiskOffloadProbe {
    static let blocks = 256  // 512 MiB

    static func run(runs: Int, directory: String) throws {
        let big = try BlockLayout(
            config: LayoutConfiguration(numBlocks: blocks, numLayers: 32, outerDim: 2, pageSize: 16, innerDim: 1024), kind: .fullyContiguous)
        let host = try BlockSet.pinned(big)
        for block in 0..<blocks {
            var writer = try host.writer(block: block)
            try writer.fill(UInt8(truncatingIfNeeded: block &* 31 &+ 7))
        }
        let disk = try BlockSet.disk(big, directory: directory)
        guard let storage = disk.storage as? DiskStorage else { throw ProbeError.unexpectedStorage }
        let megabytes = blocks * big.blockDataSize >> 20
        let bytes = Double(blocks * big.blockDataSize)

        var ddWrite: [Double] = []
        var ddRead: [Double] = []
        var offload: [Double] = []
        var onboard: [Double] = []
        let ddFile = directory + "/kvprobe-dd.bin"
        defer { try? FileManager.default.removeItem(atPath: ddFile) }
        // A first, untimed dd allocates its file, so that the timed runs overwrite allocated blocks
        // as our offloads do (our file is preallocated): the baseline is dd's best case.
        _ = try dd(["if=/dev/zero", "of=\(ddFile)", "bs=1M", "count=\(megabytes)", "oflag=direct", "conv=fdatasync"])
        // Writes first, then reads, so that no read runs while the host's write-back cache is
        // still draining the writes before it.
        for _ in 0..<runs {
            ddWrite.append(try dd(["if=/dev/zero", "of=\(ddFile)", "bs=1M", "count=\(megabytes)", "oflag=direct", "conv=fdatasync,notrunc"]))
            offload.append(try seconds {
                for block in 0..<blocks {
                    var writer = try disk.writer(block: block)
                    try writer.copy(from: host.reader(block: block))
                }
                try storage.synchronize()
            })
        }
        for _ in 0..<runs {
            // Read baseline: dd reads our own storage file (the same extents our onboard reads).
            ddRead.append(try dd(["if=\(storage.path)", "of=/dev/null", "bs=1M", "count=\(megabytes)", "iflag=direct"]))
            onboard.append(try seconds {
                for block in 0..<blocks {
                    var writer = try host.writer(block: block)
                    try writer.copy(from: disk.reader(block: block))
                }
            })
        }
        let ddW = bytes / median(ddWrite) / 1e9
        let ddR = bytes / median(ddRead) / 1e9
        let off = bytes / median(offload) / 1e9
        let on = bytes / median(onboard) / 1e9
        print("disk (\(storage.usesDirectIO ? "O_DIRECT" : "buffered"), \(storage.isPreallocated ? "fallocate" : "ftruncate")), "
            + "\(blocks) blocks of 2 MiB = \(megabytes) MiB in \(directory):")
        print("  offload host→disk + fdatasync: \(format(off)) GB/s vs dd bs=1M oflag=direct conv=fdatasync,notrunc \(format(ddW)) GB/s "
            + "(\(format(100 * off / ddW, 0)) %) (target ≥ 70 %)")
        print("  onboard disk→host: \(format(on)) GB/s vs dd bs=1M iflag=direct of the same file \(format(ddR)) GB/s (\(format(100 * on / ddR, 0)) %)")
        let best = { (values: [Double]) in bytes / (values.min() ?? 1) / 1e9 }
        print("  best runs: offload \(format(best(offload))) GB/s vs dd \(format(best(ddWrite))) GB/s (\(format(100 * best(offload) / best(ddWrite), 0)) %), "
            + "onboard \(format(best(onboard))) GB/s vs dd \(format(best(ddRead))) GB/s (\(format(100 * best(onboard) / best(ddRead), 0)) %)")
        // The batch API with two transfers in flight (queue depth 2), same data.
        let pairs = (0..<blocks).map { (source: $0, destination: $0) }
        var offload2: [Double] = []
        var onboard2: [Double] = []
        for _ in 0..<runs {
            offload2.append(try seconds {
                guard disk.copyBlocks(from: host, pairs: pairs).allSatisfy({ $0 == nil }) else { throw ProbeError.copyFailed }
                try storage.synchronize()
            })
            onboard2.append(try seconds {
                guard host.copyBlocks(from: disk, pairs: pairs).allSatisfy({ $0 == nil }) else { throw ProbeError.copyFailed }
            })
        }
        print("  with 2 transfers in flight (BlockSet.copyBlocks): offload \(format(bytes / median(offload2) / 1e9)) GB/s, "
            + "onboard \(format(bytes / median(onboard2) / 1e9)) GB/s")
    }

    /// Runs `dd` with `arguments` and returns its wall-clock seconds.
    static func dd(_ arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/dd")
        process.arguments = arguments + ["status=none"]
        let elapsed = try seconds {
            try process.run()
            process.waitUntilExit()
        }
        guard process.terminationStatus == 0 else { throw ProbeError.ddFailed(arguments, process.terminationStatus) }
        return elapsed
    }
}

enum ProbeError: Error {
    case ddFailed([String], Int32)
    case unexpectedStorage
    case copyFailed
}
