import Foundation
@testable import MMSB
import Testing

// MARK: Reference encoders, written from the documented layout and sharing no code with the library

/// CRC32C one bit at a time (reflected polynomial 0x82F63B78, pre- and post-inverted), extending `seed`.
private func referenceCRC(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
    var register = ~seed
    for byte in bytes {
        register ^= UInt32(byte)
        for _ in 0..<8 { register = register & 1 == 1 ? (register >> 1) ^ 0x82F6_3B78 : register >> 1 }
    }
    return ~register
}

/// LevelDB's mask: rotate right by 15 bits, add 0xA282EAD8.
private func referenceMask(_ crc: UInt32) -> UInt32 { ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8 }

private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
private func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8((value >> (8 * UInt64($0))) & 0xFF) } }

/// Unsigned LEB128.
private func leb(_ value: UInt64) -> [UInt8] {
    var out: [UInt8] = []
    var rest = value
    repeat {
        let low = UInt8(rest & 0x7F)
        rest >>= 7
        out.append(rest == 0 ? low : low | 0x80)
    } while rest != 0
    return out
}

/// The segment salt: CRC32C of store high, store low and base LSN, little-endian.
private func referenceSalt(high: UInt64, low: UInt64, baseLSN: UInt64) -> UInt32 {
    referenceCRC(le64(high) + le64(low) + le64(baseLSN))
}

/// A framed record: masked salted CRC of everything after it, then the length of `inner`, then `inner`
/// (type, LSN delta, timestamp delta and body).
private func referenceFrame(salt: UInt32, inner: [UInt8]) -> [UInt8] {
    let covered = leb(UInt64(inner.count)) + inner
    return le32(referenceMask(referenceCRC(covered, seed: salt))) + covered
}

private func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

// MARK: Fixtures

private let goldenStore = StoreID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
private let goldenBaseTimestamp: UInt64 = 1_700_000_000_000_000_000
private let goldenHeader = SegmentHeader(store: goldenStore, baseLSN: 1_000, firstDeltaID: 500, baseTimestamp: goldenBaseTimestamp)

/// A delta as the log decodes it: with its id and its record's timestamp.
private func delta(
    id: UInt64, page: UInt64, epoch: UInt64, source: DeltaSource = .user, timestamp: UInt64, intent: String? = nil,
    runs: [(Int, [UInt8])], extent: Int? = nil
) -> Delta {
    let spans = runs.map { DeltaRun(offset: $0.0, length: $0.1.count) }
    return Delta(
        id: DeltaID(id), page: PageID(page), epoch: Epoch(epoch), source: source, timestamp: timestamp, intent: intent,
        runs: spans, payload: runs.flatMap(\.1), extent: extent ?? spans.last!.end)
}

/// Encodes records one after another into a segment that starts with `header`.
private func encodeSegment(_ records: [LogRecord], header: SegmentHeader) throws -> [UInt8] {
    var out = ByteWriter()
    out.append(header.encoded())
    var scratch = ByteWriter()
    var previous = header.baseTimestamp
    for record in records {
        try RecordFrame.encode(
            record.body, lsn: record.lsn.rawValue, timestamp: record.timestamp, header: header, previousTimestamp: previous,
            salt: header.salt, scratch: &scratch, into: &out)
        previous = record.timestamp
    }
    return out.bytes
}

/// A decoded outcome in a comparable form.
private enum Decoded: Equatable {
    case record(LogRecord, next: Int)
    case end
    case invalid(offset: Int, reason: String)

    init(_ outcome: RecordFrame.Outcome) {
        switch outcome {
        case .record(let record, let next): self = .record(record, next: next)
        case .end: self = .end
        case .invalid(let offset, let reason): self = .invalid(offset: offset, reason: reason)
        }
    }

    var invalidOffset: Int? {
        if case .invalid(let offset, _) = self { return offset }
        return nil
    }

    var reason: String {
        if case .invalid(_, let reason) = self { return reason }
        return ""
    }
}

/// Decodes the record at `offset` of `segment` under `header`.
private func decodeOne(
    _ segment: [UInt8], at offset: Int = SegmentHeader.size, header: SegmentHeader = goldenHeader, salt: UInt32? = nil,
    expectedLSN: UInt64? = nil, previousTimestamp: UInt64? = nil, nextDeltaID: inout UInt64
) -> Decoded {
    segment.withUnsafeBytes { bytes in
        Decoded(RecordFrame.decode(
            bytes, at: offset, header: header, salt: salt ?? header.salt, expectedLSN: expectedLSN ?? header.baseLSN,
            previousTimestamp: previousTimestamp ?? header.baseTimestamp, nextDeltaID: &nextDeltaID))
    }
}

/// Decodes every record of a segment until the end or the first invalid record.
private func decodeAll(_ segment: [UInt8], header: SegmentHeader) -> (records: [LogRecord], ends: [Int], last: Decoded, nextDeltaID: UInt64) {
    var records: [LogRecord] = []
    var ends: [Int] = []
    var offset = SegmentHeader.size
    var lsn = header.baseLSN
    var previous = header.baseTimestamp
    var nextDeltaID = header.firstDeltaID
    while true {
        let outcome = decodeOne(
            segment, at: offset, header: header, expectedLSN: lsn, previousTimestamp: previous, nextDeltaID: &nextDeltaID)
        guard case .record(let record, let next) = outcome else { return (records, ends, outcome, nextDeltaID) }
        records.append(record)
        ends.append(next)
        offset = next
        lsn += 1
        previous = record.timestamp
    }
}

@Suite struct LogCodecTests {
    // MARK: Golden bytes

