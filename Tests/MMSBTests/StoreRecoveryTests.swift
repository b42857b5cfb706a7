import Dispatch
import Foundation
@testable import MMSB
import Synchronization
import Testing

// MARK: Shared with LogCorruptionTests

/// Everything a recovered store must reproduce: pages (id, size, location, epoch, metadata, bytes) and
/// the id counters.
struct StoreStateDigest: Equatable, CustomStringConvertible {
    struct Page: Equatable {
        var id: PageID
        var size: Int
        var location: PageLocation
        var epoch: Epoch
        var metadata: PageMetadata
        var bytes: [UInt8]
    }

    var pages: [Page]
    var nextPageID: PageID?
    var nextDeltaID: DeltaID

    init(_ bus: StateBus) throws {
        pages = try bus.pages().sorted { $0.id < $1.id }.map { info in
            Page(id: info.id, size: info.size, location: info.location, epoch: info.epoch, metadata: info.metadata, bytes: try bus.read(page: info.id))
        }
        nextPageID = bus.nextPageID
        nextDeltaID = bus.nextDeltaID
    }

    var description: String {
        "\(pages.count) pages \(pages.map { "\($0.id)@\($0.epoch)" }), next page \(nextPageID.map(\.description) ?? "none"), next delta \(nextDeltaID)"
    }
}

/// One call on a bus that logs exactly one record.
typealias StoreOperation = @Sendable (StateBus) throws -> Void

/// Workloads and file helpers for the store tests.
enum StoreFixture {
    /// A store id fixed so that tests are byte-deterministic.
    static let storeID = StoreID(high: 0x4D4D_5342_5445_5354, low: 0x0000_0000_0000_0042)

    /// `count` calls, each logging exactly one record, drawn from `seed`: page creation with and without
    /// metadata, ranged writes with built-in and custom sources and intents, batches, multi-run deltas,
    /// updates, metadata changes, deletions and chosen-id creations. Valid on any bus that received the
    /// same earlier calls.
    static func operations(count: Int, seed: UInt64 = 1) -> [StoreOperation] {
        var random = SplitMix64(seed: seed)
        var operations: [StoreOperation] = [
            { _ = try $0.createPage(size: 64, metadata: ["name": Array("alpha".utf8)]) },
            { _ = try $0.createPage(size: 32) },
            { _ = try $0.createPage(size: 128, metadata: ["k": [1, 2, 3], "z": []]) },
        ]
        // Pages 1 … 3 exist; page 2 may be deleted and page 10 + n created later.
        var live: [(id: PageID, size: Int)] = [(1, 64), (2, 32), (3, 128)]
        var nextChosen: UInt64 = 10
        while operations.count < count {
            let page = live[random.int(0...(live.count - 1))]
            switch random.int(0...11) {
            case 0...4:
                let length = random.int(1...min(16, page.size))
                let offset = random.int(0...(page.size - length))
                let bytes = random.bytes(length)
                let source: DeltaSource = [.user, .compute, .custom("sensor-\(random.int(0...9))")][random.int(0...2)]
                let intent: String? = random.chance(30) ? "because \(random.int(0...99))" : nil
                operations.append { _ = try $0.write(page: page.id, offset: offset, bytes: bytes, source: source, intent: intent) }
            case 5:
                var batch = WriteBatch(source: .merge, intent: random.chance(50) ? "batch" : nil)
                for _ in 0..<random.int(2...4) {
                    let target = live[random.int(0...(live.count - 1))]
                    let length = random.int(1...min(8, target.size))
                    batch.write(page: target.id, offset: random.int(0...(target.size - length)), bytes: random.bytes(length))
                }
                operations.append { [batch] in _ = try $0.apply(batch) }
            case 6:
                let first = random.bytes(random.int(1...4))
                let second = random.bytes(random.int(1...4))
                let gap = random.int(1...8)
                guard page.size >= first.count + gap + second.count else { continue }
                operations.append { bus in
                    let epoch = try bus.info(page: page.id).epoch.next
                    _ = try bus.apply(Delta(page: page.id, epoch: epoch, runs: [(0, first), (first.count + gap, second)], source: .propagation))
                }
            case 7:
                let value = random.bytes(random.int(0...6))
                operations.append { try $0.setMetadata(value, forKey: "key", of: page.id) }
            case 8:
                let bytes = random.bytes(page.size)
                operations.append { bus in
                    var target = bytes
                    target[0] = try bus.read(page: page.id)[0] &+ 1  // never equal to the page, so always a delta
                    _ = try bus.update(page: page.id, to: target, intent: "update")
                }
            case 9 where live.count > 2:
                live.removeAll { $0.id == page.id }
                operations.append { try $0.deletePage(page.id) }
            case 10:
                let id = PageID(nextChosen)
                let size = random.int(1...48)
                nextChosen += random.int(1...3) == 1 ? 1 : 5
                live.append((id, size))
                operations.append { _ = try $0.createPage(id: id, size: size, metadata: ["chosen": [UInt8(size)]]) }
            default:
                let metadata: PageMetadata = ["replaced": random.bytes(random.int(0...3))]
                operations.append { try $0.setMetadata(metadata, of: page.id) }
            }
        }
        return operations
    }

