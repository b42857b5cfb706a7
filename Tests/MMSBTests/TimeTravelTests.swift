import Foundation
import MMSB
import Testing

@Suite struct TimeTravelTests {
    /// A store whose every step is recorded: after each call, the state's digest and the LSN reached.
    private struct History {
        var digests: [UInt64: StateDigest] = [:]
        var texts: [UInt64: [UInt8]] = [:]
    }

    /// Ten writes of distinct texts to page 1 (LSNs 2…11), one clock tick apart, and the state after each.
    private static func build(_ directory: String, keepHistory: Bool, checkpointAt: Int? = nil) throws -> History {
        let clock = ManualWallClock(nanoseconds: 1_000)
        let bus = try StateBus.open(at: directory, options: StoreOptions(
            durability: .none, bus: .init(clock: clock), checkpointEveryLogBytes: nil, checkpointOnClose: false, keepHistory: keepHistory))
        var history = History()
        try bus.createPage(size: 16)
        history.digests[1] = try bus.stateDigest()
        history.texts[1] = try bus.read(page: 1)
        for step in 0..<10 {
            clock.advance(by: 1_000)
            try bus.write(page: 1, offset: 0, bytes: Array("step-\(step)".utf8))
            let lsn = try #require(bus.nextLSN).rawValue - 1
            history.digests[lsn] = try bus.stateDigest()
            history.texts[lsn] = try bus.read(page: 1)
            if step == checkpointAt {
                // The checkpoint's marker record takes the next LSN and changes nothing.
                try bus.checkpoint()
                history.digests[lsn + 1] = history.digests[lsn]
                history.texts[lsn + 1] = history.texts[lsn]
            }
        }
        try bus.close()
        return history
    }

    @Test func everyLSNRebuildsTheStateThatExistedThen() throws {
        let directory = TemporaryDirectory()
        let history = try Self.build(directory.path, keepHistory: true, checkpointAt: 5)
        #expect(history.digests.count == 12)
        for lsn in UInt64(1)...12 {
            let view = try StateBus.open(at: directory.path, asOf: .lsn(LSN(lsn)))
            #expect(try view.stateDigest() == history.digests[lsn], "LSN \(lsn)")
            #expect(try view.read(page: 1) == history.texts[lsn])
        }
    }

    @Test func epochCutAndTimestampSelectTheSamePrefix() throws {
        let directory = TemporaryDirectory()
        let history = try Self.build(directory.path, keepHistory: true)
        // Page 1's epoch after LSN n is n - 1; record n is stamped 1,000 × n ns.
        for lsn in UInt64(2)...11 {
            let byEpoch = try StateBus.open(at: directory.path, asOf: .epoch(Epoch(lsn - 1)))
            let byTime = try StateBus.open(at: directory.path, asOf: .timestamp(lsn * 1_000 + 500))
            #expect(try byEpoch.stateDigest() == history.digests[lsn])
            #expect(try byTime.stateDigest() == history.digests[lsn])
        }
    }

    /// A view has no changing calls (a `view.write(…)` does not compile); opening one changes no file,
    /// and it says which LSN it shows.
    @Test func aViewLeavesTheFilesAloneAndNamesItsLSN() throws {
        let directory = TemporaryDirectory()
        _ = try Self.build(directory.path, keepHistory: true)
        let before = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/log").sorted()
        let view = try StateBus.open(at: directory.path, asOf: .lsn(3))
        #expect(view.lsn == LSN(3))
        #expect(try StateBus.openReadOnly(at: directory.path).lsn == LSN(11))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/log").sorted() == before)
    }

    @Test func targetsBeyondTheLogOrBeforeTheKeptHistoryAreErrors() throws {
        let directory = TemporaryDirectory()
        _ = try Self.build(directory.path, keepHistory: false, checkpointAt: 5)
        // Records: page 1, ten writes, and the checkpoint marker at LSN 8 (after the sixth write).
        #expect(throws: LogError.targetBeyondLog(target: "LSN 13", last: "the last record is LSN 12")) {
            try StateBus.open(at: directory.path, asOf: .lsn(13))
        }
        #expect(throws: LogError.targetBeyondLog(target: "epoch 11", last: "the highest epoch is 10")) {
            try StateBus.open(at: directory.path, asOf: .epoch(11))
        }
        // The checkpoint after step 5 covers its marker, LSN 8; the log before it is gone.
        #expect(throws: LogError.historyUnavailable(target: "LSN 3", earliest: 8)) {
            try StateBus.open(at: directory.path, asOf: .lsn(3))
        }
        #expect(try StateBus.open(at: directory.path, asOf: .lsn(10)).read(page: 1) == Array("step-7".utf8) + [UInt8](repeating: 0, count: 10))
        #expect(throws: LogError.storeNotFound(path: directory.path + "/missing")) {
            try StateBus.open(at: directory.path + "/missing", asOf: .lsn(1))
        }
    }

    @Test func recordsAndSummaryDescribeTheLog() throws {
        let directory = TemporaryDirectory()
        _ = try Self.build(directory.path, keepHistory: true)
        var lsns: [LSN] = []
        try StateBus.forEachRecord(inStoreAt: directory.path, from: 4) { record in
            lsns.append(record.lsn)
            return record.lsn < 8
        }
        #expect(lsns == [4, 5, 6, 7, 8])
        let summary = try StateBus.summary(ofStoreAt: directory.path)
        #expect(summary.records == 11)
        #expect(summary.deltas == 10)
        #expect(summary.payloadBytes == 60)
        #expect(summary.lastLSN == 11)
        #expect(summary.lastEpoch == 10)
        #expect(summary.lastTimestamp == 11_000)
        #expect(summary.deltasPerPage.map(\.deltas) == [10])
        #expect(summary.tornTail == nil)
    }

    @Test func verifyAgreesAcrossCheckpointTailFullReplayAndLive() throws {
        let directory = TemporaryDirectory()
        let bus = try StateBus.open(at: directory.path, options: StoreOptions(durability: .none, keepHistory: true))
        try bus.createPage(size: 64, metadata: ["k": [1]])
        for round in 0..<20 { try bus.write(page: 1, offset: round, bytes: [UInt8(round)]) }
        try bus.checkpoint()
        try bus.write(page: 1, offset: 63, bytes: [0xEE])
        let report = try bus.verify()
        #expect(report.isConsistent)
        #expect(report.fullReplay != nil)
        #expect(report.live == report.checkpointAndTail)
        try bus.close()
        #expect(try StateBus.verify(storeAt: directory.path).isConsistent)
    }
}