    /// The six golden records, their hand-built inner bytes (type … body) and the header they live under.
    static func goldenRecords() throws -> [(record: LogRecord, inner: [UInt8])] {
        let t0 = goldenBaseTimestamp
        var cases: [(LogRecord, [UInt8])] = []

        // 1. pageCreated with metadata: page 300, 4,096 bytes, gpu, ["k": [1, 2]], 1 ms after the base.
        let metadata: PageMetadata = ["k": [1, 2]]
        cases.append((
            LogRecord(lsn: 1_000, timestamp: t0 + 1_000_000, body: .pageCreated(300, size: 4_096, location: .gpu, metadata: metadata)),
            [0x01, 0x00, 0x80, 0x89, 0x7A]  // type 1, LSN delta 0, zig-zag(+1,000,000) = 2,000,000
                + [0xAC, 0x02, 0x80, 0x20, 0x01]  // page 300, size 4,096, location gpu
                + [0x0F]  // metadata blob length 15
                + [0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x6B, 0x02, 0x00, 0x00, 0x00, 0x01, 0x02]
        ))

        // 2. pageCreated without metadata: page 1, 16 bytes, cpu; the clock went back 3 ns.
        cases.append((
            LogRecord(lsn: 1_001, timestamp: t0 + 999_997, body: .pageCreated(1, size: 16, location: .cpu, metadata: PageMetadata())),
            [0x01, 0x01, 0x05]  // type 1, LSN delta 1, zig-zag(-3) = 5
                + [0x01, 0x10, 0x00, 0x00]  // page 1, size 16, cpu, empty metadata
        ))

        // 3. pageDeleted: page 128, same timestamp.
        cases.append((
            LogRecord(lsn: 1_002, timestamp: t0 + 999_997, body: .pageDeleted(128)),
            [0x02, 0x02, 0x00, 0x80, 0x01]
        ))

        // 4. One delta: page 1, epoch 1, user, 4 bytes at 0; 200 ns later.
        let t4 = t0 + 1_000_197
        cases.append((
            LogRecord(lsn: 1_003, timestamp: t4, body: .deltas([delta(id: 500, page: 1, epoch: 1, timestamp: t4, runs: [(0, [0xDE, 0xAD, 0xBE, 0xEF])])])),
            [0x03, 0x03, 0x90, 0x03]  // type 3, LSN delta 3, zig-zag(200) = 400
                + [0x01]  // one delta
                + [0x00, 0x01, 0x01, 0x01, 0x00, 0x04, 0x00]  // flags user, page 1, epoch 1, 1 run: gap 0 length 4, extent tail 0
                + [0xDE, 0xAD, 0xBE, 0xEF]
        ))

        // 5. Three deltas: compute with an intent; a custom source with an intent; a multi-run delta
        //    whose extent (300) lies past its last run's end (201).
        let t5 = t4 + 1
        let deltas = [
            delta(id: 501, page: 2, epoch: 5, source: .compute, timestamp: t5, intent: "why", runs: [(10, [0xAA, 0xBB])]),
            delta(id: 502, page: 3, epoch: 200, source: .custom("sensor-7"), timestamp: t5, intent: "é", runs: [(0, [0x11])]),
            delta(id: 503, page: 2, epoch: 6, source: .network, timestamp: t5, runs: [(0, [1, 2]), (5, [3, 4, 5]), (200, [6])], extent: 300),
        ]
        cases.append((
            LogRecord(lsn: 1_004, timestamp: t5, body: .deltas(deltas)),
            [0x03, 0x04, 0x02]  // type 3, LSN delta 4, zig-zag(1) = 2
                + [0x03]  // three deltas
                + [0x09, 0x03] + utf8("why") + [0x02, 0x05, 0x01, 0x0A, 0x02, 0x00, 0xAA, 0xBB]
                + [0x0F, 0x08] + utf8("sensor-7") + [0x02, 0xC3, 0xA9] + [0x03, 0xC8, 0x01, 0x01, 0x00, 0x01, 0x00, 0x11]
                + [0x06, 0x02, 0x06, 0x03] + [0x00, 0x02, 0x03, 0x03, 0xC0, 0x01, 0x01] + [0x63] + [1, 2, 3, 4, 5, 6]
        ))

        // 6. metadataChanged: page 7 gets ["a": [], "bc": [0xFF]]; the timestamp jumps back to the base.
        let newMetadata = try PageMetadata(entries: [("a", []), ("bc", [0xFF])])
        cases.append((
            LogRecord(lsn: 1_005, timestamp: t0, body: .metadataChanged(7, newMetadata)),
            [0x04, 0x05] + leb(UInt64(2 * (t5 - t0) - 1))  // type 4, LSN delta 5, zig-zag(-(t5 - t0))
                + [0x07, 0x18]  // page 7, blob length 24
                + [0x02, 0x00, 0x00, 0x00] + [0x01, 0x00, 0x00, 0x00, 0x61] + [0x00, 0x00, 0x00, 0x00]
                + [0x02, 0x00, 0x00, 0x00, 0x62, 0x63] + [0x01, 0x00, 0x00, 0x00, 0xFF]
        ))
        return cases
    }

    @Test func headerSaltIsCRCOfStoreAndBaseLSN() {
        #expect(goldenHeader.salt == referenceSalt(high: goldenStore.high, low: goldenStore.low, baseLSN: 1_000))
        var other = goldenHeader
        other.baseLSN = 1_001
        #expect(other.salt != goldenHeader.salt)
        other = goldenHeader
        other.store = StoreID(high: goldenStore.high, low: goldenStore.low ^ 1)
        #expect(other.salt != goldenHeader.salt)
    }

    @Test(arguments: 0..<6)
    func goldenRecordBytes(index: Int) throws {
        let cases = try Self.goldenRecords()
        let salt = referenceSalt(high: goldenStore.high, low: goldenStore.low, baseLSN: 1_000)
        let previousTimestamp = index == 0 ? goldenBaseTimestamp : cases[index - 1].record.timestamp
        let (record, inner) = cases[index]
        let expected = referenceFrame(salt: salt, inner: inner)

        var out = ByteWriter()
        var scratch = ByteWriter()
        try RecordFrame.encode(
            record.body, lsn: record.lsn.rawValue, timestamp: record.timestamp, header: goldenHeader,
            previousTimestamp: previousTimestamp, salt: goldenHeader.salt, scratch: &scratch, into: &out)
        #expect(out.bytes == expected)

        // The hand-built bytes decode to the record, with delta ids from the given next id.
        let segment = goldenHeader.encoded() + expected
        var nextDeltaID: UInt64 = cases[..<index].reduce(500) { count, entry in
            if case .deltas(let deltas) = entry.record.body { return count + UInt64(deltas.count) }
            return count
        }
        let before = nextDeltaID
        let decoded = decodeOne(segment, expectedLSN: record.lsn.rawValue, previousTimestamp: previousTimestamp, nextDeltaID: &nextDeltaID)
        #expect(decoded == .record(record, next: segment.count))
        if case .deltas(let deltas) = record.body {
            #expect(nextDeltaID == before + UInt64(deltas.count))
        } else {
            #expect(nextDeltaID == before)
        }
    }

