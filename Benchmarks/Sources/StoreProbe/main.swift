// Throughput of the durable store: logged writes in each durability mode, group commit, and replay.
//
//     cd Benchmarks && swift run -c release StoreProbe [runs]
//
// Every figure is the median of `runs` (default 5) runs, each on a fresh store in the temporary
// directory (the same disk as the checkout here). Setup (page creation, batch building) is outside
// the timed region; the timed region includes the `close()` that writes and syncs what is buffered.
// Workloads follow the original's stress shape: 4,096 pages of 64 bytes, written round robin.

import BenchmarkSupport
import Dispatch
import Foundation
import MMSB

let runs = CommandLine.arguments.count > 1 ? max(1, Int(CommandLine.arguments[1]) ?? 5) : 5
let pageCount = 4_096

func openStore(_ path: String, _ durability: Durability) throws -> StateBus {
    // No checkpoints: these workloads measure logging and replay of the log.
    try StateBus.open(at: path, options: StoreOptions(durability: durability, checkpointEveryLogBytes: nil, checkpointOnClose: false))
}

func makePages(_ bus: StateBus, size: Int = 64) throws -> [PageID] {
    var batchOfPages: [PageID] = []
    for _ in 0..<pageCount { batchOfPages.append(try bus.createPage(size: size)) }
    return batchOfPages
}

/// A batch of 4,096 writes of 1…64 bytes, one per page.
func mixedBatch(_ pages: [PageID]) -> WriteBatch {
    var batch = WriteBatch(capacity: pageCount, payloadCapacity: pageCount * 64)
    var random = SplitMix64(seed: 7)
    for (index, page) in pages.enumerated() {
        let length = index % 64 + 1
        let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        batch.write(page: page, offset: 64 - length, bytes: bytes)
    }
    return batch
}

/// Deltas per second for `batches` applications of the mixed batch, in `durability` mode.
func batchedWrites(_ durability: Durability, batches: Int) throws -> Double {
    let path = freshDirectory()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let bus = try openStore(path, durability)
    let batch = mixedBatch(try makePages(bus))
    let elapsed = try seconds {
        for _ in 0..<batches { try bus.apply(batch) }
        try bus.close()
    }
    return Double(batches * pageCount) / elapsed
}

/// Deltas per second for `calls` single writes of 1…64 bytes, round robin.
func singleWrites(_ durability: Durability, calls: Int) throws -> Double {
    let path = freshDirectory()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let bus = try openStore(path, durability)
    let pages = try makePages(bus)
    let payload = [UInt8](repeating: 0x5A, count: 64)
    let elapsed = try seconds {
        try payload.withUnsafeBytes { raw in
            for call in 0..<calls {
                let length = call % 64 + 1
                try bus.write(page: pages[call % pageCount], offset: 64 - length,
                              bytes: UnsafeRawBufferPointer(rebasing: raw[0..<length]))
            }
        }
        try bus.close()
    }
    return Double(calls) / elapsed
}

/// Calls per second with `writers` threads each making `calls` single 16-byte writes, `always` mode.
func alwaysWriters(_ writers: Int, calls: Int) throws -> Double {
    let path = freshDirectory()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let bus = try openStore(path, .always)
    let pages = try makePages(bus)
    let failures = LockedCounter()
    // Real threads, one per writer: `concurrentPerform` would run only as many as there are cores.
    let done = DispatchGroup()
    let elapsed = seconds {
        for writer in 0..<writers {
            done.enter()
            let thread = Thread {
                let bytes = [UInt8](repeating: UInt8(writer), count: 16)
                for call in 0..<calls {
                    do {
                        try bus.write(page: pages[(writer * 512 + call) % pageCount], offset: 0, bytes: bytes)
                    } catch {
                        failures.increment()
                    }
                }
                done.leave()
            }
            thread.start()
        }
        done.wait()
    }
    try bus.close()
    precondition(failures.value == 0, "writes failed")
    return Double(writers * calls) / elapsed
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

/// Replay speed: deltas/s and log bytes/s for reopening a store of `batches` × 4,096 deltas of
/// `writeSize` bytes on pages of `pageSize` bytes.
func replay(batches: Int, pageSize: Int, writeSize: Int) throws -> (deltasPerSecond: Double, bytesPerSecond: Double) {
    let path = freshDirectory()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let bus = try openStore(path, .none)
    let pages = try makePages(bus, size: pageSize)
    var batch = WriteBatch(capacity: pageCount, payloadCapacity: pageCount * writeSize)
    var random = SplitMix64(seed: 11)
    for page in pages {
        let bytes = (0..<writeSize).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        batch.write(page: page, offset: pageSize - writeSize, bytes: bytes)
    }
    for _ in 0..<batches { try bus.apply(batch) }
    try bus.close()
    let logBytes = try FileManager.default.contentsOfDirectory(atPath: path + "/log").reduce(0) { total, name in
        total + ((try? FileManager.default.attributesOfItem(atPath: path + "/log/" + name)[.size] as? Int) ?? 0)
    }
    var reopened: StateBus?
    let elapsed = try seconds { reopened = try openStore(path, .none) }
    try reopened?.close()
    let deltas = Double(batches * pageCount)
    return (deltas / elapsed, Double(logBytes) / elapsed)
}

/// Seconds for `dd` to write 1 GiB with a final fdatasync, and to read it back, in the temporary directory.
func ddBaseline() throws -> (write: Double, read: Double) {
    let path = freshDirectory() + ".dd"
    defer { try? FileManager.default.removeItem(atPath: path) }
    func run(_ arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/dd")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        return try seconds {
            try process.run()
            process.waitUntilExit()
        }
    }
    let write = try run(["if=/dev/zero", "of=\(path)", "bs=1M", "count=1024", "conv=fdatasync"])
    // O_DIRECT: the disk's read bandwidth, not the page cache's.
    let read = try run(["if=\(path)", "of=/dev/null", "bs=1M", "iflag=direct"])
    return (write, read)
}

