import CrashStateSupport
import Foundation
@testable import MMSB
import Synchronization
import Testing

/// `StateBus.backup(storeAt:to:)`: a copy consistent at one LSN, taken beside a live writer, whole or
/// not a store after a crash, refusing destinations it would overwrite.
@Suite struct BackupTests {
    /// A store with rotated segments, a checkpoint and records after it, closed without a checkpoint.
    private static func store(at path: String) throws -> StateDigest {
        let bus = try StateBus.open(at: path, options: StoreOptions(segmentSize: 4_096, checkpointOnClose: false))
        let pages = try (0..<3).map { _ in try bus.createPage(size: 512) }
        for call in 0..<80 {
            try bus.write(page: pages[call % 3], offset: call % 50, bytes: (0..<(100 + call % 300)).map { UInt8(truncatingIfNeeded: $0 &+ call) })
            if call == 40 { try bus.checkpoint() }
        }
        let digest = try bus.stateDigest()
        try bus.close()
        return digest
    }

    @Test func aBackupHoldsTheSameStateAndGoesOnAsAStore() throws {
        let scratch = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path, withIntermediateDirectories: true)
        let source = scratch.path + "/store", copy = scratch.path + "/backup"
        let digest = try Self.store(at: source)
        let report = try StateBus.backup(storeAt: source, to: copy)
        #expect(try report.lsn == StateBus.openReadOnly(at: source).lsn)
        #expect(report.checkpointLSN > .zero)
        #expect(report.files >= 3)
        let verified = try StateBus.verify(storeAt: copy)
        #expect(verified.isConsistent && verified.checkpointAndTail == digest && verified.tornTail == nil)
        // The backup is a store of its own: it opens for writing, goes on, and the source is untouched.
        let bus = try StateBus.open(at: copy)
        #expect(bus.storeID == (try StateBus.summary(ofStoreAt: source)).store)
        try bus.write(page: 1, offset: 0, bytes: [9])
        try bus.close()
        #expect(try StateBus.verify(storeAt: source).checkpointAndTail == digest)
    }

    @Test func backupsBesideALiveWriterAreEachAStateTheWriterHad() throws {
        let scratch = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path, withIntermediateDirectories: true)
        let source = scratch.path + "/store"
        // History is kept so that every state the writer had can be rebuilt afterwards to compare.
        let writer = try StateBus.open(at: source, options: StoreOptions(segmentSize: 8_192, keepHistory: true))
        let page = try writer.createPage(size: 256)
        let stop = Atomic<Bool>(false)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var call = 0
            while !stop.load(ordering: .relaxed) {
                call += 1
                _ = try? writer.write(page: page, offset: call % 200, bytes: [UInt8](repeating: UInt8(truncatingIfNeeded: call), count: 56))
                if call % 150 == 0 { _ = try? writer.checkpoint() }
            }
            done.signal()
        }
        var reports: [(path: String, report: BackupReport)] = []
        for index in 0..<6 {
            Thread.sleep(forTimeInterval: 0.03)
            let path = scratch.path + "/backup-\(index)"
            reports.append((path, try StateBus.backup(storeAt: source, to: path)))
        }
        stop.store(true, ordering: .relaxed)
        done.wait()
        try writer.close()
        #expect(Set(reports.map(\.report.lsn)).count > 1, "the writer went on between backups")
        for (path, report) in reports {
            let verified = try StateBus.verify(storeAt: path)
            #expect(verified.isConsistent && verified.tornTail == nil && verified.lsn == report.lsn)
            let then = try StateBus.open(at: source, asOf: .lsn(report.lsn)).stateDigest()
            #expect(verified.checkpointAndTail == then, "backup at LSN \(report.lsn)")
        }
    }

    @Test func aTornTailIsLeftOut() throws {
        let scratch = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path, withIntermediateDirectories: true)
        let source = scratch.path + "/store", copy = scratch.path + "/backup"
        let bus = try StateBus.open(at: source, options: StoreOptions(checkpointOnClose: false))
        let page = try bus.createPage(size: 8)
        try bus.write(page: page, offset: 0, bytes: [1, 2, 3])
        let digest = try bus.stateDigest()
        try bus.sync()
        // A crash mid-append: bytes of a record that never completed, and no clean close.
        let segment = source + "/log/" + (try FileManager.default.contentsOfDirectory(atPath: source + "/log").sorted().last ?? "")
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0x40, 0x00, 0x00, 0x00, 0x09]))
        try handle.close()
        let report = try StateBus.backup(storeAt: source, to: copy)
        #expect(report.lsn == LSN(2))
        let verified = try StateBus.verify(storeAt: copy)
        #expect(verified.tornTail == nil && verified.checkpointAndTail == digest)
        _ = bus
    }

    @Test func destinationsThatHoldAnythingAreRefused() throws {
        let scratch = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path, withIntermediateDirectories: true)
        let source = scratch.path + "/store"
        _ = try Self.store(at: source)
        let file = scratch.path + "/file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        #expect(throws: LogError.notAStore(path: file, found: .file)) { try StateBus.backup(storeAt: source, to: file) }
        let full = scratch.path + "/full"
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: full + "/keep", contents: Data()))
        #expect(throws: LogError.notAStore(path: full, found: .otherFiles)) { try StateBus.backup(storeAt: source, to: full) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: full) == ["keep"])
        #expect(throws: LogError.self) { try StateBus.backup(storeAt: scratch.path + "/none", to: scratch.path + "/out") }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/out"))
        // An empty directory is a fine destination.
        let empty = scratch.path + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try StateBus.backup(storeAt: source, to: empty)
        #expect(try StateBus.verify(storeAt: empty).isConsistent)
    }

    /// Every state a power loss can leave during a backup: the backup folder is either not a store
    /// (no manifest: opening it says so) or the whole backup; the source is never touched.
    @Test func aCrashDuringABackupLeavesAWholeBackupOrNone() throws {
        let scratch = CrashScratch("crash-backup")
        let root = scratch.directory("workload")
        let digest = try Self.store(at: root + "/store")
        let recorder = try FileSystemRecorder(root: root)
        try StateBus.backup(storeAt: root + "/store", to: root + "/backup")
        recorder.stop()
        let generator = CrashStateGenerator(recorder)
        var violations: [String] = []
        var wholeBackups = 0
        let states = try generator.forEachState(.fromEnvironment(ciStates: 300)) { state in
            let directory = scratch.directory("state")
            defer { scratch.remove(directory) }
            try state.image.materialize(in: directory)
            let backup = directory + "/backup"
            if !FileManager.default.fileExists(atPath: backup + "/" + Manifest.fileName) {
                do {
                    _ = try StateBus.openReadOnly(at: backup)
                    violations.append("\(state.how) at \(state.point): a backup without a manifest opened")
                } catch let error as LogError {
                    switch error {
                    case .storeNotFound, .notAStore: break
                    default: violations.append("\(state.how) at \(state.point): \(error)")
                    }
                }
                return
            }
            do {
                let verified = try StateBus.verify(storeAt: backup)
                if !verified.isConsistent || verified.checkpointAndTail != digest {
                    violations.append("\(state.how) at \(state.point): a manifest but not the whole backup: \(verified)")
                }
                wholeBackups += 1
            } catch {
                violations.append("\(state.how) at \(state.point): a manifest but \(error)")
            }
            if (try? StateBus.verify(storeAt: directory + "/store").checkpointAndTail) != digest {
                violations.append("\(state.how) at \(state.point): the source changed")
            }
        }
        print("crash states backup: \(generator.operations.count) operations, \(states) crash states, \(wholeBackups) whole backups, \(violations.count) violations")
        #expect(states > 0 && wholeBackups > 0)
        #expect(violations.isEmpty, "\(violations.count) violations, the first: \(violations.prefix(3).joined(separator: "\n"))")
    }
}