    /// The state after the first `count` of `operations`, on an in-memory bus.
    static func expectedState(_ operations: [StoreOperation], prefix count: Int) throws -> StoreStateDigest {
        let bus = StateBus()
        for operation in operations[..<count] { try operation(bus) }
        return try StoreStateDigest(bus)
    }

    /// Options with a fixed id and a manual clock, and no checkpoint unless asked: these tests are about
    /// the log, which a checkpoint on close would replace.
    static func options(
        clock: ManualWallClock = ManualWallClock(nanoseconds: 1_700_000_000_000_000_000), durability: Durability = .always,
        segmentSize: Int = 64 << 20, recovery: RecoveryMode = .tolerateTornTail, storeID: StoreID = storeID,
        checkpointOnClose: Bool = false
    ) -> StoreOptions {
        StoreOptions(
            durability: durability, segmentSize: segmentSize, recovery: recovery, storeID: storeID, bus: .init(clock: clock),
            checkpointEveryLogBytes: nil, checkpointOnClose: checkpointOnClose)
    }

    /// Default options, but no checkpoint on close.
    static let logOnly = StoreOptions(checkpointEveryLogBytes: nil, checkpointOnClose: false)

    /// Opens (creating) a store at `path`, runs `operations` with the clock 1 ms further on each, and
    /// closes it; with `cleanClose` false it syncs the log and drops the bus instead, as a process
    /// killed after its last sync would (no clean end is recorded, so a damaged tail is a torn tail).
    static func build(at path: String, _ operations: [StoreOperation], options: StoreOptions, cleanClose: Bool = true) throws {
        let bus = try StateBus.open(at: path, options: options)
        let clock = options.bus.clock as? ManualWallClock
        for operation in operations {
            clock?.advance(by: 1_000_000)
            try operation(bus)
        }
        if cleanClose { try bus.close() } else { try bus.sync() }
    }

