import Foundation
import MMSB
import Testing

@testable import mmsb

@Suite struct StoreCommandsTests {
    // MARK: inspect

    @Test func inspectSummarisesTheStoreAndChangesNothing() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store, cleanClose: false)
        // A torn tail: a record header cut short at the end of the last segment.
        let segment = try #require(FileHandle(forWritingAtPath: store + "/" + Fixture.firstSegment))
        try segment.seekToEnd()
        try segment.write(contentsOf: Data([0x20, 0, 0, 0, 0xAB]))
        try segment.close()
        let before = try Fixture.contents(of: store)

        let result = try runMMSB(["inspect", store])
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.error.isEmpty)
        let lines = Set(result.lines)
        for expected in [
            "Store \(store)", "  id: 00000000000012340000000000005678", "  format: MMSB store format 1.1",
            "  checkpoint LSN: 0 (no checkpoint yet)", "  first live LSN: 1", "  records: 10", "  deltas: 7",
            "  payload bytes: 22", "  last LSN: 10", "  last epoch: 4",
            "  last timestamp: \(Fixture.time(10)) ns (2023-11-14T22:13:20.000010000Z)", "Segments: 1", "Checkpoints: 0",
            "Deltas per page (top 2 of 2 pages)", "  page 2: 4 deltas", "  page 1: 3 deltas",
            "  load no checkpoint and replay 10 records from LSN 1",
        ] {
            #expect(lines.contains(expected), "missing line \(expected)")
        }
        #expect(result.output.contains("Torn tail: found, 5 bytes dropped from"))
        #expect(result.output.contains("Recovery (inspect never modifies the store"))
        #expect(result.output.contains("  cut the torn tail: 5 bytes from"))
        #expect(try Fixture.contents(of: store) == before)
    }

    @Test func inspectJSONIsMachineReadable() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let result = try runMMSB(["inspect", store, "--json", "--pages", "1"])
        #expect(result.status == 0, "stderr: \(result.error)")
        let object = try jsonObject(result.output)
        #expect(object["records"] as? Int == 10)
        #expect(object["deltas"] as? Int == 7)
        #expect(object["payloadBytes"] as? Int == 22)
        #expect(object["lastLSN"] as? Int == 10)
        #expect(object["lastEpoch"] as? Int == 4)
        #expect(object["checkpointLSN"] as? Int == 0)
        #expect(object["store"] as? String == "00000000000012340000000000005678")
        #expect(object["tornTail"] is NSNull)
        let perPage = try #require(object["deltasPerPage"] as? [[String: Any]])
        #expect(perPage.count == 1)
        #expect(perPage.first?["page"] as? Int == 2)
        #expect(perPage.first?["deltas"] as? Int == 4)
        let segments = try #require(object["segments"] as? [[String: Any]])
        #expect(segments.first?["name"] as? String == "00000000000000000001.seg")
        let recovery = try #require(object["recovery"] as? [String: Any])
        #expect(recovery["modifiesStore"] as? Bool == false)
        #expect(recovery["recordsToReplay"] as? Int == 10)
        // Sorted keys: the output is byte-for-byte the same on every run.
        #expect(try runMMSB(["inspect", store, "--json", "--pages", "1"]).output == result.output)
    }

    // MARK: log

    @Test func logPrintsOneLinePerRecord() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let result = try runMMSB(["log", store])
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.lines.count == 10)
        #expect(
            result.lines.first
                == "lsn=1 time=2023-11-14T22:13:20.000001000Z type=page-created page=1 size=32 location=cpu metadata=name")
        #expect(
            result.lines.contains(
                "lsn=5 time=2023-11-14T22:13:20.000005000Z type=deltas page=1,2 delta=3-4 epoch=2 bytes=6 source=importer"))
        #expect(result.lines.contains("lsn=8 time=2023-11-14T22:13:20.000008000Z type=page-deleted page=3"))
        #expect(
            result.lines.last
                == "lsn=10 time=2023-11-14T22:13:20.000010000Z type=deltas page=2 delta=7 epoch=4 bytes=1 source=compute")
    }

    @Test(arguments: [
        (["--page", "1"], [1, 3, 5, 6]),
        (["--page", "3"], [7, 8]),
        (["--source", "compute"], [4, 9, 10]),
        (["--source", "importer"], [5]),
        (["--from-lsn", "3", "--to-lsn", "5"], [3, 4, 5]),
        (["--since", "\(Fixture.time(4))", "--until", "\(Fixture.time(6))"], [4, 5, 6]),
        (["--limit", "2"], [1, 2]),
        (["--page", "2", "--from-lsn", "5", "--limit", "2"], [5, 9]),
        (["--source", "nobody"], []),
    ])
    func logFilters(options: [String], lsns: [Int]) throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let result = try runMMSB(["log", store] + options)
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.lines.map { $0.split(separator: " ")[0] } == lsns.map { "lsn=\($0)" })
    }

    @Test func logJSONIsOneObjectPerLine() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let result = try runMMSB(["log", store, "--json"])
        #expect(result.status == 0, "stderr: \(result.error)")
        let objects = try result.lines.map(jsonObject)
        #expect(objects.map { $0["lsn"] as? Int } == (1...10).map { $0 })
        #expect(objects.map { $0["timestamp"] as? UInt64 } == (1...10).map { Fixture.time(UInt64($0)) })
        let batch = objects[4]
        #expect(batch["type"] as? String == "deltas")
        #expect(batch["pages"] as? [Int] == [1, 2])
        #expect(batch["bytes"] as? Int == 6)
        let deltas = try #require(batch["deltas"] as? [[String: Any]])
        #expect(deltas.map { $0["id"] as? Int } == [3, 4])
        #expect(deltas.map { $0["source"] as? String } == ["importer", "importer"])
        #expect(objects[0]["size"] as? Int == 32)
        #expect(objects[0]["metadataKeys"] as? [String] == ["name"])
        let filtered = try runMMSB(["log", store, "--json", "--source", "compute"])
        #expect(filtered.lines.count == 3)
    }

    // MARK: replay

    @Test(arguments: [
        (["--to-lsn", "0"], ReplayTarget.lsn(LSN(0))),
        (["--to-lsn", "2"], .lsn(LSN(2))),
        (["--to-lsn", "6"], .lsn(LSN(6))),
        (["--to-lsn", "7"], .lsn(LSN(7))),
        (["--to-lsn", "8"], .lsn(LSN(8))),
        (["--to-lsn", "10"], .lsn(LSN(10))),
        (["--to-epoch", "2"], .epoch(Epoch(2))),
        (["--to-time", "\(Fixture.time(9))"], .timestamp(Fixture.time(9))),
    ])
    func replayWritesTheStateAsANewStore(options: [String], target: ReplayTarget) throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let out = scratch.file("out")
        let before = try Fixture.contents(of: store)
        let result = try runMMSB(["replay", store, "--out", out] + options)
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.error.isEmpty)

        let past = try StateBus.open(at: store, asOf: target)
        let digest = try past.stateDigest()
        #expect(result.lines.contains("Digest of the rebuilt state: \(digest)"))
        #expect(result.lines.contains("Digest of the new store:     \(digest)"))
        #expect(result.lines.last == "The digests are equal.")
        #expect(try StateBus.verify(storeAt: out).checkpointAndTail == digest)

        let copy = try StateBus.open(at: out, options: StoreOptions(createIfMissing: false))
        defer { try? copy.close() }
        #expect(try copy.stateDigest() == digest)
        for info in past.pages() {
            #expect(try copy.info(page: info.id).epoch == info.epoch)
            #expect(try copy.metadata(of: info.id) == info.metadata)
            #expect(try copy.read(page: info.id) == past.read(page: info.id))
        }
        #expect(copy.pages().map(\.id) == past.pages().map(\.id))
        #expect(copy.nextDeltaID == past.nextDeltaID)
        #expect(copy.nextPageID == past.nextPageID)
        #expect(try Fixture.contents(of: store) == before)
    }

    @Test func replayIntoAnEmptyDirectoryWorks() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let out = scratch.file("empty")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let result = try runMMSB(["replay", store, "--to-lsn", "5", "--out", out])
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(try StateBus.verify(storeAt: out).isConsistent)
    }

    @Test func replayRefusesBadTargetsAndExistingOutput() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let taken = scratch.file("taken")
        try FileManager.default.createDirectory(atPath: taken, withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: taken + "/keep", contents: Data("mine".utf8)))

        expectCleanFailure(
            try runMMSB(["replay", store, "--to-lsn", "3", "--out", taken]), mentioning: "already exists and is not empty")
        #expect(FileManager.default.contents(atPath: taken + "/keep") == Data("mine".utf8))
        expectCleanFailure(
            try runMMSB(["replay", store, "--to-lsn", "3", "--out", store]), mentioning: "already exists and is not empty")

        let out = scratch.file("out")
        expectCleanFailure(
            try runMMSB(["replay", store, "--to-lsn", "11", "--out", out]),
            mentioning: "LSN 11 lies beyond the end of the log (the last record is LSN 10)")
        expectCleanFailure(
            try runMMSB(["replay", store, "--to-epoch", "99", "--out", out]),
            mentioning: "epoch 99 lies beyond the end of the log")
        expectCleanFailure(
            try runMMSB(["replay", store, "--out", out]), mentioning: "give exactly one of --to-lsn, --to-epoch and --to-time")
        expectCleanFailure(
            try runMMSB(["replay", store, "--to-lsn", "1", "--to-epoch", "1", "--out", out]),
            mentioning: "give exactly one of --to-lsn, --to-epoch and --to-time")
        expectCleanFailure(try runMMSB(["replay", store, "--to-lsn", "1"]), mentioning: "--out")
        expectCleanFailure(try runMMSB(["replay", store, "--to-lsn", "soon", "--out", out]), mentioning: "soon")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func replayBeforeACheckpointWithoutHistoryIsRefused() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store, keepHistory: false)
        let checkpoint = try runMMSB(["checkpoint", store])
        #expect(checkpoint.status == 0, "stderr: \(checkpoint.error)")
        expectCleanFailure(
            try runMMSB(["replay", store, "--to-lsn", "4", "--out", scratch.file("out")]),
            mentioning: "cannot rebuild the state at LSN 4")
        let covered = try StateBus.summary(ofStoreAt: store).checkpointLSN
        let latest = try runMMSB(["replay", store, "--to-lsn", "\(covered)", "--out", scratch.file("latest")])
        #expect(latest.status == 0, "stderr: \(latest.error)")
    }

    // MARK: checkpoint

    @Test func checkpointCoversTheLogAndRemovesCoveredSegments() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let digest = try StateBus.open(at: store, asOf: .lsn(LSN(10))).stateDigest()
        let result = try runMMSB(["checkpoint", store])
        #expect(result.status == 0, "stderr: \(result.error)")
        let summary = try StateBus.summary(ofStoreAt: store)
        #expect(summary.checkpointLSN >= LSN(10))
        #expect(summary.firstLiveLSN == LSN(summary.checkpointLSN.rawValue + 1))
        #expect(
            result.lines == [
                "Opened \(store): recovery found no checkpoint and replayed 10 log records; no torn tail.",
                "Checkpoint covers LSN \(summary.checkpointLSN).",
                "Removed 1 file: \(Fixture.firstSegment).",
            ])
        #expect(try StateBus.verify(storeAt: store).checkpointAndTail == digest)

        let again = try runMMSB(["checkpoint", store])
        #expect(again.status == 0, "stderr: \(again.error)")
        let later = try StateBus.summary(ofStoreAt: store)
        #expect(
            again.lines.first
                == "Opened \(store): recovery loaded the checkpoint covering LSN \(summary.checkpointLSN) and replayed "
                + "\(summary.lastLSN > summary.checkpointLSN ? summary.lastLSN.rawValue - summary.checkpointLSN.rawValue : 0) log records after it; no torn tail."
        )
        #expect(again.lines.dropFirst().first == "Checkpoint covers LSN \(later.checkpointLSN).")
        #expect(try StateBus.verify(storeAt: store).checkpointAndTail == digest)
    }

    @Test func checkpointCanKeepHistory() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let result = try runMMSB(["checkpoint", store, "--keep-history"])
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.lines.last == "Removed no files.")
        let summary = try StateBus.summary(ofStoreAt: store)
        #expect(summary.checkpointLSN >= LSN(10))
        #expect(summary.firstLiveLSN == LSN(1))
        #expect(try StateBus.verify(storeAt: store).fullReplay != nil)
        let replay = try runMMSB(["replay", store, "--to-lsn", "4", "--out", scratch.file("old")])
        #expect(replay.status == 0, "stderr: \(replay.error)")
    }

    @Test func checkpointRefusesAStoreOpenElsewhere() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let bus = try StateBus.open(at: store, options: StoreOptions(createIfMissing: false))
        defer { try? bus.close() }
        expectCleanFailure(try runMMSB(["checkpoint", store]), mentioning: "is open for writing by another process")
    }

    // MARK: verify

    @Test func verifySaysConsistent() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let digest = try StateBus.open(at: store, asOf: .lsn(LSN(10))).stateDigest()
        let result = try runMMSB(["verify", store])
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.lines == ["Store \(store)", "consistent at LSN 10: checkpoint + tail \(digest), full replay \(digest)"])

        let plain = scratch.file("plain")
        try Fixture.make(at: plain, keepHistory: false)
        #expect(try runMMSB(["checkpoint", plain]).status == 0)
        let withoutHistory = try runMMSB(["verify", plain])
        #expect(withoutHistory.status == 0)
        #expect(
            withoutHistory.lines.last == "consistent at LSN 11: checkpoint + tail \(digest), full replay unavailable (history not kept)")
    }

    @Test func verifyFailsOnADamagedSegmentHeaderOrCheckpoint() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let path = store + "/" + Fixture.firstSegment
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes[40] ^= 0xFF  // the segment header's first delta id, under the header's checksum
        try bytes.write(to: URL(fileURLWithPath: path))
        for command in ["verify", "inspect", "log"] {
            expectCleanFailure(try runMMSB([command, store]), mentioning: "corrupt data in \(path)")
        }
        expectCleanFailure(
            try runMMSB(["replay", store, "--to-lsn", "3", "--out", scratch.file("out")]), mentioning: "corrupt data in \(path)")

        let checkpointed = scratch.file("checkpointed")
        try Fixture.make(at: checkpointed)
        #expect(try runMMSB(["checkpoint", checkpointed]).status == 0)
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: checkpointed + "/ckpt").first { $0.hasSuffix(".ckpt") })
        let checkpoint = checkpointed + "/ckpt/" + name
        var image = try #require(FileManager.default.contents(atPath: checkpoint))
        image[image.count / 2] ^= 0x01
        try image.write(to: URL(fileURLWithPath: checkpoint))
        expectCleanFailure(try runMMSB(["verify", checkpointed]), mentioning: "corrupt data in \(checkpoint)")
    }

    @Test func verifyNotesATornTail() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store, cleanClose: false)
        let digest = try StateBus.open(at: store, asOf: .lsn(LSN(10))).stateDigest()
        let segment = try #require(FileHandle(forWritingAtPath: store + "/" + Fixture.firstSegment))
        try segment.seekToEnd()
        try segment.write(contentsOf: Data([0x20, 0, 0, 0, 0xAB]))
        try segment.close()
        let result = try runMMSB(["verify", store])
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.lines.contains("consistent at LSN 10: checkpoint + tail \(digest), full replay \(digest)"))
        #expect(result.lines.last?.hasPrefix("Note: the log ends in a torn tail") == true)
        #expect(result.output.contains("5 bytes dropped from \(store)/\(Fixture.firstSegment)"))
    }

    // MARK: bad stores

    @Test(arguments: ["inspect", "log", "verify", "checkpoint", "replay"])
    func badStoresAreOneLineErrors(command: String) throws {
        let scratch = ScratchDirectory()
        let extra = command == "replay" ? ["--to-lsn", "1", "--out", scratch.file("out")] : []
        func run(_ store: String) throws -> MMSBRun { try runMMSB([command, store] + extra) }

        expectCleanFailure(
            try run(scratch.file("missing")), mentioning: "no store at \(scratch.file("missing")): the directory does not exist")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("missing")))

        let file = scratch.file("file")
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        expectCleanFailure(try run(file), mentioning: "\(file) is a file, not an MMSB store (a store is a directory)")

        let other = scratch.file("other")
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: other + "/notes.txt", contents: Data("hello".utf8)))
        expectCleanFailure(try run(other), mentioning: "\(other) is not an MMSB store: it holds other files and no MANIFEST")

        let empty = scratch.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        expectCleanFailure(try run(empty), mentioning: "\(empty) is an empty directory, not an MMSB store yet")
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty)

        let garbled = scratch.file("garbled")
        try Fixture.make(at: garbled)
        #expect(FileManager.default.createFile(atPath: garbled + "/MANIFEST", contents: Data(repeating: 0x5A, count: 8_192)))
        expectCleanFailure(try run(garbled), mentioning: "MANIFEST")

        // A segment from another store in this store's log.
        let mine = scratch.file("mine")
        let theirs = scratch.file("theirs")
        try Fixture.make(at: mine)
        try Fixture.make(at: theirs, id: StoreID(high: 9, low: 9))
        let segment = mine + "/" + Fixture.firstSegment
        try FileManager.default.removeItem(atPath: segment)
        try FileManager.default.copyItem(atPath: theirs + "/" + Fixture.firstSegment, toPath: segment)
        expectCleanFailure(try run(mine), mentioning: "belongs to another store")
    }

    @Test(arguments: [
        (["log", "STORE", "--from-lsn", "11"], "--from-lsn 11 lies beyond the end of the log (the last record is LSN 10)"),
        (["log", "STORE", "--from-lsn", "5", "--to-lsn", "2"], "--from-lsn 5 is after --to-lsn 2"),
        (["log", "STORE", "--since", "9", "--until", "2"], "--since 9 is after --until 2"),
        (["log", "STORE", "--limit", "0"], "--limit must be at least 1, not 0"),
        (["log", "STORE", "--limit", "-1"], "--limit must be at least 1, not -1"),
        (["log", "STORE", "--from-lsn", "-1"], "--from-lsn"),
        (["log", "STORE", "--page", "0"], "--page must be a page id of 1 or more"),
        (["log", "STORE", "--page", "-3"], "--page"),
        (["log", "STORE", "--bogus"], "Unknown option '--bogus'"),
        (["log"], "Missing expected argument '<store>'"),
        (["inspect", "STORE", "--pages=-1"], "--pages must not be negative"),
        (["inspect", "STORE", "--pages", "many"], "many"),
        (["verify", "STORE", "extra"], "extra"),
        (["checkpoint"], "Missing expected argument '<store>'"),
        (["import", "STORE"], "Missing expected argument"),
    ])
    func badFlagsAreOneLineErrors(arguments: [String], message: String) throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        try Fixture.make(at: store)
        expectCleanFailure(try runMMSB(arguments.map { $0 == "STORE" ? store : $0 }), mentioning: message)
    }

    // MARK: import

    @Test func importBuildsPagesFromALegacySnapshotAndLog() throws {
        let scratch = ScratchDirectory()
        let snapshot = scratch.file("state.snap")
        let log = scratch.file("state.log")
        #expect(FileManager.default.createFile(atPath: snapshot, contents: Data(LegacyBytes.snapshot())))
        #expect(FileManager.default.createFile(atPath: log, contents: Data(LegacyBytes.log())))

        for (index, files) in [[snapshot, log], [log, snapshot]].enumerated() {
            let store = scratch.file("store\(index)")
            let result = try runMMSB(["import"] + files + [store])
            #expect(result.status == 0, "stderr: \(result.error)")
            #expect(result.lines.contains("Read \(snapshot): MMSBSNAP version 2, 2 pages, log offset 12."))
            #expect(result.lines.contains("Read \(log): MMSBLOG1 version 2, 3 frames."))
            #expect(
                result.lines.contains(
                    "Imported into \(store): 2 pages from the snapshot, 1 inferred from the log, 2 deltas applied, "
                        + "0 frames already in the snapshot, 1 empty frames skipped, 0 frames rejected."))
            #expect(result.lines.last?.hasPrefix("The store now holds 3 pages; its log ends at LSN ") == true)
            try LegacyBytes.expectImported(store)
        }
    }

    @Test func importCanKeepTheImportedRecordsInTheLog() throws {
        let scratch = ScratchDirectory()
        let snapshot = scratch.file("state.snap")
        let log = scratch.file("state.log")
        #expect(FileManager.default.createFile(atPath: snapshot, contents: Data(LegacyBytes.snapshot())))
        #expect(FileManager.default.createFile(atPath: log, contents: Data(LegacyBytes.log())))
        let store = scratch.file("store")
        let result = try runMMSB(["import", snapshot, log, store, "--keep-history"])
        #expect(result.status == 0, "stderr: \(result.error)")
        let records = try runMMSB(["log", store, "--limit", "7"])
        #expect(records.lines.map { $0.split(separator: " ")[2] } == [
            "type=page-created", "type=deltas", "type=page-created", "type=page-created", "type=deltas", "type=deltas", "type=deltas",
        ])
        #expect(records.lines[5].hasSuffix("page=1 delta=3 epoch=2 bytes=3 source=user"))
        #expect(records.lines[6].hasSuffix("page=2 delta=4 epoch=1 bytes=2 source=net-sync"))
        let old = try runMMSB(["replay", store, "--to-lsn", "5", "--out", scratch.file("before-log")])
        #expect(old.status == 0, "stderr: \(old.error)")
        let copy = try Fixture.latest(scratch.file("before-log"))
        #expect(try copy.read(page: 1) == Array("abcdefgh".utf8))
        #expect(try copy.info(page: 4).location == .unified)
        #expect(copy.pages().map(\.id) == [PageID(1), PageID(2), PageID(4)])
    }

    @Test func importTakesASnapshotOrALogAlone() throws {
        let scratch = ScratchDirectory()
        let snapshot = scratch.file("state.snap")
        #expect(FileManager.default.createFile(atPath: snapshot, contents: Data(LegacyBytes.snapshot())))

        let fromSnapshot = try runMMSB(["import", snapshot, scratch.file("a")])
        #expect(fromSnapshot.status == 0, "stderr: \(fromSnapshot.error)")
        let a = try Fixture.latest(scratch.file("a"))
        #expect(a.pages().map(\.id) == [PageID(1), PageID(4)])
        #expect(try a.read(page: 1) == Array("abcdefgh".utf8))

        // Frames whose mask ends in a set entry size the pages the log alone creates.
        let tight = scratch.file("tight.log")
        #expect(FileManager.default.createFile(atPath: tight, contents: Data(LegacyBytes.log(version: 1, tightMasks: true))))
        let fromLog = try runMMSB(["import", tight, scratch.file("b")])
        #expect(fromLog.status == 0, "stderr: \(fromLog.error)")
        #expect(fromLog.lines.contains("Read \(tight): MMSBLOG1 version 1, 3 frames."))
        let b = try Fixture.latest(scratch.file("b"))
        #expect(b.pages().map(\.id) == [PageID(1), PageID(2)])
        #expect(try b.read(page: 1) == Array("XYZ".utf8))
        #expect(try b.read(page: 2) == [0, 0x71, 0x72])
    }

    @Test func importOfALogAloneWithFullPageMasks() throws {
        let scratch = ScratchDirectory()
        let log = scratch.file("state.log")
        #expect(FileManager.default.createFile(atPath: log, contents: Data(LegacyBytes.log())))
        let result = try runMMSB(["import", log, scratch.file("store")])
        // A page the log alone names is sized by its masks: a mask-built delta spans its whole mask (8).
        #expect(result.status == 0, "stderr: \(result.error)")
        let store = try Fixture.latest(scratch.file("store"))
        #expect(store.pages().map(\.size) == [8, 3])
        #expect(try store.read(page: 1) == Array("XYZ".utf8) + [0, 0, 0, 0, 0])
        #expect(try store.read(page: 2) == [0, 0x71, 0x72])
    }

    @Test func importSkipsInvalidFramesOnlyWhenAsked() throws {
        let scratch = ScratchDirectory()
        let snapshot = scratch.file("state.snap")
        let log = scratch.file("stale.log")
        #expect(FileManager.default.createFile(atPath: snapshot, contents: Data(LegacyBytes.snapshot())))
        #expect(FileManager.default.createFile(atPath: log, contents: Data(LegacyBytes.log(staleFrame: true))))
        let store = scratch.file("store")

        expectCleanFailure(try runMMSB(["import", snapshot, log, store]), mentioning: "is not a valid delta")
        #expect(!FileManager.default.fileExists(atPath: store))

        let skipped = try runMMSB(["import", snapshot, log, store, "--skip-invalid"])
        #expect(skipped.status == 0, "stderr: \(skipped.error)")
        #expect(
            skipped.output.contains(
                "2 deltas applied, 0 frames already in the snapshot, 1 empty frames skipped, 1 frames rejected"))
        #expect(skipped.lines.contains { $0.hasPrefix("  skipped the frame at byte ") })
        try LegacyBytes.expectImported(store)
    }

    @Test func importRefusesAStoreWithPages() throws {
        let scratch = ScratchDirectory()
        let snapshot = scratch.file("state.snap")
        #expect(FileManager.default.createFile(atPath: snapshot, contents: Data(LegacyBytes.snapshot())))
        let store = scratch.file("store")
        try Fixture.make(at: store)
        let before = try Fixture.contents(of: store)
        expectCleanFailure(try runMMSB(["import", snapshot, store]), mentioning: "already has 2 pages")
        expectCleanFailure(
            try runMMSB(["import", snapshot, store, "--into-existing"]),
            mentioning: "the legacy files hold page 1, but the store has already used page ids up to 3")
        #expect(try Fixture.contents(of: store) == before)

        // An existing store without pages is fine.
        let empty = scratch.file("empty")
        try StateBus.open(at: empty).close()
        let result = try runMMSB(["import", snapshot, empty])
        #expect(result.status == 0, "stderr: \(result.error)")
    }

    @Test func importRejectsBadFiles() throws {
        let scratch = ScratchDirectory()
        let store = scratch.file("store")
        func file(_ name: String, _ bytes: [UInt8]) -> String {
            let path = scratch.file(name)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            return path
        }
        let log = file("good.log", LegacyBytes.log(tightMasks: true))
        let foreign = file("notes.txt", Array("hello, world".utf8))
        let truncated = file("cut.log", Array(LegacyBytes.log().dropLast(3)))
        var newer = LegacyBytes.log()
        newer[8] = 9
        let future = file("future.log", newer)
        let snapshotBytes = LegacyBytes.snapshot()
        let snapshotTail = file("tail.snap", snapshotBytes + [1, 2])

        expectCleanFailure(try runMMSB(["import", foreign, store]), mentioning: "\(foreign) is not a legacy MMSB file")
        expectCleanFailure(try runMMSB(["import", truncated, store]), mentioning: "truncated")
        expectCleanFailure(try runMMSB(["import", future, store]), mentioning: "unsupported format version 9")
        expectCleanFailure(try runMMSB(["import", snapshotTail, store]), mentioning: "2 unexpected bytes")
        expectCleanFailure(try runMMSB(["import", log, log, store]), mentioning: "two transaction logs given")
        expectCleanFailure(try runMMSB(["import", scratch.file("nothing.log"), store]), mentioning: "cannot read \(scratch.file("nothing.log")): No such file or directory")
        expectCleanFailure(try runMMSB(["import", scratch.path, store]), mentioning: "it is a directory")
        #expect(!FileManager.default.fileExists(atPath: store))

        let notAStore = scratch.file("notes")
        try FileManager.default.createDirectory(atPath: notAStore, withIntermediateDirectories: false)
        _ = file("notes/readme", [1])
        expectCleanFailure(try runMMSB(["import", log, notAStore]), mentioning: "is not an MMSB store")
    }

    // MARK: help

    @Test func everyStoreCommandHasHelp() throws {
        let root = try runMMSB(["--help"])
        for command in [
            "inspect", "log", "replay", "checkpoint", "verify", "import", "demo", "create", "create-page", "delete-page", "write", "read",
            "pages", "metadata", "add-edge", "remove-edge", "set-rule", "watch", "recover", "backup",
        ] {
            #expect(root.output.contains("  \(command) "), "root help lists \(command)")
        }
        let expectations: [String: [String]] = [
            "inspect": ["--pages", "--json", "never modifies"],
            "log": ["--from-lsn", "--to-lsn", "--page", "--source", "--since", "--until", "--limit", "--json"],
            "replay": ["--to-lsn", "--to-epoch", "--to-time", "--out"],
            "checkpoint": ["--keep-history"],
            "verify": ["digest"],
            "import": ["--skip-invalid", "--into-existing", "MMSBLOG1", "MMSBSNAP"],
            "demo": ["--keep", "--page-size", "--message"],
            "create": ["Example:"],
            "create-page": ["--size", "--id", "--location", "--name", "--meta", "Example:"],
            "delete-page": ["--json"],
            "write": ["--offset", "--text", "--hex", "--file", "--stdin", "--salvage", "Examples:"],
            "read": ["--offset", "--length", "--format", "--at-lsn", "hexdump", "Examples:"],
            "pages": ["--at-lsn", "--json", "lock-free"],
            "metadata": ["--set", "--remove", "Example:"],
            "add-edge": ["--type", "cycle", "Example:"],
            "remove-edge": ["--type"],
            "set-rule": ["--none", "passthrough", "Examples:"],
            "watch": ["--from-lsn", "--limit", "--interval", "tail -f", "Examples:"],
            "recover": ["--salvage", "--dry-run", "torn tail"],
            "backup": ["consistent", "Example:"],
        ]
        for (command, words) in expectations {
            let help = try runMMSB([command, "--help"])
            #expect(help.status == 0)
            #expect(help.output.contains("USAGE: mmsb \(command)"))
            #expect(help.output.contains("OVERVIEW: "))
            for word in words { #expect(help.output.contains(word), "\(command) --help mentions \(word)") }
        }
    }

    // MARK: in-process pieces

    @Test func timesAreExactUTC() {
        #expect(TimeText.iso8601(0) == "1970-01-01T00:00:00.000000000Z")
        #expect(TimeText.iso8601(1_700_000_000_123_456_789) == "2023-11-14T22:13:20.123456789Z")
        #expect(TimeText.iso8601(951_782_400_000_000_001) == "2000-02-29T00:00:00.000000001Z")
        #expect(TimeText.iso8601(UInt64.max) == "2554-07-21T23:34:33.709551615Z")
    }

}

