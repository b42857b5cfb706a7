import CrashStateSupport
import Foundation
@testable import MMSB
import Testing

/// Crash-consistency tests in the style of ALICE and CrashMonkey: each workload runs with every
/// file-system operation recorded (`FileSystemRecorder`), and every state a power loss could leave at
/// every point of the trace (`CrashStateGenerator`) is opened and checked by `StoreCrashOracle`: it
/// opens, holds every record acknowledged as durable, and holds exactly a state the workload had.
///
/// CI checks a fixed sample of each trace's states. The exhaustive run, every variant at every point:
///
///     MMSB_CRASH_STATES=exhaustive swift test --filter CrashStateTests
///
/// (`MMSB_CRASH_STATES=<n>` samples n per workload instead.)
@Suite struct StoreCrashStateTests {
    /// Bytes that depend on the call number only.
    static func bytes(_ call: Int, count: Int = 200) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: call &* 31 &+ $0 &* 7) }
    }

    static func expectNoViolations(_ summary: StoreCrashExplorer.Summary) {
        #expect(summary.states > 0)
        #expect(summary.violations.isEmpty, "\(summary.violations.count) violations, the first: \(summary.violations.prefix(3).joined(separator: "\n"))")
    }

    /// Creation, page creation, writes that rotate small segments, a checkpoint that deletes the
    /// segments it covers, more writes, a clean close with its checkpoint: every call `always`.
    @Test func creationRotationCheckpointAndCleanClose() throws {
        let summary = try StoreCrashExplorer.explore("rotation") { store, _, oracle in
            let bus = try StateBus.open(at: store, options: StoreOptions(durability: .always, segmentSize: 16_384))
            try oracle.acknowledge(bus)
            var pages: [PageID] = []
            for _ in 0..<3 {
                pages.append(try bus.createPage(size: 2_000))
                try oracle.acknowledge(bus)
            }
            // Writes of 100 to 1,900 bytes: records that straddle 512- and 4,096-byte sectors.
            for call in 0..<60 {
                try bus.write(page: pages[call % 3], offset: call % 7, bytes: Self.bytes(call, count: 100 + (call * 397) % 1_800))
                try oracle.acknowledge(bus)
                if call == 25 || call == 45 {
                    try bus.checkpoint()
                    try oracle.acknowledge(bus)
                }
            }
            try bus.close()
            try oracle.acknowledge(bus)
        }
        Self.expectNoViolations(summary)
    }

    /// Issue 9's first case: an `always` writer killed just before a segment `fdatasync`; the store is
    /// reopened and acknowledges 8 more records; then a power loss. Without recovery syncing what it
    /// built on, the first segment loses its unsynced record and every later one becomes unreachable.
    @Test func restartAfterKillBeforeSyncThenPowerLoss() throws {
        let summary = try StoreCrashExplorer.explore("restart-after-kill") { store, recorder, oracle in
            let options = StoreOptions(durability: .always, segmentSize: 1 << 20)
            let first = try StateBus.open(at: store, options: options)
            let page = try first.createPage(size: 128)
            try oracle.acknowledge(first)
            for call in 0..<6 {
                try first.write(page: page, offset: 0, bytes: Self.bytes(call, count: 128))
                try oracle.acknowledge(first)
            }
            recorder.killAtNextSync()
            #expect(throws: (any Error).self) { try first.write(page: page, offset: 0, bytes: Self.bytes(99, count: 128)) }
            try? first.close()
            recorder.restart()
            let second = try StateBus.open(at: store, options: options)
            try oracle.note(second)
            for call in 6..<14 {
                try second.write(page: page, offset: 0, bytes: Self.bytes(call, count: 128))
                try oracle.acknowledge(second)
            }
            recorder.kill()
            try? second.close()
            recorder.restart()
        }
        Self.expectNoViolations(summary)
    }

    /// A `none` session that closes cleanly without a checkpoint (the manifest records where the log
    /// ends), then an `always` session killed part-way, then a third open.
    @Test func restartAfterCleanExitThenKill() throws {
        let summary = try StoreCrashExplorer.explore("restart-after-clean-exit") { store, recorder, oracle in
            let first = try StateBus.open(at: store, options: StoreOptions(durability: .none, checkpointOnClose: false))
            let page = try first.createPage(size: 64)
            try oracle.note(first)
            for call in 0..<12 {
                try first.write(page: page, offset: call, bytes: [UInt8(call)])
                try oracle.note(first)
            }
            try first.close()
            try oracle.acknowledge(first)
            let second = try StateBus.open(at: store, options: StoreOptions(durability: .always, checkpointOnClose: false))
            for call in 12..<20 {
                try second.write(page: page, offset: call, bytes: [UInt8(call)])
                try oracle.acknowledge(second)
            }
            recorder.kill()
            try? second.close()
            recorder.restart()
            let third = try StateBus.open(at: store, options: StoreOptions(durability: .always))
            try third.write(page: page, offset: 40, bytes: [40])
            try oracle.acknowledge(third)
            try third.close()
            try oracle.acknowledge(third)
        }
        Self.expectNoViolations(summary)
    }

    /// `none` mode: many unsynced writes in flight, only `sync()` and `close()` acknowledge.
    @Test func noneModeKeepsAPrefixAndEverySyncedRecord() throws {
        let summary = try StoreCrashExplorer.explore("none") { store, recorder, oracle in
            let bus = try StateBus.open(at: store, options: StoreOptions(durability: .none, segmentSize: 32_768, checkpointOnClose: false))
            let page = try bus.createPage(size: 6_000)
            try oracle.note(bus)
            for call in 0..<60 {
                try bus.write(page: page, offset: (call * 113) % 2_000, bytes: Self.bytes(call, count: 700 + call * 29))
                try oracle.note(bus)
                if call % 12 == 11 {
                    try bus.sync()
                    try oracle.acknowledge(bus)
                }
            }
            try bus.close()
            try oracle.acknowledge(bus)
            let again = try StateBus.open(at: store, options: StoreOptions(durability: .none))
            try again.write(page: page, offset: 0, bytes: Self.bytes(500, count: 3_000))
            try oracle.note(again)
            recorder.kill()
            try? again.close()
            recorder.restart()
        }
        Self.expectNoViolations(summary)
    }

    /// A process killed in the middle of a checkpoint (before its file, its rename, its manifest or its
    /// garbage collection reached the disk), restarted, checkpointing again.
    @Test func killDuringCheckpointThenRestart() throws {
        let summary = try StoreCrashExplorer.explore("checkpoint-kill") { store, recorder, oracle in
            let options = StoreOptions(durability: .always, segmentSize: 8_192)
            for round in 0..<3 {
                let bus = try StateBus.open(at: store, options: options)
                try oracle.note(bus)
                let page = try bus.pages().first?.id ?? bus.createPage(size: 1_024)
                try oracle.acknowledge(bus)
                for call in 0..<10 {
                    try bus.write(page: page, offset: 0, bytes: Self.bytes(round * 100 + call, count: 900))
                    try oracle.acknowledge(bus)
                }
                // The checkpoint's syncs: the log's, its file's, the manifest's. Kill before one of them.
                if round < 2 {
                    recorder.killAtSync(skipping: round * 2)
                    _ = try? bus.checkpoint()
                    try? bus.close()
                    recorder.restart()
                } else {
                    try bus.checkpoint()
                    try oracle.acknowledge(bus)
                    try bus.close()
                    try oracle.acknowledge(bus)
                }
            }
        }
        Self.expectNoViolations(summary)
    }

    /// `batched` mode: only what `sync()` acknowledged must survive, and always an exact prefix.
    @Test func batchedLosesAtMostItsWindow() throws {
        let summary = try StoreCrashExplorer.explore("batched") { store, recorder, oracle in
            // A window far longer than the test: only explicit syncs and the byte limit write.
            let options = StoreOptions(durability: .batched(maxDelay: .seconds(3_600), maxBytes: 2_048), segmentSize: 8_192)
            let bus = try StateBus.open(at: store, options: options)
            let page = try bus.createPage(size: 512)
            try oracle.note(bus)
            for call in 0..<40 {
                try bus.write(page: page, offset: 0, bytes: Self.bytes(call, count: 100 + call * 5))
                try oracle.note(bus)
                if call % 10 == 9 {
                    try bus.sync()
                    try oracle.acknowledge(bus)
                }
            }
            recorder.kill()
            try? bus.close()
            recorder.restart()
        }
        Self.expectNoViolations(summary)
    }

    /// Salvage of a store whose middle segment is damaged: it cuts, removes the later segments, opens
    /// and takes new acknowledged writes; every crash during it leaves a store the same salvage opens.
    @Test func salvageOfADamagedMiddleSegment() throws {
        let summary = try StoreCrashExplorer.explore(
            "salvage", recovery: .salvage,
            prepare: { store, oracle in
                let bus = try StateBus.open(at: store, options: StoreOptions(durability: .none, segmentSize: 4_096, checkpointOnClose: false))
                let page = try bus.createPage(size: 300)
                try oracle.note(bus)
                for call in 0..<60 {
                    try bus.write(page: page, offset: 0, bytes: Self.bytes(call, count: 300))
                    try oracle.note(bus)
                }
                try bus.close()
                let log = store + "/log"
                let segments = try FileManager.default.contentsOfDirectory(atPath: log).sorted()
                let victim = log + "/" + segments[1]
                var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: victim)))
                bytes[bytes.count / 2] ^= 0xFF
                try Data(bytes).write(to: URL(fileURLWithPath: victim))
            },
            workload: { store, _, oracle in
                let bus = try StateBus.open(at: store, options: StoreOptions(durability: .always, segmentSize: 4_096, recovery: .salvage))
                #expect(bus.recoveryReport?.salvaged != nil)
                let page = try #require(bus.pages().first?.id)
                try oracle.note(bus)
                for call in 100..<105 {
                    try bus.write(page: page, offset: 0, bytes: Self.bytes(call, count: 300))
                    try oracle.acknowledge(bus)
                }
                try bus.close()
                try oracle.acknowledge(bus)
            })
        Self.expectNoViolations(summary)
    }
}