    @Test func goldenSegmentDecodesInOrder() throws {
        let cases = try Self.goldenRecords()
        let salt = referenceSalt(high: goldenStore.high, low: goldenStore.low, baseLSN: 1_000)
        let records = cases.map(\.record)
        let expected = goldenHeader.encoded() + cases.flatMap { referenceFrame(salt: salt, inner: $0.inner) }
        #expect(try encodeSegment(records, header: goldenHeader) == expected)
        let decoded = decodeAll(expected, header: goldenHeader)
        #expect(decoded.records == records)
        #expect(decoded.last == .end)
        #expect(decoded.nextDeltaID == 504)
        #expect(decoded.ends.last == expected.count)
    }

    @Test func segmentHeaderGoldenBytes() throws {
        let header = SegmentHeader(store: goldenStore, baseLSN: 0x0102_0304_0506_0708, firstDeltaID: 42, baseTimestamp: 0xAABB_CCDD_EEFF_0011)
        var expected: [UInt8] = [0x4D, 0x4D, 0x53, 0x42, 0x57, 0x41, 0x4C, 0x00]  // "MMSBWAL\0"
        expected += [0x01, 0x00]  // major 1
        expected += [0x01, 0x00]  // minor 1
        expected += [0x40, 0x00, 0x00, 0x00]  // header size 64
        expected += [0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01]  // store high
        expected += [0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE]  // store low
        expected += [0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01]  // base LSN
        expected += [0x2A, 0, 0, 0, 0, 0, 0, 0]  // first delta id
        expected += [0x11, 0x00, 0xFF, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA]  // base timestamp
        expected += le32(referenceSalt(high: goldenStore.high, low: goldenStore.low, baseLSN: 0x0102_0304_0506_0708))
        expected += le32(referenceCRC(expected))
        #expect(expected.count == 64)
        #expect(header.encoded() == expected)
        let decoded = expected.withUnsafeBytes { bytes in Result { () throws(LogError) in try SegmentHeader.decode(bytes, file: "f", store: goldenStore) } }
        #expect(try decoded.get() == header)
    }

    @Test func manifestSlotGoldenBytes() throws {
        var manifest = Manifest(store: goldenStore, generation: 0x0000_0001_0000_0002, firstLiveSegmentLSN: 0x300, checkpointLSN: 0x2FF)
        manifest.cleanEndLSN = 0x1_0203
        var expected: [UInt8] = [0x4D, 0x4D, 0x53, 0x42, 0x4D, 0x41, 0x4E, 0x00]  // "MMSBMAN\0"
        expected += [0x01, 0x00, 0x01, 0x00]  // major 1, minor 1
        expected += [0x48, 0x00, 0x00, 0x00]  // slot size 72
        expected += [0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01]  // store high
        expected += [0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE]  // store low
        expected += [0x02, 0, 0, 0, 0x01, 0, 0, 0]  // generation
        expected += [0x00, 0x03, 0, 0, 0, 0, 0, 0]  // first live segment
        expected += [0xFF, 0x02, 0, 0, 0, 0, 0, 0]  // checkpoint LSN
        expected += [0x03, 0x02, 0x01, 0, 0, 0, 0, 0]  // clean end LSN
        expected += [0, 0, 0, 0]  // flags
        expected += le32(referenceCRC(expected))
        #expect(expected.count == 72)
        #expect(manifest.encoded() == expected)
        let decoded = try expected.withUnsafeBytes { bytes in try Manifest.decodeSlot(bytes, file: "M") }
        #expect(decoded == manifest)
    }

    /// A format 1.0 slot (64 bytes, no clean end) still reads, as a store without a recorded clean end.
    @Test func manifestSlotOfFormat1_0StillReads() throws {
        var legacy: [UInt8] = [0x4D, 0x4D, 0x53, 0x42, 0x4D, 0x41, 0x4E, 0x00]  // "MMSBMAN\0"
        legacy += [0x01, 0x00, 0x00, 0x00]  // major 1, minor 0
        legacy += [0x40, 0x00, 0x00, 0x00]  // slot size 64
        legacy += [0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01]  // store high
        legacy += [0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE]  // store low
        legacy += [0x02, 0, 0, 0, 0x01, 0, 0, 0]  // generation
        legacy += [0x00, 0x03, 0, 0, 0, 0, 0, 0]  // first live segment
        legacy += [0xFF, 0x02, 0, 0, 0, 0, 0, 0]  // checkpoint LSN
        legacy += [0, 0, 0, 0]  // flags
        legacy += le32(referenceCRC(legacy))
        let decoded = try legacy.withUnsafeBytes { bytes in try Manifest.decodeSlot(bytes, file: "M") }
        #expect(decoded == Manifest(store: goldenStore, generation: 0x0000_0001_0000_0002, firstLiveSegmentLSN: 0x300, checkpointLSN: 0x2FF))
        #expect(decoded?.cleanEndLSN == 0)

        // A whole 1.0 file (4,096 + 64 bytes) whose newer slot is the second: that slot wins.
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        var newer = legacy
        newer.replaceSubrange(32..<40, with: [0x03, 0, 0, 0, 0x01, 0, 0, 0])
        newer.replaceSubrange(60..<64, with: le32(referenceCRC(Array(newer[0..<60]))))
        let file = legacy + [UInt8](repeating: 0, count: 4_096 - 64) + newer
        try StoreFixture.write(file, to: directory.path + "/MANIFEST")
        #expect(try Manifest.read(directory: directory.path).generation == 0x0000_0001_0000_0003)
    }

    // MARK: Header and slot validation

    private static func headerError(_ bytes: [UInt8], store: StoreID? = goldenStore) -> LogError? {
        bytes.withUnsafeBytes { raw in
            do throws(LogError) {
                _ = try SegmentHeader.decode(raw, file: "seg", store: store)
                return nil
            } catch { return error }
        }
    }

