import Dispatch
import Foundation
import MMSBKV
import Testing

/// Write-through offload under concurrent registration: eviction on the device must not reuse a
/// block whose offload is still queued while the host has room (issue 9, item 11.2).
@Suite struct KVManagerOffloadConcurrencyTests {
    static let writers = 4
    static let blocksPerWriter = 40
    static let deviceBlocks = 64

    /// The hash writer `w` registers as its `i`-th block (never 0, distinct across writers).
    static func hash(writer: Int, index: Int) -> UInt64 { UInt64(writer * 1_000 + index + 1) }

    /// The bytes of the block registered under `hash`.
    static func content(_ hash: UInt64, count: Int) -> [UInt8] {
        ManagerFixture.pattern(UInt8(truncatingIfNeeded: hash &* 13), count: count)
    }

    /// 4 writer threads × 40 blocks, each allocated, filled, registered and released one at a time
    /// on a 64-block device tier (background offload), with a host tier that has room for all 160.
    /// Returns how many of the 160 hashes reached the host, after checking their bytes there.
    static func runWorkload() throws -> (reached: Int, registered: Int) {
        let total = writers * blocksPerWriter
        let manager = try ManagerFixture.manager(device: deviceBlocks, host: total, mode: .background)
        let device = try manager.tier(.device)
        let failures = Failures()
        let group = DispatchGroup()
        for writer in 0..<writers {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do {
                    for index in 0..<blocksPerWriter {
                        let hash = hash(writer: writer, index: index)
                        guard let block = try device.pool.allocateBlocksBlocking(1).first else {
                            failures.record("writer \(writer): no block")
                            return
                        }
                        var bytes = try device.writer(for: block)
                        try bytes.write(content(hash, count: device.blocks.layout.blockDataSize))
                        try device.pool.markComplete(block, sequenceHash: SequenceHash(hash))
                        try device.pool.releaseBlocking(try device.pool.registerBlocksBlocking([block]))
                    }
                } catch {
                    failures.record("writer \(writer): \(error)")
                }
            }
            thread.start()
        }
        group.wait()
        manager.waitForOffloadsBlocking()
        #expect(failures.all.isEmpty, "\(failures.all)")
        let host = try manager.tier(.host)
        var reached = 0
        for writer in 0..<writers {
            for index in 0..<blocksPerWriter {
                let hash = hash(writer: writer, index: index)
                let found = host.pool.matchSequenceHashesBlocking([SequenceHash(hash)])
                guard let block = found.first else { continue }
                reached += 1
                #expect(try host.reader(for: block).bytes() == content(hash, count: host.blocks.layout.blockDataSize), "hash \(hash)")
                try host.pool.releaseBlocking(found)
            }
        }
        #expect(count(manager.statistics.offloaded) == reached)
        #expect(device.pool.available == deviceBlocks)
        #expect(device.pool.liveLeases == 0)
        #expect(manager.pendingOffloads == 0)
        return (reached, total)
    }

    private static func count(_ table: [KVTransferStatistics.Pair: Int]) -> Int {
        KVTransferStatistics.count(table, .device, .host)
    }

    /// The share of registered blocks that reach the host must be at least 95 %. Set
    /// `MMSBKV_REPORT_OFFLOAD_SHARE=1` to have each run's share written to standard error.
    @Test(arguments: 1...3)
    func concurrentRegistrationReachesTheHost(run: Int) throws {
        let (reached, registered) = try Self.runWorkload()
        let share = Double(reached) / Double(registered)
        if ProcessInfo.processInfo.environment["MMSBKV_REPORT_OFFLOAD_SHARE"] != nil {
            let line = "offload share, run \(run): \(reached)/\(registered) = \(String(format: "%.1f", share * 100)) %\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
        #expect(share >= 0.95, "only \(reached) of \(registered) registered blocks reached the host tier")
    }
}

/// Errors collected from writer threads.
private final class Failures: @unchecked Sendable {
    // @unchecked Sendable: `messages` is touched only under `lock`.
    private let lock = NSLock()
    nonisolated(unsafe) private var messages: [String] = []

    func record(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}
