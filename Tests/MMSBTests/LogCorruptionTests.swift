import Foundation
@testable import MMSB
import Testing

/// A small store (one segment, a few KiB) and the state after every prefix of its records.
private struct CorruptionFixture: Sendable {
    let operations: [StoreOperation]
    /// `expected[k]`: the state after the first `k` records.
    let expected: [StoreStateDigest]
    let manifest: [UInt8]
    let segment: [UInt8]
    let segmentName: String
    /// `ends[k]`: the offset just after record `k` (0-based).
    let ends: [Int]

    /// The offset where record `k` starts.
    func start(of record: Int) -> Int { record == 0 ? 64 : ends[record - 1] }

    /// How many records lie wholly within the first `length` bytes.
    func recordsWithin(_ length: Int) -> Int { ends.prefix { $0 <= length }.count }

    /// The record holding byte `offset` (which is at least 64).
    func record(holding offset: Int) -> Int { ends.firstIndex { offset < $0 }! }

    static let shared: Result<CorruptionFixture, any Error> = Result { try CorruptionFixture() }

    private init() throws {
        let operations = StoreFixture.operations(count: 32, seed: 11)
        let directory = TemporaryDirectory()
        try StoreFixture.build(at: directory.path, operations, options: StoreFixture.options(), cleanClose: false)
        let segments = try StoreFixture.segments(directory.path)
        guard segments.count == 1 else { throw FixtureError(reason: "expected one segment, found \(segments)") }
        self.operations = operations
        expected = try (0...operations.count).map { try StoreFixture.expectedState(operations, prefix: $0) }
        manifest = try StoreFixture.read(directory.path + "/MANIFEST")
        segment = try StoreFixture.read(segments[0])
        segmentName = URL(fileURLWithPath: segments[0]).lastPathComponent
        ends = StoreFixture.recordEnds(segment)
        guard ends.count == operations.count, ends.last == segment.count else {
            throw FixtureError(reason: "the segment's \(segment.count) bytes parse into \(ends.count) records")
        }
    }

    struct FixtureError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// What opening a copy of the store with `segment` and `manifest` replaced gave.
    enum Opened {
        case recovered(StoreStateDigest, RecoveryReport, segmentAfter: [UInt8]?)
        case refused(any Error)
    }

    /// Writes a store with these bytes under `root`, opens it, closes it, and removes it.
    func open(root: String, segment: [UInt8]? = nil, manifest: [UInt8]? = nil) throws -> Opened {
        let path = root + "/store"
        try FileManager.default.createDirectory(atPath: path + "/log", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try StoreFixture.write(manifest ?? self.manifest, to: path + "/MANIFEST")
        let segmentPath = path + "/log/" + segmentName
        try StoreFixture.write(segment ?? self.segment, to: segmentPath)
        let bus: StateBus
        do {
            bus = try StateBus.open(at: path, options: StoreFixture.logOnly)
        } catch {
            return .refused(error)
        }
        let digest = try StoreStateDigest(bus)
        let report = bus.recoveryReport ?? RecoveryReport()
        try bus.close()
        let after = FileManager.default.fileExists(atPath: segmentPath) ? try StoreFixture.read(segmentPath) : nil
        return .recovered(digest, report, segmentAfter: after)
    }
}

@Suite struct LogCorruptionTests {
    private static func fixture() throws -> CorruptionFixture { try CorruptionFixture.shared.get() }

    @Test func fixtureIsASmallOneSegmentStore() throws {
        let fixture = try Self.fixture()
        #expect(fixture.segment.count > 1_000 && fixture.segment.count < 6_000)
        #expect(fixture.ends.count == 32)
        #expect(fixture.expected[0] != fixture.expected[32])
        let root = TemporaryDirectory()
        guard case .recovered(let digest, let report, let after) = try fixture.open(root: root.path) else {
            Issue.record("the undamaged store does not open")
            return
        }
        #expect(digest == fixture.expected[32])
        #expect(report.recordsReplayed == 32 && report.tornTail == nil)
        #expect(after == fixture.segment)
    }

    /// Truncation at every offset from the end of the header to the end of the file, in four slices run
    /// in parallel: the store opens with exactly the records that lie wholly before the cut.
    @Test(arguments: 0..<4)
    func truncationAtEveryOffsetRecoversTheWholeRecordsBeforeIt(slice: Int) throws {
        let fixture = try Self.fixture()
        let root = TemporaryDirectory()
        let lengths = Array(64...fixture.segment.count)
        let chunk = (lengths.count + 3) / 4
        for length in lengths.dropFirst(slice * chunk).prefix(chunk) {
            let kept = fixture.recordsWithin(length)
            let start = fixture.start(of: kept)
            switch try fixture.open(root: root.path, segment: Array(fixture.segment[0..<length])) {
            case .refused(let error):
                Issue.record("cut at \(length): open failed with \(error)")
            case .recovered(let digest, let report, let after):
                #expect(digest == fixture.expected[kept], "cut at \(length)")
                #expect(report.recordsReplayed == kept, "cut at \(length)")
                if length == start {
                    #expect(report.tornTail == nil, "cut at \(length), a record boundary")
                } else if let torn = report.tornTail {
                    #expect(torn.offset == start && torn.bytesDropped == length - start, "cut at \(length): \(torn)")
                    if kept > 0 {
                        #expect(after == Array(fixture.segment[0..<start]), "cut at \(length): the segment was cut to \(after?.count ?? -1) bytes")
                    } else {
                        // Nothing left: the file was removed, and the reopened store started it afresh.
                        #expect(after?.count == 64, "cut at \(length)")
                    }
                } else {
                    // Only a zero-filled remainder may end the log without a tear.
                    #expect(fixture.segment[start..<length].allSatisfy { $0 == 0 }, "cut at \(length): a partial record was silently kept")
                }
            }
        }
    }