    /// `bytes` with `patch` at `offset` and the CRC at 60 recomputed.
    private static func patched(_ bytes: [UInt8], at offset: Int, _ patch: [UInt8]) -> [UInt8] {
        var copy = bytes
        copy.replaceSubrange(offset..<(offset + patch.count), with: patch)
        copy.replaceSubrange(60..<64, with: le32(referenceCRC(Array(copy[0..<60]))))
        return copy
    }

    @Test func segmentHeaderRejectsDamage() {
        let good = goldenHeader.encoded()
        #expect(Self.headerError(good) == nil)
        #expect(Self.headerError(good, store: nil) == nil)
        var badMagic = good
        badMagic[3] = 0x43
        #expect(Self.headerError(badMagic) == .badMagic(file: "seg", offset: 0))
        #expect(Self.headerError(Self.patched(good, at: 8, le16(2))) == .unsupportedVersion(file: "seg", major: 2, minor: 1))
        #expect(Self.headerError(Self.patched(good, at: 10, le16(9))) == nil, "a newer minor stays readable")
        var badCRC = good
        badCRC[20] ^= 0x01
        #expect(Self.headerError(badCRC) == .corrupt(file: "seg", offset: 60, reason: "segment header checksum mismatch"))
        if case .corrupt(_, let offset, _) = Self.headerError(Self.patched(good, at: 12, le32(65))) {
            #expect(offset == 12)
        } else {
            Issue.record("a header size of 65 is accepted")
        }
        #expect(Self.headerError(good, store: StoreID(high: 1, low: 2)) == .foreignFile(file: "seg"))
        if case .corrupt(_, let offset, _) = Self.headerError(Self.patched(good, at: 56, le32(goldenHeader.salt ^ 1))) {
            #expect(offset == 56)
        } else {
            Issue.record("a wrong salt is accepted")
        }
        let zeroBase = SegmentHeader(store: goldenStore, baseLSN: 0, firstDeltaID: 1, baseTimestamp: 0).encoded()
        if case .corrupt(_, let offset, _) = Self.headerError(zeroBase) {
            #expect(offset == 32)
        } else {
            Issue.record("base LSN 0 is accepted")
        }
        if case .corrupt(_, let offset, _) = Self.headerError(Array(good[0..<63])) {
            #expect(offset == 63)
        } else {
            Issue.record("a truncated header is accepted")
        }
    }

    /// A manifest slot with `patch` at `offset` and the CRC at 68 recomputed.
    private static func patchedSlot(_ bytes: [UInt8], at offset: Int, _ patch: [UInt8]) -> [UInt8] {
        var copy = bytes
        copy.replaceSubrange(offset..<(offset + patch.count), with: patch)
        copy.replaceSubrange(68..<72, with: le32(referenceCRC(Array(copy[0..<68]))))
        return copy
    }

    @Test func manifestSlotRejectsDamage() throws {
        let good = Manifest(store: goldenStore, generation: 3, firstLiveSegmentLSN: 1, checkpointLSN: 0).encoded()
        func decode(_ bytes: [UInt8]) throws -> Manifest? { try bytes.withUnsafeBytes { try Manifest.decodeSlot($0, file: "M") } }
        #expect(try decode(good) != nil)
        for index in 0..<72 {
            var flipped = good
            flipped[index] ^= 0xFF
            #expect(try decode(flipped) == nil, "byte \(index) flipped")
        }
        #expect(try decode(Array(repeating: 0, count: 72)) == nil)
        #expect(try decode(Array(good[0..<71])) == nil)
        #expect(try decode(Self.patchedSlot(good, at: 64, le32(1))) == nil, "unknown flags")
        #expect(try decode(Self.patchedSlot(good, at: 12, le32(128))) == nil, "wrong slot size")
        #expect(try decode(Self.patchedSlot(good, at: 56, le32(UInt32.max) + le32(UInt32.max))) == nil, "clean end past the largest LSN")
        #expect(try decode(Self.patchedSlot(good, at: 10, le16(7)))?.generation == 3, "a newer minor stays readable")
        #expect(throws: LogError.unsupportedVersion(file: "M", major: 2, minor: 1)) { try decode(Self.patchedSlot(good, at: 8, le16(2))) }
    }

    // MARK: Random round trips

    private static func randomPage(_ random: inout SplitMix64) -> PageID {
        switch random.int(0...3) {
        case 0: PageID(UInt64(random.int(1...127)))
        case 1: PageID(UInt64(random.int(128...100_000)))
        case 2: PageID(UInt64.random(in: 1...UInt64.max, using: &random))
        default: PageID(UInt64.max)
        }
    }

    private static func randomText(_ random: inout SplitMix64, count: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-_ éß€😀")
        return String((0..<count).map { _ in alphabet[random.int(0...(alphabet.count - 1))] })
    }

    private static func randomMetadata(_ random: inout SplitMix64) throws -> PageMetadata {
        let count = random.chance(40) ? 0 : random.int(1...3)
        return try PageMetadata(entries: (0..<count).map { index in
            ("k\(index)" + randomText(&random, count: random.int(0...6)), random.bytes(random.int(0...20)))
        })
    }

    private static func randomSource(_ random: inout SplitMix64) -> DeltaSource {
        let builtIn: [DeltaSource] = [.user, .compute, .propagation, .replay, .merge, .disk, .network]
        if random.chance(70) { return builtIn[random.int(0...6)] }
        if random.chance(10) { return .custom("x" + String(repeating: "y", count: 254)) }
        return .custom("src:" + randomText(&random, count: random.int(0...12)))
    }

    private static func randomDelta(_ random: inout SplitMix64, id: UInt64, timestamp: UInt64) -> Delta {
        var runs: [(Int, [UInt8])] = []
        var end = 0
        for _ in 0..<random.int(1...5) {
            let gap = random.chance(10) ? random.int(0...(1 << 20)) : random.int(0...300)
            let bytes = random.bytes(random.int(1...24))
            runs.append((end + gap, bytes))
            end += gap + bytes.count
        }
        let extent = random.chance(30) ? end + random.int(1...5_000) : end
        return delta(
            id: id, page: randomPage(&random).rawValue, epoch: random.chance(50) ? UInt64(random.int(0...20_000)) : random.next(),
            source: randomSource(&random), timestamp: timestamp,
            intent: random.chance(30) ? randomText(&random, count: random.int(0...40)) : nil,
            runs: runs, extent: extent)
    }