/// Seconds to checkpoint 1 GiB of pages (262,144 pages of 4 KiB, every byte written), and to reopen
/// the store from that checkpoint.
func checkpointGiB() throws -> (checkpoint: Double, reopen: Double) {
    let path = freshDirectory()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let bus = try StateBus.open(at: path, options: StoreOptions(durability: .none, checkpointEveryLogBytes: nil, checkpointOnClose: false))
    var batch = WriteBatch(capacity: 64, payloadCapacity: 64 * 4_096)
    let fill = (0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    for _ in 0..<(262_144 / 64) {
        batch.removeAll()
        for _ in 0..<64 { batch.write(page: try bus.createPage(size: 4_096), offset: 0, bytes: fill) }
        try bus.apply(batch)
    }
    let checkpoint = try seconds { try bus.checkpoint() }
    try bus.close()
    var reopened: StateBus?
    let reopen = try seconds { reopened = try StateBus.open(at: path, options: StoreOptions(durability: .none, checkpointOnClose: false)) }
    precondition(reopened?.pageCount == 262_144)
    try reopened?.close()
    return (checkpoint, reopen)
}

func report(_ name: String, _ unit: String, _ samples: [Double], scale: Double = 1e6) {
    let text = String(format: "%-52@ median %10.2f %@  (min %.2f, max %.2f)",
                      name as NSString, median(samples) / scale, unit as NSString,
                      samples.min()! / scale, samples.max()! / scale)
    print(text)
}

print("StoreProbe: \(runs) runs per figure, temporary directory \(NSTemporaryDirectory())")
do {
    report("logged WriteBatch, none (1-64 B deltas)", "M deltas/s", try (0..<runs).map { _ in try batchedWrites(.none, batches: 250) })
    report("logged WriteBatch, batched 10 ms (1-64 B deltas)", "M deltas/s", try (0..<runs).map { _ in try batchedWrites(.batchedDefault, batches: 250) })
    report("logged single writes, none (1-64 B)", "M deltas/s", try (0..<runs).map { _ in try singleWrites(.none, calls: 1_000_000) })
    report("logged single writes, batched 10 ms (1-64 B)", "M deltas/s", try (0..<runs).map { _ in try singleWrites(.batchedDefault, calls: 1_000_000) })
    var one: [Double] = []
    var eight: [Double] = []
    for _ in 0..<runs {
        one.append(try alwaysWriters(1, calls: 2_000))
        eight.append(try alwaysWriters(8, calls: 1_000))
    }
    report("always, 1 writer (16 B writes)", "K calls/s", one, scale: 1e3)
    report("always, 8 writers (16 B writes)", "K calls/s", eight, scale: 1e3)
    let ratios = zip(eight, one).map { $0 / $1 }
    print(String(format: "%-52@ median %10.2f x    (min %.2f, max %.2f)", "group commit: 8 writers / 1 writer" as NSString,
                 median(ratios), ratios.min()!, ratios.max()!))
    var small: [Double] = []
    var large: [Double] = []
    var largeBytes: [Double] = []
    for _ in 0..<runs {
        small.append(try replay(batches: 250, pageSize: 64, writeSize: 16).deltasPerSecond)
        let result = try replay(batches: 12, pageSize: 4_096, writeSize: 4_096)
        large.append(result.deltasPerSecond)
        largeBytes.append(result.bytesPerSecond)
    }
    report("replay, 16 B deltas (1,024,000 deltas)", "M deltas/s", small)
    report("replay, 4 KiB deltas (49,152 deltas, ~200 MB log)", "GB/s of log", largeBytes, scale: 1e9)
    report("replay, 4 KiB deltas", "M deltas/s", large)
    var ddWrite: [Double] = [], ddRead: [Double] = [], checkpointWrite: [Double] = [], checkpointRead: [Double] = []
    for _ in 0..<max(1, runs / 2) {
        let dd = try ddBaseline()
        ddWrite.append(Double(1 << 30) / dd.write)
        ddRead.append(Double(1 << 30) / dd.read)
        let checkpoint = try checkpointGiB()
        checkpointWrite.append(Double(1 << 30) / checkpoint.checkpoint)
        checkpointRead.append(Double(1 << 30) / checkpoint.reopen)
    }
    report("dd write 1 GiB + fdatasync", "GB/s", ddWrite, scale: 1e9)
    report("checkpoint of 1 GiB of pages (fsync, rename)", "GB/s", checkpointWrite, scale: 1e9)
    report("dd read of that 1 GiB (O_DIRECT, from the disk)", "GB/s", ddRead, scale: 1e9)
    report("reopen from the 1 GiB checkpoint (CRC + copy)", "GB/s", checkpointRead, scale: 1e9)
    print(String(format: "%-52@ median %10.2f   (checkpoint / dd write), %.2f (reopen / dd read)", "ratios" as NSString,
                 median(checkpointWrite) / median(ddWrite), median(checkpointRead) / median(ddRead)))
} catch {
    print("StoreProbe failed: \(error)")
}