    @Test func segmentShorterThanItsHeaderHoldsNothing() throws {
        let fixture = try Self.fixture()
        let root = TemporaryDirectory()
        for length in 0..<64 {
            switch try fixture.open(root: root.path, segment: Array(fixture.segment[0..<length])) {
            case .refused(let error):
                Issue.record("a \(length)-byte segment is refused: \(error)")
            case .recovered(let digest, let report, _):
                #expect(digest == fixture.expected[0], "\(length) bytes")
                #expect(report.recordsReplayed == 0)
            }
        }
    }

    /// Every byte of the segment flipped in turn, in four slices run in parallel: a header byte makes
    /// the open fail with a `LogError`; a record byte cuts the log just before that record.
    @Test(arguments: 0..<4)
    func flippingAnySegmentByteNeverYieldsWrongData(slice: Int) throws {
        let fixture = try Self.fixture()
        let root = TemporaryDirectory()
        let chunk = (fixture.segment.count + 3) / 4
        for offset in Array(0..<fixture.segment.count).dropFirst(slice * chunk).prefix(chunk) {
            var damaged = fixture.segment
            damaged[offset] ^= 0xFF
            let outcome = try fixture.open(root: root.path, segment: damaged)
            if offset < 64 {
                guard case .refused(let error) = outcome else {
                    Issue.record("header byte \(offset) flipped: the store opened")
                    continue
                }
                #expect(error is LogError, "header byte \(offset) flipped: \(error)")
                continue
            }
            let record = fixture.record(holding: offset)
            switch outcome {
            case .refused(let error):
                Issue.record("record \(record) byte \(offset) flipped: open failed with \(error), expected a torn tail")
            case .recovered(let digest, let report, let after):
                #expect(digest == fixture.expected[record], "byte \(offset) of record \(record) flipped: \(digest)")
                #expect(report.recordsReplayed == record, "byte \(offset) flipped")
                if let torn = report.tornTail {
                    #expect(torn.offset == fixture.start(of: record), "byte \(offset) flipped: \(torn)")
                    #expect(torn.bytesDropped == fixture.segment.count - fixture.start(of: record))
                    if record > 0 { #expect(after == Array(fixture.segment[0..<fixture.start(of: record)]), "byte \(offset) flipped") }
                } else {
                    Issue.record("byte \(offset) of record \(record) flipped: no torn tail reported")
                }
            }
        }
    }

    /// Zeros where a record should start, with acknowledged records after them, in the last segment:
    /// the log may end there (the records after are lost), but never silently: the open reports the
    /// bytes it drops, or fails.
    @Test(arguments: [1, 10, 20])
    func zerosBeforeValidRecordsInTheLastSegmentAreReported(record: Int) throws {
        let fixture = try Self.fixture()
        let root = TemporaryDirectory()
        var damaged = fixture.segment
        let start = fixture.start(of: record)
        for index in start..<(start + 5) { damaged[index] = 0 }
        switch try fixture.open(root: root.path, segment: damaged) {
        case .refused(let error):
            #expect(error is LogError, "\(error)")
        case .recovered(let digest, let report, _):
            #expect(digest == fixture.expected[record])
            let torn = report.tornTail ?? report.salvaged
            #expect(torn?.offset == start, "records \(record + 1)…\(fixture.ends.count) were dropped without a report: \(report)")
        }
    }

    /// Every byte of both manifest slots flipped in turn: the other slot names the same store, so the
    /// store opens whole; never as another or an empty store.
    @Test func flippingAnyManifestSlotByteFallsBackToTheOtherSlot() throws {
        let fixture = try Self.fixture()
        let root = TemporaryDirectory()
        for offset in Array(0..<64) + Array(4_096..<(4_096 + 64)) {
            var damaged = fixture.manifest
            damaged[offset] ^= 0xFF
            switch try fixture.open(root: root.path, manifest: damaged) {
            case .refused(let error):
                Issue.record("manifest byte \(offset) flipped: open failed with \(error)")
            case .recovered(let digest, let report, _):
                #expect(digest == fixture.expected[32], "manifest byte \(offset) flipped")
                #expect(report.recordsReplayed == 32 && report.tornTail == nil && !report.created, "manifest byte \(offset) flipped")
            }
        }
    }

    /// The same byte flipped in both slots: no valid slot is left, and the open fails (never an empty store).
    @Test func flippingTheSameByteInBothSlotsIsRefused() throws {
        let fixture = try Self.fixture()
        let root = TemporaryDirectory()
        for offset in 0..<64 {
            var damaged = fixture.manifest
            damaged[offset] ^= 0xFF
            damaged[4_096 + offset] ^= 0xFF
            guard case .refused(let error) = try fixture.open(root: root.path, manifest: damaged) else {
                Issue.record("manifest byte \(offset) flipped in both slots: the store opened")
                continue
            }
            #expect(error is LogError, "manifest byte \(offset): \(error)")
        }
    }
}