    @Test(arguments: [UInt64(1), 0x5EED_0F_106])
    func randomRecordsRoundTrip(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let header = SegmentHeader(
            store: StoreID(high: random.next(), low: random.next()), baseLSN: seed == 1 ? 1 : random.next() >> 8,
            firstDeltaID: UInt64(random.int(1...1_000_000)), baseTimestamp: random.next())
        var records: [LogRecord] = []
        var timestamp = header.baseTimestamp
        var nextDeltaID = header.firstDeltaID
        for index in 0..<10_000 {
            switch random.int(0...9) {
            case 0: timestamp = random.next()  // any jump, wrapping the zig-zag delta
            case 1: timestamp &-= UInt64(random.int(0...1_000_000))  // backwards
            default: timestamp &+= UInt64(random.int(0...2_000_000))
            }
            let body: LogRecord.Body
            switch random.int(0...9) {
            case 0, 1:
                body = .pageCreated(
                    Self.randomPage(&random), size: random.chance(90) ? random.int(1...65_536) : random.int(1...(1 << 30)),
                    location: PageLocation.allCases[random.int(0...2)], metadata: try Self.randomMetadata(&random))
            case 2: body = .pageDeleted(Self.randomPage(&random))
            case 3: body = .metadataChanged(Self.randomPage(&random), try Self.randomMetadata(&random))
            default:
                let count = random.chance(70) ? 1 : random.int(2...6)
                body = .deltas((0..<count).map { offset in Self.randomDelta(&random, id: nextDeltaID + UInt64(offset), timestamp: timestamp) })
                nextDeltaID += UInt64(count)
            }
            records.append(LogRecord(lsn: LSN(header.baseLSN + UInt64(index)), timestamp: timestamp, body: body))
        }
        let segment = try encodeSegment(records, header: header)
        let decoded = decodeAll(segment, header: header)
        #expect(decoded.records.count == records.count)
        #expect(decoded.last == .end)
        #expect(decoded.ends.last == segment.count)
        #expect(decoded.nextDeltaID == nextDeltaID)
        var mismatches = 0
        var expectedID = header.firstDeltaID
        for (index, pair) in zip(decoded.records, records).enumerated() {
            if pair.0 != pair.1 {
                mismatches += 1
                if mismatches <= 3 { Issue.record("record \(index) decodes as \(pair.0), encoded \(pair.1)") }
            }
            if case .deltas(let deltas) = pair.0.body {
                #expect(deltas.map(\.id.rawValue) == Array(expectedID..<(expectedID + UInt64(deltas.count))))
                expectedID += UInt64(deltas.count)
            }
        }
        #expect(mismatches == 0)
    }

    // MARK: Strict decoding

    /// The offset of the record in a one-record segment.
    private static let at = SegmentHeader.size
    /// Where the body starts when the frame has a 1-byte length, LSN delta and timestamp delta.
    private static let body = at + 8

