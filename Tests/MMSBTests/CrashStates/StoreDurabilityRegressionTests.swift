import CrashStateSupport
import Dispatch
import Foundation
@testable import MMSB
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One regression test per hole issue 9 found in the store's promises (each failed on the code
/// before the fix); the crash-state and fault-injection suites cover the same ground in breadth.
@Suite struct StoreDurabilityRegressionTests {
    static func bytes(of path: String) throws -> [UInt8] { try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) }
    static func write(_ bytes: [UInt8], to path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
    static func segments(_ store: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: store + "/log").filter { $0.hasSuffix(".seg") }.sorted().map { store + "/log/" + $0 }
    }

    /// A store whose last session ended without a clean close (killed): its manifest records no end.
    static func killedStore(_ scratch: CrashScratch, writes: Int = 5) throws -> (store: String, digest: StateDigest, page: PageID) {
        let root = scratch.directory("killed")
        let store = root + "/store"
        let recorder = try FileSystemRecorder(root: root)
        let bus = try StateBus.open(at: store, options: StoreOptions(durability: .always))
        let page = try bus.createPage(size: 32)
        for call in 0..<writes { try bus.write(page: page, offset: call, bytes: [UInt8(call + 1)]) }
        let digest = try bus.stateDigest()
        recorder.kill()
        try? bus.close()
        recorder.stop()
        return (store, digest, page)
    }

    // MARK: 1. Recovery builds only on durable bytes

    /// The length each segment had at its last completed sync in `operations` (by path relative to the
    /// recorder's root): what a power loss at the end of the trace keeps of it.
    static func syncedSegmentLengths(_ operations: [TracedOperation]) -> [String: Int] {
        var paths: [Int: String] = [:]
        var length: [Int: Int] = [:]
        var synced: [String: Int] = [:]
        for operation in operations {
            switch operation {
            case .create(let path, let file): (paths[file], length[file]) = (path, 0)
            case .write(let file, let offset, let bytes): length[file] = max(length[file] ?? 0, offset + bytes.count)
            case .truncate(let file, let size): length[file] = size
            case .extend(let file, let size): length[file] = max(length[file] ?? 0, size)
            case .sync(let file): if let path = paths[file], path.hasSuffix(".seg") { synced[path] = length[file] }
            default: break
            }
        }
        return synced
    }

    /// The reproduction: an `always` writer killed just before a segment's `fdatasync`; a
    /// restart acknowledges 8 more records; then every segment is cut to the length it had at its last
    /// completed sync (a power loss). Every record acknowledged after the restart must be there.
    @Test func recordsAcknowledgedAfterARestartSurviveAPowerLoss() throws {
        let scratch = CrashScratch("restart-durable")
        let root = scratch.directory("run")
        let store = root + "/store"
        let recorder = try FileSystemRecorder(root: root)
        let options = StoreOptions(durability: .always, checkpointOnClose: false)
        let bus = try StateBus.open(at: store, options: options)
        let page = try bus.createPage(size: 64)
        for call in 0..<4 { try bus.write(page: page, offset: call, bytes: [UInt8(call + 1)]) }
        recorder.killAtNextSync()
        #expect(throws: (any Error).self) { try bus.write(page: page, offset: 10, bytes: [99]) }  // written, never synced
        try? bus.close()
        recorder.restart()
        let reopened = try StateBus.open(at: store, options: options)
        for call in 0..<8 { try reopened.write(page: page, offset: 20 + call, bytes: [UInt8(call + 1)]) }
        let digest = try reopened.stateDigest()
        recorder.kill()
        try? reopened.close()
        recorder.stop()
        for (path, length) in Self.syncedSegmentLengths(recorder.operations) {
            let bytes = try Self.bytes(of: root + "/" + path)
            #expect(length <= bytes.count)
            try Self.write(Array(bytes.prefix(length)), to: root + "/" + path)
        }
        let after = try StateBus.open(at: store, options: options)
        #expect(try after.stateDigest() == digest)
        try after.close()
    }

    // MARK: 2. An unfinished rotation is not corruption

    @Test(arguments: ["zero", "torn"])
    func lastSegmentWithoutItsHeaderIsAnUnfinishedRotation(header: String) throws {
        let scratch = CrashScratch("rotation")
        let (store, digest, _) = try Self.killedStore(scratch)
        let last = try #require(try Self.segments(store).last)
        // Named as a rotation after the store's six records would name it: the next LSN.
        let name = String(format: "%020d.seg", Int(String(last.split(separator: "/").last!.prefix(20)))! + 6)
        var bytes = [UInt8](repeating: 0, count: 4_096)
        if header == "torn" { for index in 0..<40 { bytes[index] = UInt8(truncatingIfNeeded: index * 7 + 1) } }
        try Self.write(bytes, to: store + "/log/" + name)
        let bus = try StateBus.open(at: store)
        let unfinished = try #require(bus.recoveryReport?.unfinishedSegment)
        #expect(unfinished.file.hasSuffix(name))
        #expect(unfinished.bytesDropped == 4_096)
        #expect(try bus.stateDigest() == digest)
        // Removed, and made again by the writer as its new segment, with a whole header.
        #expect(Array(try Self.bytes(of: store + "/log/" + name).prefix(8)) == Array("MMSBWAL\0".utf8))
        try bus.close()

        // A header that is damaged while data follows it is still corruption.
        let (other, _, _) = try Self.killedStore(scratch)
        var damaged = try Self.bytes(of: try #require(try Self.segments(other).last))
        damaged[0] ^= 0xFF
        try Self.write(damaged, to: try #require(try Self.segments(other).last))
        #expect(throws: LogError.self) { try StateBus.open(at: other) }
    }

    // MARK: 3. Salvage never fails half-way

    @Test func salvageThatEmptiesASegmentCompletesAndReports() throws {
        let scratch = CrashScratch("salvage")
        let store = scratch.directory("store") + "/s"
        let bus = try StateBus.open(at: store, options: StoreOptions(durability: .none, segmentSize: 4_096, checkpointOnClose: false))
        let page = try bus.createPage(size: 1_000)
        var digests: [StateDigest] = [try bus.stateDigest()]
        for call in 0..<20 {
            try bus.write(page: page, offset: 0, bytes: [UInt8](repeating: UInt8(call), count: 900))
            digests.append(try bus.stateDigest())
        }
        try bus.close()
        let segments = try Self.segments(store)
        #expect(segments.count >= 3)
        // Damage the first record of the second segment: salvage keeps the first segment only, and the
        // second (header only once cut) must not block the new segment that starts at its LSN.
        var bytes = try Self.bytes(of: segments[1])
        bytes[SegmentHeader.size + 2] ^= 0xFF
        try Self.write(bytes, to: segments[1])
        let firstDropped = UInt64(segments[1].split(separator: "/").last!.prefix(20))!
        #expect(throws: LogError.self) { try StateBus.open(at: store) }
        let salvaged = try StateBus.open(at: store, options: StoreOptions(recovery: .salvage))
        let report = try #require(salvaged.recoveryReport?.salvaged)
        #expect(report.droppedLSNs?.lowerBound == LSN(firstDropped))
        #expect(report.droppedLSNs?.upperBound == LSN(21))
        #expect(report.recordsDropped == Int(22 - firstDropped))
        #expect(report.totalBytesDropped > bytes.count - SegmentHeader.size)
        #expect(report.filesDropped.count == segments.count - 1)
        let kept = Int(firstDropped) - 2
        #expect(try salvaged.stateDigest() == digests[kept])
        try salvaged.write(page: page, offset: 0, bytes: [1])
        let state = try salvaged.stateDigest()
        try salvaged.close()
        let plain = try StateBus.open(at: store)
        #expect(try plain.stateDigest() == state)
        try plain.close()
    }

    // MARK: 4. A new store is durable

    @Test func creationSyncsTheStoreDirectoryIntoItsParentBeforeAcknowledging() throws {
        let scratch = CrashScratch("create")
        let root = scratch.directory("root")
        let recorder = try FileSystemRecorder(root: root)
        let bus = try StateBus.open(at: root + "/store")
        let acknowledged = recorder.count
        try bus.close()
        recorder.stop()
        let operations = recorder.operations.prefix(acknowledged)
        let made = try #require(operations.firstIndex(of: .makeDirectory("store")))
        #expect(operations[made...].contains(.syncDirectory("")), "the parent directory is never synced: \(operations)")
    }

    @Test func manifestWithoutItsLogDirectoryIsAnUnfinishedCreation() throws {
        let scratch = CrashScratch("unfinished")
        let store = scratch.directory("store") + "/s"
        try StateBus.open(at: store, options: StoreOptions(checkpointOnClose: false)).close()
        try FileManager.default.removeItem(atPath: store + "/log")
        try FileManager.default.removeItem(atPath: store + "/ckpt")
        let bus = try StateBus.open(at: store)
        #expect(bus.recoveryReport?.created == true)
        _ = try bus.createPage(size: 8)
        try bus.close()
        // A store that has checkpointed is no unfinished creation: its log must be there.
        try FileManager.default.removeItem(atPath: store + "/log")
        #expect(throws: LogError.self) { try StateBus.open(at: store) }
    }

    // MARK: 5. Descriptors never leak

    /// Descriptors of this process open on files under `directory`.
    static func descriptors(under directory: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) }
            .filter { $0.hasPrefix(directory) }
    }

    @Test func aChildProcessInheritsNoDescriptorAndCloseReleasesThemAll() throws {
        let scratch = CrashScratch("descriptors")
        let store = scratch.directory("store") + "/s"
        let bus = try StateBus.open(at: store, options: StoreOptions(durability: .batched(maxDelay: .milliseconds(5), maxBytes: 1 << 16)))
        try bus.write(page: try bus.createPage(size: 16), offset: 0, bytes: [1, 2, 3])
        #expect(!Self.descriptors(under: store).isEmpty)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["5"]
        try child.run()
        defer { child.terminate() }
        // The child's descriptors: none of the store's.
        let inherited = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(child.processIdentifier)/fd")) ?? [])
            .compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(child.processIdentifier)/fd/" + $0) }
            .filter { $0.hasPrefix(store) }
        #expect(inherited.isEmpty, "the child inherited \(inherited)")
        try bus.close()
        #expect(Self.descriptors(under: store).isEmpty, "open after close: \(Self.descriptors(under: store))")
        // The lock is free while the child still runs.
        let again = try StateBus.open(at: store)
        try again.close()
    }

    // MARK: 6. Closed means closed

    @Test(arguments: [Durability.none, .batchedDefault, .always])
    func everyChangeAfterCloseIsRefused(durability: Durability) throws {
        let scratch = CrashScratch("closed")
        let store = scratch.directory("store") + "/s"
        let bus = try StateBus.open(at: store, options: StoreOptions(durability: durability))
        let page = try bus.createPage(size: 16)
        try bus.close()
        try bus.close()  // a second close does nothing
        #expect(throws: LogError.closed) { try bus.write(page: page, offset: 0, bytes: [1]) }
        #expect(throws: LogError.closed) { try bus.createPage(size: 8) }
        var batch = WriteBatch()
        batch.write(page: page, offset: 1, bytes: [2])
        #expect(throws: LogError.closed) { try bus.apply(batch) }
        #expect(throws: LogError.closed) { try bus.setMetadata([1], forKey: "k", of: page) }
        #expect(throws: LogError.closed) { try bus.deletePage(page) }
        #expect(throws: LogError.closed) { try bus.checkpoint() }
        #expect(throws: LogError.closed) { try bus.sync() }
        let reopened = try StateBus.open(at: store)
        #expect(try reopened.read(page: page) == [UInt8](repeating: 0, count: 16))
        #expect(reopened.pageCount == 1)
        try reopened.close()
    }

    // MARK: 7. Counters that cannot advance

    @Test func aPageAtTheLastEpochRefusesEveryChange() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 8)
        try bus.apply(try Delta(page: page, epoch: Epoch(.max), offset: 0, bytes: [9]))
        let before = try bus.stateDigest()
        #expect(throws: DeltaError.epochExhausted(page)) { try bus.write(page: page, offset: 0, bytes: [1]) }
        #expect(throws: DeltaError.epochExhausted(page)) { try bus.update(page: page, to: [1, 2, 3, 4, 5, 6, 7, 8]) }
        var batch = WriteBatch()
        batch.write(page: page, offset: 1, bytes: [2])
        #expect(throws: DeltaError.rejectedInBatch(index: 0, cause: .epochExhausted(page))) { try bus.apply(batch) }
        #expect(throws: DeltaError.rejectedInBatch(index: 0, cause: .epochExhausted(page))) { try bus.tick(batch) }
        #expect(try bus.stateDigest() == before)

        // One below the end: one write passes, the second write to the page in the same batch does not.
        let near = try bus.createPage(size: 8)
        try bus.apply(try Delta(page: near, epoch: Epoch(.max - 1), offset: 0, bytes: [1]))
        var two = WriteBatch()
        two.write(page: near, offset: 0, bytes: [2])
        two.write(page: near, offset: 1, bytes: [3])
        #expect(throws: DeltaError.rejectedInBatch(index: 1, cause: .epochExhausted(near))) { try bus.apply(two) }
        try bus.write(page: near, offset: 0, bytes: [4])
        #expect(try bus.info(page: near).epoch == Epoch(.max))
    }

    @Test func aDerivedPageAtTheLastEpochFailsTheWaveAndChangesNothing() throws {
        let bus = StateBus()
        let source = try bus.createPage(size: 4), derived = try bus.createPage(size: 4)
        try bus.addEdge(from: source, to: derived, type: .data)
        try bus.setRule(.passthrough(), for: derived)
        try bus.apply(try Delta(page: derived, epoch: Epoch(.max), offset: 0, bytes: [0]))
        let before = try bus.stateDigest()
        #expect(throws: RuleError.epochExhausted(page: derived)) { try bus.write(page: source, offset: 0, bytes: [7]) }
        #expect(try bus.stateDigest() == before)
        #expect(try bus.read(page: source) == [0, 0, 0, 0])
    }

    // MARK: 8. After a clean close, tail damage is corruption; 9. torn-tail reports are exact

    @Test func cuttingTheLastRecordOfACleanlyClosedStoreIsCorruption() throws {
        let scratch = CrashScratch("clean-end")
        let store = scratch.directory("store") + "/s"
        let bus = try StateBus.open(at: store, options: StoreOptions(checkpointOnClose: false))
        let page = try bus.createPage(size: 8)
        try bus.write(page: page, offset: 0, bytes: [1, 2, 3])
        try bus.write(page: page, offset: 3, bytes: [4, 5])
        try bus.close()
        let last = try #require(try Self.segments(store).last)
        let whole = try Self.bytes(of: last)
        for damage in ["cut", "flip", "zero byte"] {
            var bytes = whole
            switch damage {
            case "cut": bytes.removeLast(3)
            case "flip": bytes[bytes.count - 2] ^= 0x40
            default: bytes.append(0)
            }
            try Self.write(bytes, to: last)
            #expect(throws: LogError.self, "\(damage)") { try StateBus.open(at: store) }
        }
        try Self.write(whole, to: last)
        var cut = whole
        cut.removeLast(3)
        try Self.write(cut, to: last)
        let salvaged = try StateBus.open(at: store, options: StoreOptions(recovery: .salvage))
        #expect(salvaged.recoveryReport?.salvaged?.droppedLSNs == LSN(3)...LSN(3))
        #expect(try salvaged.read(page: page) == [1, 2, 3, 0, 0, 0, 0, 0])
        try salvaged.close()
    }

    @Test(arguments: [1, 2, 7, 100])
    func bytesAfterTheLastRecordOfACrashedStoreAreATornTailExactly(zeros: Int) throws {
        let scratch = CrashScratch("torn")
        let (store, digest, _) = try Self.killedStore(scratch)
        let last = try #require(try Self.segments(store).last)
        let whole = try Self.bytes(of: last)
        try Self.write(whole + [UInt8](repeating: 0, count: zeros), to: last)
        let bus = try StateBus.open(at: store)
        let torn = try #require(bus.recoveryReport?.tornTail, "\(zeros) zero bytes after the last record were not reported")
        #expect(torn.offset == whole.count)
        #expect(torn.bytesDropped == zeros)
        #expect(try bus.stateDigest() == digest)
        try bus.close()
    }

    // MARK: 10. verify beside a live writer

    @Test(arguments: [false, true])
    func verifyBesideALiveWriterIsAlwaysConsistent(keepHistory: Bool) throws {
        let scratch = CrashScratch("verify")
        let store = scratch.directory("store") + "/s"
        let bus = try StateBus.open(
            at: store, options: StoreOptions(durability: .none, segmentSize: 8_192, checkpointEveryLogBytes: 32_768, keepHistory: keepHistory))
        let page = try bus.createPage(size: 512)
        let stop = Atomic<Bool>(false)
        let writer = DispatchGroup()
        DispatchQueue.global().async(group: writer) {
            var call = 0
            while !stop.load(ordering: .relaxed) {
                call += 1
                _ = try? bus.write(page: page, offset: call % 256, bytes: [UInt8](repeating: UInt8(truncatingIfNeeded: call), count: 200))
                if call % 50 == 0 { try? bus.sync() }
                if call % 400 == 0 { _ = try? bus.checkpoint() }
                // A few thousand records a second: the log grows while verify reads it, not faster.
                usleep(200)
            }
        }
        var outcomes: [String] = []
        for _ in 0..<20 {
            do {
                let report = try StateBus.verify(storeAt: store)
                if !report.isConsistent { outcomes.append("inconsistent: \(report)") }
                _ = try StateBus.summary(ofStoreAt: store)
            } catch {
                outcomes.append("\(error)")
            }
        }
        stop.store(true, ordering: .relaxed)
        writer.wait()
        try bus.close()
        #expect(outcomes.isEmpty, "\(outcomes.count) of 20 verifications failed: \(outcomes.prefix(3))")
    }
}