/// Files in the original system's formats, built byte by byte (spec §6.1–6.2).
private enum LegacyBytes {
    static func u32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
    static func u64(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }

    /// An `MMSBSNAP` v2 checkpoint: page 1 (8 bytes "abcdefgh", epoch 1, cpu, name=legacy) and page 4
    /// (4 bytes, epoch 3, unified), taken when the log was 12 bytes long (its header only).
    static func snapshot() -> [UInt8] {
        var bytes = Array("MMSBSNAP".utf8) + u32(2) + u32(2) + u64(12)
        let metadata: PageMetadata = ["name": Array("legacy".utf8)]
        bytes +=
            u64(1) + u64(8) + u32(1) + u32(0) + u32(UInt32(metadata.blob.count)) + metadata.blob + u32(8) + Array("abcdefgh".utf8)
        bytes += u64(4) + u64(4) + u32(3) + u32(2) + u32(0) + u32(4) + [1, 2, 3, 4]
        return bytes
    }

    /// One `MMSBLOG1` frame.
    static func frame(
        version: UInt32, delta: UInt64, page: UInt64, epoch: UInt32, mask: [UInt8], payload: [UInt8], sparse: Bool,
        source: String, intent: String
    ) -> [UInt8] {
        var bytes = u64(delta) + u64(page) + u32(epoch) + u32(UInt32(mask.count)) + mask + u32(UInt32(payload.count)) + payload
        bytes += [sparse ? 1 : 0] + u64(1_000) + u32(UInt32(source.utf8.count)) + Array(source.utf8)
        if version >= 2 { bytes += u32(UInt32(intent.utf8.count)) + Array(intent.utf8) }
        return bytes
    }