    /// Decodes a one-record segment whose inner bytes are `inner`, framed with a valid CRC.
    private static func decodeInner(_ inner: [UInt8], nextDeltaID: UInt64 = 500) -> Decoded {
        var next = nextDeltaID
        let result = decodeOne(goldenHeader.encoded() + referenceFrame(salt: goldenHeader.salt, inner: inner), nextDeltaID: &next)
        if result.invalidOffset != nil { #expect(next == nextDeltaID, "a failed decode advanced the delta id") }
        return result
    }

    /// Decodes a one-record segment whose frame (crc and all) is `frame`.
    private static func decodeFrame(_ frame: [UInt8]) -> Decoded {
        var next: UInt64 = 500
        return decodeOne(goldenHeader.encoded() + frame, nextDeltaID: &next)
    }

    /// A deltas record with one delta holding `delta` bytes.
    private static func deltasInner(_ delta: [UInt8]) -> [UInt8] { [0x03, 0x00, 0x00, 0x01] + delta }

    @Test func validInnerDecodes() {
        // The base cases the malformed ones below are derived from decode.
        #expect(Self.decodeInner([0x02, 0x00, 0x00, 0x05]) == .record(LogRecord(lsn: 1_000, timestamp: goldenBaseTimestamp, body: .pageDeleted(5)), next: Self.body + 1))
        let valid = Self.decodeInner(Self.deltasInner([0x00, 0x01, 0x01, 0x01, 0x00, 0x02, 0x00, 0xAB, 0xCD]))
        #expect(valid == .record(LogRecord(lsn: 1_000, timestamp: goldenBaseTimestamp, body: .deltas([
            delta(id: 500, page: 1, epoch: 1, timestamp: goldenBaseTimestamp, runs: [(0, [0xAB, 0xCD])])
        ])), next: Self.body + 10))
        #expect(Self.decodeInner([0x01, 0x00, 0x00, 0x01, 0x10, 0x02, 0x00]).invalidOffset == nil)
    }

    @Test func nonMinimalVarintsAreInvalid() {
        // Page id 1 as two bytes.
        let page = Self.decodeInner([0x02, 0x00, 0x00, 0x81, 0x00])
        #expect(page.invalidOffset == Self.body)
        #expect(page.reason.contains("minimal"))
        // LSN delta 0 as two bytes.
        #expect(Self.decodeInner([0x02, 0x80, 0x00, 0x00, 0x05]).invalidOffset == Self.at + 6)
        // Timestamp delta 0 as three bytes.
        #expect(Self.decodeInner([0x02, 0x00, 0x80, 0x80, 0x00, 0x05]).invalidOffset == Self.at + 7)
        // Record length 4 as two bytes, CRC valid over it.
        let inner: [UInt8] = [0x02, 0x00, 0x00, 0x05]
        let covered: [UInt8] = [0x84, 0x00] + inner
        let frame = le32(referenceMask(referenceCRC(covered, seed: goldenHeader.salt))) + covered
        #expect(Self.decodeFrame(frame).invalidOffset == Self.at + 4)
        // Epoch 0 as two bytes inside a delta.
        #expect(Self.decodeInner(Self.deltasInner([0x00, 0x01, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0xAB])).invalidOffset == Self.body + 3)
    }

    @Test func varintsBeyond64BitsAreInvalid() {
        let tooBig: [UInt8] = Array(repeating: 0xFF, count: 9) + [0x02]
        let page = Self.decodeInner([0x02, 0x00, 0x00] + tooBig)
        #expect(page.invalidOffset == Self.body)
        #expect(page.reason.contains("64 bits"))
        let eleven: [UInt8] = Array(repeating: 0x80, count: 10) + [0x01]
        #expect(Self.decodeInner([0x02, 0x00, 0x00] + eleven).invalidOffset == Self.body)
        // UInt64.max itself is fine.
        let maximum: [UInt8] = Array(repeating: 0xFF, count: 9) + [0x01]
        #expect(Self.decodeInner([0x02, 0x00, 0x00] + maximum) == .record(
            LogRecord(lsn: 1_000, timestamp: goldenBaseTimestamp, body: .pageDeleted(PageID(UInt64.max))), next: Self.body + 10))
        // An epoch beyond 64 bits inside a delta.
        #expect(Self.decodeInner(Self.deltasInner([0x00, 0x01] + tooBig + [0x01, 0x00, 0x01, 0x00, 0xAB])).invalidOffset == Self.body + 3)
        // A record length beyond 64 bits.
        #expect(Self.decodeFrame([0x11, 0x22, 0x33, 0x44] + tooBig + [0x00, 0x00]).invalidOffset == Self.at + 4)
    }

    @Test(arguments: [UInt8(0), 6, 9, 0x7F, 0x81, 0x85, 0xFF])
    func unknownRecordTypesAreInvalid(type: UInt8) {
        let decoded = Self.decodeInner([type, 0x00, 0x00, 0x01])
        #expect(decoded.invalidOffset == Self.at + 5)
        #expect(decoded.reason.contains("record type"))
    }

    @Test(arguments: [UInt8(0x10), 0x20, 0x40, 0x80, 0xF8])
    func unknownDeltaFlagsAreInvalid(flags: UInt8) {
        let decoded = Self.decodeInner(Self.deltasInner([flags, 0x01, 0x01, 0x01, 0x00, 0x01, 0x00, 0xAB]))
        #expect(decoded.invalidOffset == Self.body + 1)
        #expect(decoded.reason.contains("flags"))
    }

    @Test func malformedDeltasAreInvalid() {
        // An empty run: count 1, user, page 1, epoch 1, one run of gap 0 and length 0.
        #expect(Self.decodeInner(Self.deltasInner([0x00, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00])).invalidOffset == Self.body + 6)
        // An empty second run.
        #expect(Self.decodeInner(Self.deltasInner([0x00, 0x01, 0x01, 0x02, 0x00, 0x01, 0x03, 0x00, 0x00, 0xAB])).invalidOffset == Self.body + 8)
        // Run count 0.
        let noRun = Self.decodeInner(Self.deltasInner([0x00, 0x01, 0x01, 0x00, 0x00]))
        #expect(noRun.invalidOffset == Self.body + 4)
        // Delta count 0.
        #expect(Self.decodeInner([0x03, 0x00, 0x00, 0x00]).invalidOffset == Self.body)
        // More deltas announced than present.
        #expect(Self.decodeInner([0x03, 0x00, 0x00, 0x02, 0x00, 0x01, 0x01, 0x01, 0x00, 0x01, 0x00, 0xAB]).invalidOffset == Self.body + 9)
        // A run count larger than the bytes left.
        #expect(Self.decodeInner(Self.deltasInner([0x00, 0x01, 0x01, 0x7F, 0x00, 0x01])).invalidOffset == Self.body + 4)
        // Page id 0 in a delta.
        #expect(Self.decodeInner(Self.deltasInner([0x00, 0x00, 0x01, 0x01, 0x00, 0x01, 0x00, 0xAB])).invalidOffset == Self.body + 2)
        // Payload shorter than the runs say.
        #expect(Self.decodeInner(Self.deltasInner([0x00, 0x01, 0x01, 0x01, 0x00, 0x04, 0x00, 0xAB, 0xCD])).invalidOffset == Self.body + 8)
        // A run reaching past the largest page: gap 2^30, length 1.
        #expect(Self.decodeInner(Self.deltasInner([0x00, 0x01, 0x01, 0x01] + leb(1 << 30) + [0x01, 0x00, 0xAB])).invalidOffset == Self.body + 10)
        // An extent past the largest page.
        #expect(Self.decodeInner(Self.deltasInner([0x00, 0x01, 0x01, 0x01, 0x00, 0x01] + leb(1 << 30) + [0xAB])).invalidOffset == Self.body + 7)
        // A custom source label that names a built-in source, or is empty, or is not UTF-8.
        #expect(Self.decodeInner(Self.deltasInner([0x07, 0x04] + utf8("user") + [0x01, 0x01, 0x01, 0x00, 0x01, 0x00, 0xAB])).invalidOffset == Self.body + 2)
        #expect(Self.decodeInner(Self.deltasInner([0x07, 0x00, 0x01, 0x01, 0x01, 0x00, 0x01, 0x00, 0xAB])).invalidOffset == Self.body + 2)
        #expect(Self.decodeInner(Self.deltasInner([0x07, 0x01, 0xFF, 0x01, 0x01, 0x01, 0x00, 0x01, 0x00, 0xAB])).invalidOffset == Self.body + 2)
        // An intent that is not UTF-8.
        #expect(Self.decodeInner(Self.deltasInner([0x08, 0x02, 0xC3, 0x28, 0x01, 0x01, 0x01, 0x00, 0x01, 0x00, 0xAB])).invalidOffset == Self.body + 2)
    }

    @Test func malformedPageRecordsAreInvalid() {
        // Page id 0 in every record that names a page.
        #expect(Self.decodeInner([0x02, 0x00, 0x00, 0x00]).invalidOffset == Self.body)
        #expect(Self.decodeInner([0x01, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00]).invalidOffset == Self.body)
        #expect(Self.decodeInner([0x04, 0x00, 0x00, 0x00, 0x00]).invalidOffset == Self.body)
        // Size 0 and a size past 1 GiB.
        let zero = Self.decodeInner([0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00])
        #expect(zero.invalidOffset == Self.body + 1)
        #expect(zero.reason.contains("size"))
        #expect(Self.decodeInner([0x01, 0x00, 0x00, 0x01] + leb((1 << 30) + 1) + [0x00, 0x00]).invalidOffset == Self.body + 1)
        // Location tags 3 and 0xFF.
        #expect(Self.decodeInner([0x01, 0x00, 0x00, 0x01, 0x10, 0x03, 0x00]).invalidOffset == Self.body + 2)
        #expect(Self.decodeInner([0x01, 0x00, 0x00, 0x01, 0x10, 0xFF, 0x00]).invalidOffset == Self.body + 2)
        // Metadata: a blob that does not decode, a length past the record.
        #expect(Self.decodeInner([0x04, 0x00, 0x00, 0x01, 0x03, 0x01, 0x02, 0x03]).invalidOffset == Self.body + 1)
        #expect(Self.decodeInner([0x04, 0x00, 0x00, 0x01, 0x09, 0x01, 0x00, 0x00, 0x00]).invalidOffset == Self.body + 1)
        // A body cut short.
        #expect(Self.decodeInner([0x01, 0x00, 0x00, 0x01, 0x10]).invalidOffset == Self.body + 2)
        #expect(Self.decodeInner([0x02, 0x00, 0x00]).invalidOffset == Self.body)
    }

    @Test func trailingBytesInARecordAreInvalid() {
        let deleted = Self.decodeInner([0x02, 0x00, 0x00, 0x05, 0x00])
        #expect(deleted.invalidOffset == Self.body + 1)
        #expect(deleted.reason.contains("unexpected bytes"))
        #expect(Self.decodeInner([0x01, 0x00, 0x00, 0x01, 0x10, 0x00, 0x00, 0x00, 0x00]).invalidOffset == Self.body + 4)
        #expect(Self.decodeInner(Self.deltasInner([0x00, 0x01, 0x01, 0x01, 0x00, 0x01, 0x00, 0xAB, 0xCD])).invalidOffset == Self.body + 9)
        #expect(Self.decodeInner([0x04, 0x00, 0x00, 0x01, 0x00, 0x00]).invalidOffset == Self.body + 2)
        // An empty record: the length is 0, so not even the type fits (zero padding follows it).
        #expect(Self.decodeFrame(referenceFrame(salt: goldenHeader.salt, inner: []) + [0, 0, 0]).invalidOffset == Self.at + 5)
    }

    @Test func wrongLSNIsInvalid() {
        for lsnDelta: UInt8 in [1, 2, 0x7F] {
            let decoded = Self.decodeInner([0x02, lsnDelta, 0x00, 0x05])
            #expect(decoded.invalidOffset == Self.at + 6)
            #expect(decoded.reason.contains("LSN"))
        }
        // Expecting LSN 1,001: a record at 1,000 (a duplicate) and one at 1,002 (a gap) are both wrong.
        let segment = goldenHeader.encoded() + referenceFrame(salt: goldenHeader.salt, inner: [0x02, 0x00, 0x00, 0x05])
        var next: UInt64 = 1
        #expect(decodeOne(segment, expectedLSN: 1_001, nextDeltaID: &next).invalidOffset == Self.at + 6)
        let gap = goldenHeader.encoded() + referenceFrame(salt: goldenHeader.salt, inner: [0x02, 0x02, 0x00, 0x05])
        #expect(decodeOne(gap, expectedLSN: 1_001, nextDeltaID: &next).invalidOffset == Self.at + 6)
    }

    @Test func checksumMismatchIsInvalidAtTheRecord() throws {
        let records = try Self.goldenRecords().map(\.record)
        let segment = try encodeSegment(records, header: goldenHeader)
        let ends = decodeAll(segment, header: goldenHeader).ends
        let starts = [SegmentHeader.size] + ends.dropLast()
        // Flip one bit of every byte of the third record in turn: the record never decodes.
        for position in starts[2]..<ends[2] {
            for bit in [0, 7] {
                var damaged = segment
                damaged[position] ^= UInt8(1 << bit)
                let decoded = decodeAll(damaged, header: goldenHeader)
                #expect(decoded.records == Array(records[0..<2]), "byte \(position) bit \(bit)")
                #expect(decoded.last.invalidOffset.map { $0 >= starts[2] && $0 < ends[2] } == true, "byte \(position) bit \(bit)")
            }
        }
        // A flipped CRC or body byte is reported at the record's start as a checksum mismatch.
        var damaged = segment
        damaged[starts[2]] ^= 0x01
        var next: UInt64 = 500
        let crcFlip = decodeOne(damaged, at: starts[2], expectedLSN: 1_002, previousTimestamp: records[1].timestamp, nextDeltaID: &next)
        #expect(crcFlip.invalidOffset == starts[2])
        #expect(crcFlip.reason.contains("checksum"))
        damaged = segment
        damaged[ends[2] - 1] ^= 0x01
        #expect(decodeOne(damaged, at: starts[2], expectedLSN: 1_002, previousTimestamp: records[1].timestamp, nextDeltaID: &next).invalidOffset == starts[2])
    }

    @Test func recordFromAnotherSegmentFailsItsChecksum() throws {
        let record = LogRecord(lsn: 1_000, timestamp: goldenBaseTimestamp, body: .pageDeleted(5))
        // Another store, same base LSN: a valid frame there, a checksum mismatch here.
        let otherStore = SegmentHeader(store: StoreID(high: 1, low: 2), baseLSN: 1_000, firstDeltaID: 500, baseTimestamp: goldenBaseTimestamp)
        let foreign = try encodeSegment([record], header: otherStore)
        var next: UInt64 = 500
        #expect(decodeOne(foreign, header: otherStore, nextDeltaID: &next) == .record(record, next: foreign.count))
        let transplanted = goldenHeader.encoded() + foreign[SegmentHeader.size...]
        let decoded = decodeOne(transplanted, nextDeltaID: &next)
        #expect(decoded.invalidOffset == Self.at)
        #expect(decoded.reason.contains("checksum"))
        // The same store, another segment (base LSN 2,000): its record 1,000 + 0 → a checksum mismatch
        // even though the LSN delta and everything else would be right here.
        let otherSegment = SegmentHeader(store: goldenStore, baseLSN: 2_000, firstDeltaID: 500, baseTimestamp: goldenBaseTimestamp)
        let moved = try encodeSegment([LogRecord(lsn: 2_000, timestamp: goldenBaseTimestamp, body: .pageDeleted(5))], header: otherSegment)
        let movedHere = goldenHeader.encoded() + moved[SegmentHeader.size...]
        #expect(decodeOne(movedHere, nextDeltaID: &next).invalidOffset == Self.at)
        // And a frame checked against the wrong salt fails even inside its own segment.
        #expect(decodeOne(foreign, header: otherStore, salt: otherStore.salt ^ 0x8000_0000, nextDeltaID: &next).invalidOffset == Self.at)
    }

    @Test func lengthsAreBoundedByTheBytesLeft() {
        // Length 127 with 4 bytes following.
        let decoded = Self.decodeFrame([0x00, 0x00, 0x00, 0x01, 0x7F, 0x02, 0x00, 0x00, 0x05])
        #expect(decoded.invalidOffset == Self.at + 4)
        // Length 2^62 and 2^64 − 1.
        #expect(Self.decodeFrame([0x01, 0x00, 0x00, 0x00] + leb(1 << 62) + [0x02, 0x00]).invalidOffset == Self.at + 4)
        #expect(Self.decodeFrame([0x01, 0x00, 0x00, 0x00] + leb(UInt64.max) + [0x02, 0x00]).invalidOffset == Self.at + 4)
        // Only no bytes at all are the end; fewer than eight bytes, zero or not, are a partial record.
        #expect(Self.decodeFrame([]) == .end)
        #expect(Self.decodeFrame([0, 0, 0, 0, 0, 0, 0]).invalidOffset == Self.at)
        #expect(Self.decodeFrame([0, 0, 0, 0, 0, 0, 1]).invalidOffset == Self.at)
        #expect(Self.decodeFrame([0x12]).invalidOffset == Self.at)
        // Zero crc and zero length are not an end either (issue 9): zero fill is space whose data never
        // reached the disk, a torn tail to report.
        #expect(Self.decodeFrame(Array(repeating: 0, count: 100)).invalidOffset == Self.at)
        // Zeros with data after them are not zero fill: damage at that offset, never a silent end.
        #expect(Self.decodeFrame([0, 0, 0, 0, 0, 1, 2, 3, 4]).invalidOffset == Self.at)
    }

    /// A record cut short by fewer bytes than its length varint takes: the length still fits the bytes
    /// counted from the length field, but not those after it. Found by this suite: such a record must be
    /// invalid (a torn tail), never read past the buffer.
    @Test(arguments: [4, 200])
    func recordMissingItsLastBytesIsInvalid(payloadBytes: Int) throws {
        let timestamp = goldenBaseTimestamp
        let record = LogRecord(lsn: 1_000, timestamp: timestamp, body: .deltas([
            delta(id: 500, page: 1, epoch: 1, timestamp: timestamp, runs: [(0, Array(repeating: 0x5A, count: payloadBytes))])
        ]))
        let segment = try encodeSegment([record], header: goldenHeader)
        var next: UInt64 = 500
        #expect(decodeOne(segment, nextDeltaID: &next) == .record(record, next: segment.count))
        for cut in 1..<(segment.count - Self.at) {
            let short = Array(segment.dropLast(cut))
            next = 500
            let decoded = decodeOne(short, nextDeltaID: &next)
            #expect(decoded.invalidOffset == Self.at || decoded.invalidOffset == Self.at + 4, "\(cut) bytes cut: \(decoded)")
        }
    }

    @Test func randomDamageNeverDecodesToOtherRecords() throws {
        let records = try Self.goldenRecords().map(\.record)
        let segment = try encodeSegment(records, header: goldenHeader)
        var random = SplitMix64(seed: 0xDA_4A6E)
        for trial in 0..<3_000 {
            var damaged = segment
            switch random.int(0...2) {
            case 0:
                for _ in 0..<random.int(1...4) { damaged[random.int(SegmentHeader.size...(damaged.count - 1))] = UInt8.random(in: 0...255, using: &random) }
            case 1:
                let start = random.int(SegmentHeader.size...(damaged.count - 1))
                let length = min(random.int(1...16), damaged.count - start)
                damaged.replaceSubrange(start..<(start + length), with: random.bytes(length))
            default:
                damaged.removeLast(random.int(1...(damaged.count - SegmentHeader.size)))
            }
            let decoded = decodeAll(damaged, header: goldenHeader)
            #expect(decoded.records == Array(records.prefix(decoded.records.count)), "trial \(trial)")
        }
    }

    // MARK: The small-delta size budget

    @Test func smallDeltaCostsAtMostPayloadPlus24Bytes() throws {
        let payload = Array(0..<16).map { UInt8($0) }
        var worst = 0
        var scratch = ByteWriter()
        // LSN deltas from 0 to what a 64 MiB segment of such records can hold.
        for (base, lsnStart) in [(UInt64(1), UInt64(0)), (1, 1_600_000), (1 << 40, 16_000)] {
            let header = SegmentHeader(store: goldenStore, baseLSN: base, firstDeltaID: 1, baseTimestamp: goldenBaseTimestamp)
            var previous = header.baseTimestamp
            for index in 0..<10_000 {
                let page = UInt64(index % 10_000 + 1)
                let epoch = UInt64(10_000 - index % 10_000)
                let offset = (index * 16) % 4_080
                let timestamp = previous + 1_000_000
                let body = LogRecord.Body.deltas([delta(id: 1, page: page, epoch: epoch, timestamp: timestamp, runs: [(offset, payload)])])
                var out = ByteWriter()
                try RecordFrame.encode(
                    body, lsn: base + lsnStart + UInt64(index), timestamp: timestamp, header: header, previousTimestamp: previous,
                    salt: header.salt, scratch: &scratch, into: &out)
                worst = max(worst, out.count)
                #expect(out.count <= payload.count + 24, "page \(page) epoch \(epoch) offset \(offset) LSN delta \(lsnStart + UInt64(index))")
                previous = timestamp
            }
        }
        // The worst case here: crc 4, length 1, type 1, LSN delta 3, timestamp 3, count 1, flags 1,
        // page 2, epoch 2, run count 1, offset 2, length 1, extent 1.
        #expect(worst == payload.count + 23)
    }
}
