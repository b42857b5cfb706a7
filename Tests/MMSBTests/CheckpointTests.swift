import Foundation
import MMSB
import Testing

@Suite struct CheckpointTests {
    private static func files(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    /// Three pages with metadata and a few writes, the same every time.
    private static func populate(_ bus: StateBus) throws {
        let a = try bus.createPage(size: 32, metadata: ["role": Array("source".utf8)])
        let b = try bus.createPage(size: 5_000)
        let c = try bus.createPage(size: 1)
        try bus.write(page: a, offset: 3, bytes: Array("checkpoint".utf8))
        try bus.write(page: b, offset: 4_990, bytes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        try bus.write(page: c, offset: 0, bytes: [0xFF])
        try bus.deletePage(c)
    }

    private static func snapshot(_ bus: StateBus) throws -> [String] {
        // Dirty bits are left out: a page loaded from a checkpoint is clean, whatever wrote it before.
        try bus.pages().map { "\($0.id) \($0.size) \($0.location) \($0.epoch) \($0.metadata.blob) \(try bus.read(page: $0.id))" }
            + ["next \(bus.nextDeltaID) \(String(describing: bus.nextPageID))"]
    }

    @Test func reopenLoadsTheCheckpointAndReplaysOnlyTheTail() throws {
        let directory = TemporaryDirectory()
        let options = StoreOptions(durability: .none, checkpointOnClose: false)
        let expected: [String]
        do {
            let bus = try StateBus.open(at: directory.path, options: options)
            try Self.populate(bus)
            let covered = try #require(try bus.checkpoint())
            #expect(covered == 8, "seven records, then the checkpoint's own marker")
            try bus.write(page: 1, offset: 0, bytes: [9, 9])
            try bus.setMetadata(Array("v2".utf8), forKey: "version", of: 2)
            expected = try Self.snapshot(bus)
            try bus.close()
        }
        let reopened = try StateBus.open(at: directory.path, options: options)
        let report = try #require(reopened.recoveryReport)
        #expect(report.checkpointLSN == 8)
        #expect(report.recordsReplayed == 2)
        #expect(try Self.snapshot(reopened) == expected)
        #expect(try reopened.dirtyRanges(of: 2).isEmpty)
    }

    @Test func checkpointDeletesCoveredSegmentsUnlessHistoryIsKept() throws {
        for keepHistory in [false, true] {
            let directory = TemporaryDirectory()
            let bus = try StateBus.open(at: directory.path, options: StoreOptions(durability: .none, segmentSize: 4_096, keepHistory: keepHistory))
            try Self.populate(bus)
            for round in 0..<240 { try bus.write(page: 2, offset: round * 20, bytes: [UInt8](repeating: UInt8(round & 0xFF), count: 20)) }
            let before = try Self.files(directory.path + "/log")
            #expect(before.count > 2)
            let covered = try #require(try bus.checkpoint())
            let after = try Self.files(directory.path + "/log")
            if keepHistory {
                #expect(after.count == before.count + 1)
            } else {
                #expect(after == [String(format: "%020llu.seg", covered.rawValue + 1)])
            }
            #expect(try Self.files(directory.path + "/ckpt") == [String(format: "%020llu.ckpt", covered.rawValue)])
            let expected = try Self.snapshot(bus)
            try bus.close()
            let reopened = try StateBus.open(at: directory.path, options: StoreOptions(durability: .none, keepHistory: keepHistory))
            #expect(try Self.snapshot(reopened) == expected)
            try reopened.close()
        }
    }

    @Test func equalStatesGiveByteIdenticalCheckpoints() throws {
        var images: [Data] = []
        for _ in 0..<2 {
            let directory = TemporaryDirectory()
            let options = StoreOptions(
                durability: .none, storeID: StoreID(high: 1, low: 2), bus: .init(clock: ManualWallClock(nanoseconds: 42)),
                checkpointOnClose: false)
            let bus = try StateBus.open(at: directory.path, options: options)
            try Self.populate(bus)
            let covered = try #require(try bus.checkpoint())
            images.append(try Data(contentsOf: URL(fileURLWithPath: directory.path + "/ckpt/" + String(format: "%020llu.ckpt", covered.rawValue))))
            try bus.close()
        }
        #expect(images[0] == images[1])
        #expect(images[0].count > 5_000)
    }

    @Test func closeTakesACheckpointSoReopenReplaysNothing() throws {
        let directory = TemporaryDirectory()
        let bus = try StateBus.open(at: directory.path, options: StoreOptions(durability: .always))
        try Self.populate(bus)
        let expected = try Self.snapshot(bus)
        try bus.close()
        let reopened = try StateBus.open(at: directory.path)
        #expect(reopened.recoveryReport?.recordsReplayed == 0)
        #expect(reopened.recoveryReport?.checkpointLSN == 8)
        #expect(try Self.snapshot(reopened) == expected)
    }

    @Test func automaticCheckpointAfterEnoughLog() throws {
        let directory = TemporaryDirectory()
        let bus = try StateBus.open(at: directory.path, options: StoreOptions(durability: .none, checkpointEveryLogBytes: 2_000, checkpointOnClose: false))
        let page = try bus.createPage(size: 256)
        for round in 0..<40 { try bus.write(page: page, offset: 0, bytes: [UInt8](repeating: UInt8(round), count: 100)) }
        let checkpoints = try Self.files(directory.path + "/ckpt")
        #expect(checkpoints.count == 1)
        try bus.close()
        let reopened = try StateBus.open(at: directory.path)
        #expect(try #require(reopened.recoveryReport).checkpointLSN > 0)
        #expect(try reopened.read(page: page) == [UInt8](repeating: 39, count: 100) + [UInt8](repeating: 0, count: 156))
    }

    @Test func everyFlippedCheckpointByteIsRefusedWithItsFile() throws {
        let directory = TemporaryDirectory()
        do {
            let bus = try StateBus.open(at: directory.path, options: StoreOptions(durability: .none))
            try Self.populate(bus)
            try bus.close()
        }
        let checkpoint = directory.path + "/ckpt/" + (try Self.files(directory.path + "/ckpt")).first!
        let original = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        // Every byte of the checkpoint: headers, counters, metadata, page bytes, trailer.
        for position in 0..<original.count {
            var damaged = original
            damaged[position] ^= 0xFF
            try damaged.write(to: URL(fileURLWithPath: checkpoint))
            do {
                _ = try StateBus.open(at: directory.path)
                Issue.record("a checkpoint with byte \(position) flipped was accepted")
            } catch let error as LogError {
                #expect("\(error)".contains(checkpoint), "byte \(position): \(error)")
            }
        }
        try original.write(to: URL(fileURLWithPath: checkpoint))
        #expect(try StateBus.open(at: directory.path).pageCount == 2)
    }
}