@Suite struct LegacyImportTests {
    /// An MMSBLOG1 v2 file of `frames`, each (page, epoch, mask, payload, sparse).
    private static func legacyLog(_ frames: [(page: UInt64, epoch: UInt32, mask: [Bool], payload: [UInt8], sparse: Bool)]) -> [UInt8] {
        var bytes = Array("MMSBLOG1".utf8) + [2, 0, 0, 0]
        func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        for (index, frame) in frames.enumerated() {
            u64(UInt64(index + 1)); u64(frame.page); u32(frame.epoch)
            u32(UInt32(frame.mask.count)); bytes.append(contentsOf: frame.mask.map { $0 ? 1 : 0 })
            u32(UInt32(frame.payload.count)); bytes.append(contentsOf: frame.payload)
            bytes.append(frame.sparse ? 1 : 0); u64(0)
            u32(4); bytes.append(contentsOf: Array("test".utf8)); u32(0)
        }
        return bytes
    }

    /// An MMSBSNAP v2 file with one page.
    private static func legacySnapshot(id: UInt64, epoch: UInt32, data: [UInt8], logOffset: UInt64) -> [UInt8] {
        var bytes = Array("MMSBSNAP".utf8)
        func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        u32(2); u32(1); u64(logOffset)
        u64(id); u64(UInt64(data.count)); u32(epoch); u32(0); u32(0); u32(UInt32(data.count)); bytes.append(contentsOf: data)
        return bytes
    }

    @Test func snapshotThenLogTailBecomeAStore() throws {
        let log = try LegacyTransactionLog(bytes: Self.legacyLog([
            (7, 3, [true, true, false, false], [9, 9, 0, 0], false),        // before the snapshot's offset: skipped
            (7, 4, [false, false, true, true], [0, 0, 5, 6], false),
            (8, 1, [false, true], [0xAB], true),                             // page 8 only in the log: inferred size 2
            (7, 5, [false, false, false, false], [0, 0, 0, 0], false),       // writes nothing
        ]))
        let snapshot = try LegacySnapshot(bytes: Self.legacySnapshot(id: 7, epoch: 3, data: [1, 2, 3, 4], logOffset: UInt64(log.entries[1].offset)))
        let directory = TemporaryDirectory()
        let bus = try StateBus.open(at: directory.path, options: StoreOptions(durability: .none))
        let report = try bus.importLegacy(snapshot: snapshot, log: log)
        #expect(report.snapshotPages == 1)
        #expect(report.inferredPages == 1)
        #expect(report.framesCoveredBySnapshot == 1)
        #expect(report.deltasApplied == 2)
        #expect(report.emptyFrames == 1)
        #expect(try bus.read(page: 7) == [1, 2, 5, 6])
        #expect(try bus.info(page: 7).epoch == 4)
        #expect(try bus.read(page: 8) == [0, 0xAB])
        try bus.close()
        let reopened = try StateBus.open(at: directory.path)
        #expect(try reopened.read(page: 7) == [1, 2, 5, 6])
    }

    @Test func refusedFramesStopTheImportOrAreReported() throws {
        let log = try LegacyTransactionLog(bytes: Self.legacyLog([
            (1, 5, [true], [1], false),
            (1, 2, [true], [2], false),                                      // epoch goes backwards
        ]))
        let strict = StateBus()
        #expect(throws: LegacyFormatError.self) { try strict.importLegacy(snapshot: nil, log: log) }
        let lenient = StateBus()
        let report = try lenient.importLegacy(snapshot: nil, log: log, skipInvalid: true)
        #expect(report.deltasApplied == 1)
        #expect(report.rejected.count == 1)
        #expect(report.rejected.first?.offset == log.entries[1].offset)
        #expect(try lenient.read(page: 1) == [1])
    }
}