    /// The segment files of the store at `path`, in name (LSN) order.
    static func segments(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path + "/log").filter { $0.hasSuffix(".seg") }.sorted().map { path + "/log/" + $0 }
    }

    /// The LSN a segment file name holds.
    static func baseLSN(_ segmentPath: String) -> UInt64 {
        UInt64(URL(fileURLWithPath: segmentPath).deletingPathExtension().lastPathComponent)!
    }

    static func read(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func write(_ bytes: [UInt8], to path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    /// The end offsets of the records of a segment, parsed from the framing alone (crc 4, length varint,
    /// then `length` bytes), stopping at the end or at anything that does not parse.
    static func recordEnds(_ segment: [UInt8]) -> [Int] {
        var ends: [Int] = []
        var offset = 64
        while offset + 5 <= segment.count {
            var position = offset + 4
            var length = 0
            var shift = 0
            while position < segment.count, shift < 35 {
                length |= Int(segment[position] & 0x7F) << shift
                position += 1
                if segment[position - 1] & 0x80 == 0 { break }
                shift += 7
            }
            guard length > 0, position + length <= segment.count else { break }
            offset = position + length
            ends.append(offset)
        }
        return ends
    }

    /// The error opening `path` throws, or `nil` (closing the bus) when it opens.
    static func openError(_ path: String, options: StoreOptions = logOnly) -> (any Error)? {
        do {
            let bus = try StateBus.open(at: path, options: options)
            try bus.close()
            return nil
        } catch {
            return error
        }
    }

    /// `bytes` with a little-endian `UInt16` at `offset` and the CRC32C of `slot ..< slot + 60` stored at `slot + 60`.
    static func patchVersion(_ bytes: [UInt8], slot: Int, major: UInt16, minor: UInt16? = nil) -> [UInt8] {
        var copy = bytes
        copy[slot + 8] = UInt8(major & 0xFF)
        copy[slot + 9] = UInt8(major >> 8)
        if let minor {
            copy[slot + 10] = UInt8(minor & 0xFF)
            copy[slot + 11] = UInt8(minor >> 8)
        }
        // The header or slot says its own size at 12 (64 for a segment header, 72 for a manifest
        // slot); its CRC covers everything before its last four bytes.
        let size = Int(copy[slot + 12]) | Int(copy[slot + 13]) << 8
        let crc = CRC32C.checksum(Array(copy[slot..<(slot + size - 4)]))
        for index in 0..<4 { copy[slot + size - 4 + index] = UInt8((crc >> (8 * UInt32(index))) & 0xFF) }
        return copy
    }
}

/// What the writer threads of the group-commit test share.
private final class ConcurrentWriters: Sendable {
    let receipts: Locked<[[WriteReceipt]]>
    let failures = Locked<[String]>([])

    init(threads: Int) { receipts = Locked(Array(repeating: [], count: threads)) }
}

// MARK: Tests

@Suite struct StoreRecoveryTests {
    @Test func createsAStoreAndReopensIt() throws {
        let directory = TemporaryDirectory()
        let path = directory.path
        let id = StoreID(high: 7, low: 9)
        do {
            let bus = try StateBus.open(at: path + "/", options: StoreOptions(storeID: id, checkpointOnClose: false))
            let report = try #require(bus.recoveryReport)
            #expect(report.created)
            #expect(report.recordsReplayed == 0)
            #expect(report.lastLSN == .zero)
            #expect(report.tornTail == nil && report.salvaged == nil)
            #expect(bus.storeID == id)
            #expect(bus.storePath == path)
            #expect(bus.nextLSN == 1)
            #expect(bus.pageCount == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: path).sorted() == ["LOCK", "MANIFEST", "ckpt", "log"])
            #expect(try StoreFixture.read(path + "/MANIFEST").count == 4_096 + Manifest.slotSize)
            #expect(try StoreFixture.segments(path) == [path + "/log/00000000000000000001.seg"])
            let page = try bus.createPage(size: 8)
            try bus.write(page: page, offset: 2, bytes: [1, 2, 3])
            #expect(bus.nextLSN == 3)
            try bus.close()
        }
        // The id in the options only names new stores.
        let reopened = try StateBus.open(at: path, options: StoreOptions(storeID: StoreID(high: 1, low: 1), checkpointOnClose: false))
        let report = try #require(reopened.recoveryReport)
        #expect(!report.created)
        #expect(report.recordsReplayed == 2)
        #expect(report.lastLSN == 2)
        #expect(report.segmentsRead == 1)
        #expect(reopened.storeID == id)
        #expect(reopened.nextLSN == 3)
        #expect(try reopened.read(page: 1) == [0, 0, 1, 2, 3, 0, 0, 0])
        try reopened.close()
    }

    @Test func anExistingEmptyDirectoryBecomesAStore() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let bus = try StateBus.open(at: directory.path, options: StoreOptions(createIfMissing: false))
        #expect(bus.recoveryReport?.created == true)
        try bus.close()
    }

    @Test func missingStoreIsNotCreatedWhenNotAsked() {
        let directory = TemporaryDirectory()
        #expect(throws: LogError.storeNotFound(path: directory.path)) {
            try StateBus.open(at: directory.path, options: StoreOptions(createIfMissing: false))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    @Test func nonEmptyDirectoryWithoutManifestIsNotAStore() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        try StoreFixture.write(Array("keep me".utf8), to: directory.path + "/notes.txt")
        #expect(throws: LogError.notAStore(path: directory.path, found: .otherFiles)) { try StateBus.open(at: directory.path) }
        #expect(try StoreFixture.read(directory.path + "/notes.txt") == Array("keep me".utf8))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/MANIFEST"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/log"))
    }

    @Test func storeWhoseManifestWasRemovedIsNotAStore() throws {
        let directory = TemporaryDirectory()
        try StoreFixture.build(at: directory.path, StoreFixture.operations(count: 5), options: StoreFixture.options())
        try FileManager.default.removeItem(atPath: directory.path + "/MANIFEST")
        #expect(throws: LogError.notAStore(path: directory.path, found: .otherFiles)) { try StateBus.open(at: directory.path) }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/MANIFEST"), "a store with a log must never be re-created empty")
    }

    @Test func regularFileIsNotAStore() throws {
        let directory = TemporaryDirectory()
        try StoreFixture.write([1, 2, 3], to: directory.path)
        #expect(throws: LogError.notAStore(path: directory.path, found: .file)) { try StateBus.open(at: directory.path) }
        #expect(try StoreFixture.read(directory.path) == [1, 2, 3])
    }

    @Test func secondOpenIsLockedUntilTheFirstCloses() throws {
        let directory = TemporaryDirectory()
        let first = try StateBus.open(at: directory.path)
        _ = try first.createPage(size: 4)
        var lockedError: LogError?
        do {
            _ = try StateBus.open(at: directory.path)
        } catch let error as LogError {
            lockedError = error
        }
        guard case .locked(let lockPath) = lockedError else {
            Issue.record("second open gave \(String(describing: lockedError)), expected .locked")
            return
        }
        #expect(lockPath.hasPrefix(directory.path))
        #expect(first.pageCount == 1, "the refused open changed nothing")
        try first.close()
        let second = try StateBus.open(at: directory.path)
        #expect(second.pageCount == 1)
        try second.close()
    }

    @Test func droppingAnAlwaysBusReleasesTheLockAndKeepsItsWrites() throws {
        let directory = TemporaryDirectory()
        do {
            let bus = try StateBus.open(at: directory.path)
            let page = try bus.createPage(size: 4)
            try bus.write(page: page, offset: 0, bytes: [9, 8, 7, 6])
        }
        let reopened = try StateBus.open(at: directory.path)
        #expect(try reopened.read(page: 1) == [9, 8, 7, 6])
        try reopened.close()
    }

    @Test func segmentFromAnotherStoreIsForeign() throws {
        let mine = TemporaryDirectory()
        let theirs = TemporaryDirectory()
        let operations = StoreFixture.operations(count: 6)
        try StoreFixture.build(at: mine.path, operations, options: StoreFixture.options())
        try StoreFixture.build(at: theirs.path, operations, options: StoreFixture.options(storeID: StoreID(high: 1, low: 2)))
        let segment = try #require(try StoreFixture.segments(mine.path).first)
        let original = try StoreFixture.read(segment)
        try FileManager.default.removeItem(atPath: segment)
        try FileManager.default.copyItem(atPath: try #require(try StoreFixture.segments(theirs.path).first), toPath: segment)
        #expect(throws: LogError.foreignFile(file: segment)) { try StateBus.open(at: mine.path) }
        // Put ours back: the store opens again with everything.
        try StoreFixture.write(original, to: segment)
        let bus = try StateBus.open(at: mine.path)
        #expect(try StoreStateDigest(bus) == StoreFixture.expectedState(operations, prefix: 6))
        try bus.close()
    }

    @Test func newerMajorInASegmentHeaderIsUnsupported() throws {
        let directory = TemporaryDirectory()
        try StoreFixture.build(at: directory.path, StoreFixture.operations(count: 4), options: StoreFixture.options())
        let segment = try #require(try StoreFixture.segments(directory.path).first)
        let patched = StoreFixture.patchVersion(try StoreFixture.read(segment), slot: 0, major: 2)
        try StoreFixture.write(patched, to: segment)
        #expect(throws: LogError.unsupportedVersion(file: segment, major: 2, minor: StoreFormat.minor)) { try StateBus.open(at: directory.path) }
        #expect(try StoreFixture.read(segment) == patched, "a refused segment is never cut")
    }

    @Test func newerMinorInASegmentHeaderIsReadable() throws {
        let directory = TemporaryDirectory()
        let operations = StoreFixture.operations(count: 4)
        try StoreFixture.build(at: directory.path, operations, options: StoreFixture.options())
        let segment = try #require(try StoreFixture.segments(directory.path).first)
        try StoreFixture.write(StoreFixture.patchVersion(try StoreFixture.read(segment), slot: 0, major: 1, minor: 7), to: segment)
        let bus = try StateBus.open(at: directory.path)
        #expect(try StoreStateDigest(bus) == StoreFixture.expectedState(operations, prefix: 4))
        try bus.close()
    }

    @Test func newerMajorInTheManifestIsUnsupported() throws {
        let directory = TemporaryDirectory()
        try StoreFixture.build(at: directory.path, StoreFixture.operations(count: 4), options: StoreFixture.options())
        let manifest = directory.path + "/MANIFEST"
        var bytes = try StoreFixture.read(manifest)
        bytes = StoreFixture.patchVersion(bytes, slot: 0, major: 2)
        bytes = StoreFixture.patchVersion(bytes, slot: 4_096, major: 2)
        try StoreFixture.write(bytes, to: manifest)
        #expect(throws: LogError.unsupportedVersion(file: manifest, major: 2, minor: StoreFormat.minor)) { try StateBus.open(at: directory.path) }
    }

    @Test(arguments: [0, 4_096])
    func tornManifestSlotFallsBackToTheOther(tornSlot: Int) throws {
        let directory = TemporaryDirectory()
        let operations = StoreFixture.operations(count: 8)
        try StoreFixture.build(at: directory.path, operations, options: StoreFixture.options())
        let manifest = directory.path + "/MANIFEST"
        var bytes = try StoreFixture.read(manifest)
        // A torn write: the second half of the slot is zeros.
        for index in (tornSlot + 36)..<(tornSlot + Manifest.slotSize) { bytes[index] = 0 }
        try StoreFixture.write(bytes, to: manifest)
        let bus = try StateBus.open(at: directory.path)
        #expect(try StoreStateDigest(bus) == StoreFixture.expectedState(operations, prefix: 8))
        // A new store writes generation 1 to slot A (and 0 to B); the clean close records where the
        // log ends as generation 2, in slot B. The survivor is the other slot: B's clean end is
        // cleared by this writable open as generation 3; A (generation 1) has none to clear.
        #expect(bus.store?.manifest.withLock { $0.generation } == (tornSlot == 0 ? 3 : 1))
        #expect(bus.storeID == StoreFixture.storeID)
        try bus.close()
    }

    @Test func manifestWithoutSlotBUsesSlotA() throws {
        let directory = TemporaryDirectory()
        let operations = StoreFixture.operations(count: 3)
        try StoreFixture.build(at: directory.path, operations, options: StoreFixture.options())
        let manifest = directory.path + "/MANIFEST"
        try StoreFixture.write(Array(try StoreFixture.read(manifest)[0..<Manifest.slotSize]), to: manifest)
        let bus = try StateBus.open(at: directory.path)
        #expect(bus.store?.manifest.withLock { $0.generation } == 1)
        #expect(try StoreStateDigest(bus) == StoreFixture.expectedState(operations, prefix: 3))
        try bus.close()
    }

    @Test func manifestWithBothSlotsTornIsCorrupt() throws {
        let directory = TemporaryDirectory()
        try StoreFixture.build(at: directory.path, StoreFixture.operations(count: 3), options: StoreFixture.options())
        let manifest = directory.path + "/MANIFEST"
        var bytes = try StoreFixture.read(manifest)
        bytes[40] ^= 0x01
        bytes[4_096 + 40] ^= 0x01
        try StoreFixture.write(bytes, to: manifest)
        let error = StoreFixture.openError(directory.path)
        guard case .corrupt(let file, let offset, _) = error as? LogError else {
            Issue.record("opening with both manifest slots torn gave \(String(describing: error))")
            return
        }
        #expect(file == manifest)
        #expect(offset == 0)
    }

    /// A store whose log spans several 4 KiB segments.
    private static func rotatedStore(at path: String, count: Int = 400) throws -> [StoreOperation] {
        let operations = StoreFixture.operations(count: count, seed: 7)
        try StoreFixture.build(at: path, operations, options: StoreFixture.options(segmentSize: 4_096))
        return operations
    }

    @Test func rotationKeepsEveryRecordAcrossSegments() throws {
        let directory = TemporaryDirectory()
        let operations = try Self.rotatedStore(at: directory.path)
        let segments = try StoreFixture.segments(directory.path)
        #expect(segments.count >= 3)
        // Segments are named by their first LSN, each header agrees, and each is near the size limit.
        var expectedBase: UInt64 = 1
        for segment in segments {
            let bytes = try StoreFixture.read(segment)
            let header = try bytes.withUnsafeBytes { raw in try SegmentHeader.decode(raw, file: segment, store: StoreFixture.storeID) }
            #expect(header.baseLSN == StoreFixture.baseLSN(segment))
            #expect(header.baseLSN == expectedBase)
            expectedBase += UInt64(StoreFixture.recordEnds(bytes).count)
            #expect(bytes.count < 4_096 + 200)
        }
        #expect(expectedBase == UInt64(operations.count) + 1)

        let bus = try StateBus.open(at: directory.path, options: StoreFixture.options(segmentSize: 4_096))
        let report = try #require(bus.recoveryReport)
        #expect(report.recordsReplayed == operations.count)
        #expect(report.segmentsRead == segments.count)
        #expect(report.lastLSN == LSN(UInt64(operations.count)))
        #expect(report.tornTail == nil)
        #expect(try StoreStateDigest(bus) == StoreFixture.expectedState(operations, prefix: operations.count))
        // Go on writing, then reopen once more: the old segments and the new ones chain.
        let more = StoreFixture.operations(count: operations.count + 60, seed: 7)
        for operation in more[operations.count...] { try operation(bus) }
        try bus.close()
        let again = try StateBus.open(at: directory.path)
        #expect(again.recoveryReport?.recordsReplayed == more.count)
        #expect(try StoreStateDigest(again) == StoreFixture.expectedState(more, prefix: more.count))
        try again.close()
    }

    @Test func missingMiddleSegmentIsReported() throws {
        let directory = TemporaryDirectory()
        _ = try Self.rotatedStore(at: directory.path)
        let segments = try StoreFixture.segments(directory.path)
        try #require(segments.count >= 3)
        let removed = segments[1]
        try FileManager.default.removeItem(atPath: removed)
        #expect(throws: LogError.missingSegment(expectedLSN: StoreFixture.baseLSN(removed), file: removed)) {
            try StateBus.open(at: directory.path)
        }
        // Nothing was cut or removed by the refused open.
        #expect(try StoreFixture.segments(directory.path) == segments.filter { $0 != removed })
    }

    @Test func garbageAfterTheLastRecordIsATornTail() throws {
        let directory = TemporaryDirectory()
        let operations = StoreFixture.operations(count: 20)
        try StoreFixture.build(at: directory.path, operations, options: StoreFixture.options(), cleanClose: false)
        let segment = try #require(try StoreFixture.segments(directory.path).last)
        let original = try StoreFixture.read(segment)
        var random = SplitMix64(seed: 99)
        let garbage = (0..<37).map { _ in UInt8.random(in: 1...255, using: &random) }
        try StoreFixture.write(original + garbage, to: segment)

        let bus = try StateBus.open(at: directory.path)
        let report = try #require(bus.recoveryReport)
        let torn = try #require(report.tornTail)
        #expect(torn.file == segment)
        #expect(torn.offset == original.count)
        #expect(torn.bytesDropped == garbage.count)
        #expect(torn.filesDropped.isEmpty)
        #expect(report.recordsReplayed == operations.count)
        #expect(try StoreFixture.read(segment) == original, "the tail was cut back to the last whole record")
        #expect(try StoreStateDigest(bus) == StoreFixture.expectedState(operations, prefix: operations.count))
        try bus.close()
    }

    /// Cuts the last record `cut` bytes after its start (`-1`: one byte before its end).
    @Test(arguments: [1, 3, 7, 8, 12, -1])
    func lastSegmentCutMidRecordIsATornTail(cut: Int) throws {
        let directory = TemporaryDirectory()
        let operations = StoreFixture.operations(count: 20)
        let options = StoreFixture.options()
        try StoreFixture.build(at: directory.path, operations, options: options, cleanClose: false)
        let segment = try #require(try StoreFixture.segments(directory.path).last)
        let original = try StoreFixture.read(segment)
        let ends = StoreFixture.recordEnds(original)
        try #require(ends.count == operations.count && ends.last == original.count)
        let lastStart = ends[ends.count - 2]
        let length = cut > 0 ? cut : original.count - lastStart + cut
        try StoreFixture.write(Array(original[0..<(lastStart + length)]), to: segment)

        do {
            let bus = try StateBus.open(at: directory.path, options: options)
            let report = try #require(bus.recoveryReport)
            let torn = try #require(report.tornTail)
            #expect(torn.file == segment)
            #expect(torn.offset == lastStart)
            #expect(torn.bytesDropped == length)
            #expect(report.recordsReplayed == operations.count - 1)
            #expect(try StoreFixture.read(segment) == Array(original[0..<lastStart]))
            #expect(try StoreStateDigest(bus) == StoreFixture.expectedState(operations, prefix: operations.count - 1))
            try bus.close()
        }
        // Recovery is idempotent: the next open finds nothing to cut and the same state.
        do {
            let bus = try StateBus.open(at: directory.path, options: options)
            #expect(bus.recoveryReport?.tornTail == nil)
            #expect(bus.recoveryReport?.recordsReplayed == operations.count - 1)
            #expect(try StoreStateDigest(bus) == StoreFixture.expectedState(operations, prefix: operations.count - 1))
            // Appending after a recovered tear: the new records follow the surviving prefix.
            let next: [StoreOperation] = [
                { _ = try $0.createPage(id: 1_000, size: 8) },
                { try $0.write(page: 1_000, offset: 0, bytes: [1, 2, 3]) },
                { try $0.write(page: 1_000, offset: 5, bytes: [4, 5, 6], source: .custom("after-tear")) },
                { try $0.setMetadata([7], forKey: "after", of: 1_000) },
                { _ = try $0.createPage(size: 3) },
            ]
            let replacement = Array(operations[..<(operations.count - 1)]) + next
            for operation in next { try operation(bus) }
            try bus.close()
            let reopened = try StateBus.open(at: directory.path, options: options)
            #expect(reopened.recoveryReport?.recordsReplayed == replacement.count)
            #expect(try StoreStateDigest(reopened) == StoreFixture.expectedState(replacement, prefix: replacement.count))
            try reopened.close()
        }
    }

    /// Flips a payload byte of the third record of the second segment of a rotated store.
    private static func damagedRotatedStore(at path: String) throws -> (operations: [StoreOperation], segments: [String], damaged: Int, recordsBefore: Int) {
        let operations = try rotatedStore(at: path)
        let segments = try StoreFixture.segments(path)
        try #require(segments.count >= 3)
        let bytes = try StoreFixture.read(segments[1])
        let ends = StoreFixture.recordEnds(bytes)
        try #require(ends.count > 4)
        var damaged = bytes
        damaged[ends[2] - 1] ^= 0x40
        try StoreFixture.write(damaged, to: segments[1])
        let firstSegmentRecords = StoreFixture.recordEnds(try StoreFixture.read(segments[0])).count
        return (operations, segments, ends[1], firstSegmentRecords + 2)
    }

    @Test func damageBeforeTheLastSegmentIsCorruptByDefault() throws {
        let directory = TemporaryDirectory()
        let store = try Self.damagedRotatedStore(at: directory.path)
        let sizes = try store.segments.map { try StoreFixture.read($0) }
        let error = StoreFixture.openError(directory.path)
        guard case .corrupt(let file, let offset, let reason) = error as? LogError else {
            Issue.record("opening a store with a damaged sealed segment gave \(String(describing: error))")
            return
        }
        #expect(file == store.segments[1])
        #expect(offset == store.damaged)
        #expect(reason.contains("checksum"))
        #expect(try StoreFixture.segments(directory.path) == store.segments)
        #expect(try store.segments.map { try StoreFixture.read($0) } == sizes, "a refused open changes no file")
    }

    @Test func salvageKeepsTheValidPrefixAndDropsLaterSegments() throws {
        let directory = TemporaryDirectory()
        let store = try Self.damagedRotatedStore(at: directory.path)
        let damagedSize = try StoreFixture.read(store.segments[1]).count
        let options = StoreFixture.options(segmentSize: 4_096, recovery: .salvage)
        let bus = try StateBus.open(at: directory.path, options: options)
        let report = try #require(bus.recoveryReport)
        let salvaged = try #require(report.salvaged)
        #expect(salvaged.file == store.segments[1])
        #expect(salvaged.offset == store.damaged)
        #expect(salvaged.bytesDropped == damagedSize - store.damaged)
        #expect(salvaged.filesDropped == Array(store.segments[2...]))
        #expect(report.tornTail == nil)
        #expect(report.recordsReplayed == store.recordsBefore)
        #expect(report.lastLSN == LSN(UInt64(store.recordsBefore)))
        #expect(try StoreStateDigest(bus) == StoreFixture.expectedState(store.operations, prefix: store.recordsBefore))
        for dropped in store.segments[2...] { #expect(!FileManager.default.fileExists(atPath: dropped)) }
        #expect(try StoreFixture.read(store.segments[1]).count == store.damaged)
        // The store goes on from the salvaged prefix, and opens in the default mode afterwards.
        let page = try #require(bus.pages().first).id
        try bus.write(page: page, offset: 0, bytes: [0xEE])
        try bus.close()
        let reopened = try StateBus.open(at: directory.path)
        #expect(reopened.recoveryReport?.recordsReplayed == store.recordsBefore + 1)
        #expect(try reopened.read(page: page)[0] == 0xEE)
        try reopened.close()
    }

    /// Zeros a record's first 8 bytes in the middle of the second segment of a rotated store: what a
    /// zero-filled sector in a sealed segment looks like.
    private static func zeroedRotatedStore(at path: String) throws -> (operations: [StoreOperation], segments: [String], zeroed: Int, recordsBefore: Int) {
        let operations = try rotatedStore(at: path)
        let segments = try StoreFixture.segments(path)
        try #require(segments.count >= 3)
        var bytes = try StoreFixture.read(segments[1])
        let ends = StoreFixture.recordEnds(bytes)
        try #require(ends.count > 4)
        for index in ends[1]..<(ends[1] + 8) { bytes[index] = 0 }
        try StoreFixture.write(bytes, to: segments[1])
        let firstSegmentRecords = StoreFixture.recordEnds(try StoreFixture.read(segments[0])).count
        return (operations, segments, ends[1], firstSegmentRecords + 2)
    }

    /// Zeros followed by records in a sealed segment are damage in that segment (reliability.md §3 D1:
    /// "middle zeros in a sealed segment = .corrupt"), not the end of its data.
    @Test func zerosInsideASealedSegmentAreCorruptThere() throws {
        let directory = TemporaryDirectory()
        let store = try Self.zeroedRotatedStore(at: directory.path)
        let error = StoreFixture.openError(directory.path)
        #expect(error is LogError, "\(String(describing: error))")
        guard case .corrupt(let file, let offset, _) = error as? LogError else {
            Issue.record("zeros at offset \(store.zeroed) of \(store.segments[1]) gave \(String(describing: error)), expected .corrupt there")
            return
        }
        #expect(file == store.segments[1])
        #expect(offset == store.zeroed)
    }

    /// Salvage keeps the valid prefix whatever the damage, zero fill in a sealed segment included.
    @Test func salvageKeepsThePrefixBeforeZerosInASealedSegment() throws {
        let directory = TemporaryDirectory()
        let store = try Self.zeroedRotatedStore(at: directory.path)
        let bus = try StateBus.open(at: directory.path, options: StoreFixture.options(segmentSize: 4_096, recovery: .salvage))
        let report = try #require(bus.recoveryReport)
        #expect(report.recordsReplayed == store.recordsBefore)
        #expect(try StoreStateDigest(bus) == StoreFixture.expectedState(store.operations, prefix: store.recordsBefore))
        let salvaged = try #require(report.salvaged)
        #expect(salvaged.file == store.segments[1])
        #expect(salvaged.offset == store.zeroed)
        #expect(salvaged.filesDropped == Array(store.segments[2...]))
        try bus.close()
    }

    @Test(arguments: [false, true])
    func equalCallsGiveByteIdenticalFiles(checkpointOnClose: Bool) throws {
        let first = TemporaryDirectory()
        let second = TemporaryDirectory()
        let operations = StoreFixture.operations(count: 320, seed: 3)
        for directory in [first.path, second.path] {
            let options = StoreFixture.options(segmentSize: 4_096, checkpointOnClose: checkpointOnClose)
            try StoreFixture.build(at: directory, Array(operations[..<200]), options: options)
            // A second session: the new segment's base timestamp comes from the same manual clock.
            try StoreFixture.build(at: directory, Array(operations[200...]), options: options)
        }
        func files(_ root: String) throws -> [String] {
            try FileManager.default.subpathsOfDirectory(atPath: root).sorted().filter { name in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
        }
        let names = try files(first.path)
        #expect(try names == files(second.path))
        if checkpointOnClose {
            #expect(names.contains { $0.hasPrefix("ckpt/") && $0.hasSuffix(".ckpt") })
        } else {
            #expect(names.filter { $0.hasSuffix(".seg") }.count >= 3)
        }
        #expect(names.contains("MANIFEST"))
        for name in names {
            #expect(try StoreFixture.read(first.path + "/" + name) == StoreFixture.read(second.path + "/" + name), "\(name) differs")
        }
        // And another store id gives other segment bytes (the comparison above is not vacuous).
        let third = TemporaryDirectory()
        try StoreFixture.build(at: third.path, Array(operations[..<100]), options: StoreFixture.options(segmentSize: 4_096, storeID: StoreID(high: 5, low: 5)))
        let fourth = TemporaryDirectory()
        try StoreFixture.build(at: fourth.path, Array(operations[..<100]), options: StoreFixture.options(segmentSize: 4_096))
        let segment = "log/00000000000000000001.seg"
        #expect(try StoreFixture.read(fourth.path + "/" + segment) != StoreFixture.read(third.path + "/" + segment))
    }

    /// After a checkpoint on close, the newest manifest generation names the checkpoint and the older
    /// generation names log segments that were deleted. Losing the newest slot must not open the store
    /// as something older or empty.
    @Test func tornNewestSlotAfterACheckpointNeverOpensAnOlderState() throws {
        let directory = TemporaryDirectory()
        let operations = StoreFixture.operations(count: 12)
        try StoreFixture.build(at: directory.path, operations, options: StoreFixture.options(checkpointOnClose: true))
        let manifest = directory.path + "/MANIFEST"
        var bytes = try StoreFixture.read(manifest)
        // Generation 2 (the checkpoint's) lives in slot B.
        for index in (4_096 + 32)..<(4_096 + 64) { bytes[index] = 0 }
        try StoreFixture.write(bytes, to: manifest)
        do {
            let bus = try StateBus.open(at: directory.path, options: StoreFixture.logOnly)
            #expect(try StoreStateDigest(bus) == StoreFixture.expectedState(operations, prefix: operations.count))
            try bus.close()
        } catch let error as LogError {
            guard case .missingSegment = error else {
                Issue.record("unexpected error \(error)")
                return
            }
        }
    }

    @Test func concurrentAlwaysWritersAreAllDurable() throws {
        let directory = TemporaryDirectory()
        let threads = 8
        let writesPerThread = 40
        let bus = try StateBus.open(at: directory.path, options: StoreOptions(durability: .always, checkpointOnClose: false))
        let pages = try (0..<threads).map { _ in try bus.createPage(size: 8 * writesPerThread) }
        let shared = ConcurrentWriters(threads: threads)
        let group = DispatchGroup()
        for thread in 0..<threads {
            group.enter()
            Thread {
                defer { group.leave() }
                for index in 0..<writesPerThread {
                    let bytes = (0..<8).map { UInt8(truncatingIfNeeded: thread * 31 + index * 8 + $0) }
                    do {
                        let receipt = try bus.write(page: pages[thread], offset: index * 8, bytes: bytes)
                        shared.receipts.withLock { $0[thread].append(receipt) }
                    } catch {
                        shared.failures.withLock { $0.append("thread \(thread) write \(index): \(error)") }
                    }
                }
            }.start()
        }
        group.wait()
        #expect(shared.failures.withLock { $0 } == [])
        try bus.close()

        let all = shared.receipts.withLock { $0 }
        let total = threads * writesPerThread
        #expect(all.flatMap { $0 }.map(\.delta.rawValue).sorted() == Array(1...UInt64(total)))
        for (thread, list) in all.enumerated() {
            #expect(list.map(\.epoch.rawValue) == Array(1...UInt64(writesPerThread)), "thread \(thread)")
            #expect(list.map(\.delta) == list.map(\.delta).sorted(), "thread \(thread)")
        }

        let reopened = try StateBus.open(at: directory.path, options: StoreFixture.logOnly)
        let report = try #require(reopened.recoveryReport)
        #expect(report.recordsReplayed == threads + total)
        #expect(reopened.nextDeltaID == DeltaID(UInt64(total) + 1))
        for (thread, page) in pages.enumerated() {
            let expected = (0..<writesPerThread).flatMap { index in (0..<8).map { UInt8(truncatingIfNeeded: thread * 31 + index * 8 + $0) } }
            #expect(try reopened.read(page: page) == expected, "thread \(thread)")
            #expect(try reopened.info(page: page).epoch == Epoch(UInt64(writesPerThread)))
        }
        try reopened.close()

        // The log holds each acknowledged delta under the id its writer was given, in LSN order.
        let segment = try #require(try StoreFixture.segments(directory.path).first)
        let bytes = try StoreFixture.read(segment)
        let logged = try bytes.withUnsafeBytes { raw -> [UInt64: (PageID, Epoch)] in
            let header = try SegmentHeader.decode(raw, file: segment, store: nil)
            var map: [UInt64: (PageID, Epoch)] = [:]
            var offset = SegmentHeader.size
            var lsn = header.baseLSN
            var previous = header.baseTimestamp
            var nextDeltaID = header.firstDeltaID
            while case .record(let record, let next) = RecordFrame.decode(
                raw, at: offset, header: header, salt: header.salt, expectedLSN: lsn, previousTimestamp: previous, nextDeltaID: &nextDeltaID)
            {
                if case .deltas(let deltas) = record.body {
                    #expect(deltas.count == 1, "one call, one record")
                    for delta in deltas { map[delta.id.rawValue] = (delta.page, delta.epoch) }
                }
                offset = next
                lsn += 1
                previous = record.timestamp
            }
            #expect(offset == raw.count)
            return map
        }
        #expect(logged.count == total)
        for receipt in all.flatMap({ $0 }) {
            let entry = logged[receipt.delta.rawValue]
            #expect(entry?.0 == receipt.page && entry?.1 == receipt.epoch, "delta \(receipt.delta)")
        }
    }
}