    /// An `MMSBLOG1` log: "XYZ" into page 1 at epoch 2 (dense), an empty frame, and "qr" at bytes 1–2 of
    /// page 2 (sparse), which the snapshot lacks; with `staleFrame`, also a frame at epoch 0 for page 1.
    /// With `tightMasks` the first frame's mask ends at its last written byte.
    static func log(version: UInt32 = 2, staleFrame: Bool = false, tightMasks: Bool = false) -> [UInt8] {
        var bytes = Array("MMSBLOG1".utf8) + u32(version)
        let mask: [UInt8] = tightMasks ? [1, 1, 1] : [1, 1, 1, 0, 0, 0, 0, 0]
        bytes += frame(
            version: version, delta: 10, page: 1, epoch: 2, mask: mask,
            payload: Array("XYZ".utf8) + [UInt8](repeating: 0, count: mask.count - 3),
            sparse: false, source: "user", intent: "fix")
        bytes += frame(
            version: version, delta: 11, page: 1, epoch: 2, mask: [0, 0], payload: [], sparse: true, source: "user", intent: "")
        if staleFrame {
            bytes += frame(
                version: version, delta: 12, page: 1, epoch: 0, mask: [1], payload: [0x21], sparse: true, source: "user",
                intent: "")
        }
        bytes += frame(
            version: version, delta: 13, page: 2, epoch: 1, mask: [0, 1, 1], payload: Array("qr".utf8), sparse: true,
            source: "net-sync", intent: "")
        return bytes
    }

    /// Checks a store holding the import of ``snapshot()`` and ``log(version:staleFrame:)``.
    static func expectImported(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bus = try Fixture.latest(store)
        #expect(bus.pages().map(\.id) == [PageID(1), PageID(2), PageID(4)], sourceLocation: sourceLocation)
        #expect(try bus.read(page: 1) == Array("XYZdefgh".utf8), sourceLocation: sourceLocation)
        #expect(try bus.info(page: 1).epoch == Epoch(2), sourceLocation: sourceLocation)
        #expect(try bus.metadata(of: 1)["name"] == Array("legacy".utf8), sourceLocation: sourceLocation)
        #expect(try bus.read(page: 2) == [0, 0x71, 0x72], sourceLocation: sourceLocation)
        #expect(try bus.info(page: 2).epoch == Epoch(1), sourceLocation: sourceLocation)
        #expect(try bus.info(page: 4).location == .unified, sourceLocation: sourceLocation)
        #expect(try bus.read(page: 4) == [1, 2, 3, 4], sourceLocation: sourceLocation)
        #expect(try StateBus.verify(storeAt: store).isConsistent, sourceLocation: sourceLocation)
    }
}
