import MMSB
import Testing

// MARK: - Encoding helpers (the original's layouts, spec §6.1 and §6.2)

/// Bytes from a hex string; spaces and `|` are ignored.
private func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { $0.isHexDigit })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

private func le32(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

private func le64(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

/// Overwrites four bytes at `offset` with a little-endian `u32`.
private func patch32(_ bytes: [UInt8], at offset: Int, _ value: UInt32) -> [UInt8] {
    var copy = bytes
    copy.replaceSubrange(offset..<(offset + 4), with: le32(value))
    return copy
}

private func logHeader(version: UInt32) -> [UInt8] {
    Array("MMSBLOG1".utf8) + le32(version)
}

/// One log frame as the original's writer lays it out.
private struct Frame {
    var deltaID: UInt64 = 1
    var pageID: UInt64 = 1
    var epoch: UInt32 = 1
    var mask: [UInt8] = [1, 1]
    var payload: [UInt8] = [0xAA, 0xBB]
    var isSparse = false
    var timestamp: UInt64 = 1
    var source: [UInt8] = Array("test".utf8)
    var metadata: [UInt8] = []

    func encoded(version: UInt32) -> [UInt8] {
        var out = le64(deltaID) + le64(pageID) + le32(epoch)
        out += le32(UInt32(mask.count)) + mask
        out += le32(UInt32(payload.count)) + payload
        out += [isSparse ? 1 : 0] + le64(timestamp)
        out += le32(UInt32(source.count)) + source
        if version >= 2 { out += le32(UInt32(metadata.count)) + metadata }
        return out
    }

    /// Byte offsets, inside the frame, of each length field.
    var lengthFieldOffsets: [(field: String, offset: Int)] {
        let mask = 20
        let payload = mask + 4 + self.mask.count
        let source = payload + 4 + self.payload.count + 9
        let metadata = source + 4 + self.source.count
        return [("mask_len", mask), ("payload_len", payload), ("source_len", source), ("metadata_len", metadata)]
    }
}

/// A log file of `frames`; also returns each frame's start offset.
private func logFile(version: UInt32, _ frames: [Frame]) -> (bytes: [UInt8], starts: [Int]) {
    var bytes = logHeader(version: version)
    var starts: [Int] = []
    for frame in frames {
        starts.append(bytes.count)
        bytes += frame.encoded(version: version)
    }
    return (bytes, starts)
}

/// One checkpoint page record.
private struct Record {
    var id: UInt64 = 7
    var size: UInt64?
    var epoch: UInt32 = 3
    var location: Int32 = 0
    var metadata: [UInt8] = []
    var data: [UInt8] = [1, 2, 3, 4]
    var dataLength: UInt32?

    var encoded: [UInt8] {
        le64(id) + le64(size ?? UInt64(data.count)) + le32(epoch) + le32(UInt32(bitPattern: location))
            + le32(UInt32(metadata.count)) + metadata + le32(dataLength ?? UInt32(data.count)) + data
    }
}

private func snapshotFile(version: UInt32 = 2, logOffset: UInt64 = 0, pageCount: UInt32? = nil, _ records: [Record])
    -> (bytes: [UInt8], starts: [Int])
{
    var bytes = Array("MMSBSNAP".utf8) + le32(version) + le32(pageCount ?? UInt32(records.count)) + le64(logOffset)
    var starts: [Int] = []
    for record in records {
        starts.append(bytes.count)
        bytes += record.encoded
    }
    return (bytes, starts)
}

private func logError(_ bytes: [UInt8]) -> LegacyFormatError? {
    do {
        _ = try LegacyTransactionLog(bytes: bytes)
        return nil
    } catch {
        return error
    }
}

private func snapshotError(_ bytes: [UInt8]) -> LegacyFormatError? {
    do {
        _ = try LegacySnapshot(bytes: bytes)
        return nil
    } catch {
        return error
    }
}

private func deltaError(_ entry: LegacyLogEntry) -> LegacyFormatError? {
    do {
        _ = try entry.delta()
        return nil
    } catch {
        return error
    }
}

/// The byte offset an error names, if it names one.
private func offset(of error: LegacyFormatError) -> Int? {
    switch error {
    case .badMagic: 0
    case .unsupportedVersion: 8
    case .truncated(let offset, _), .invalidLocationTag(_, let offset), .invalidMetadata(let offset, _),
        .invalidDelta(let offset, _), .sizeMismatch(_, _, _, let offset), .invalidPageSize(_, _, let offset),
        .duplicatePage(_, let offset, _), .limitExceeded(_, _, _, let offset), .trailingBytes(let offset, _):
        offset
    }
}

/// Frames of several shapes: dense, sparse with intent, multi-byte mask values, a no-op frame.
private let sampleFrames: [Frame] = [
    Frame(),
    Frame(
        deltaID: 2, pageID: 9, epoch: 4, mask: [1, 0, 1, 0, 1], payload: [0x10, 0x50, 0x90], isSparse: true,
        timestamp: 1_700_000_000_000_000_000, source: Array("propagation".utf8), metadata: Array("why: recompute".utf8)),
    Frame(deltaID: 3, pageID: 1, epoch: 5, mask: [0, 2, 0xFF], payload: [7, 8, 9], source: Array("user".utf8)),
    Frame(deltaID: 4, pageID: 2, epoch: 6, mask: [0, 0, 0], payload: [0, 0, 0], source: Array("stress".utf8)),
]

// MARK: - Transaction log

@Suite struct LegacyTransactionLogTests {
    /// The spec's example v2 frame (§6.1), 53 bytes.
    static let goldenFrame = hex(
        "01 00 00 00 00 00 00 00 | 01 00 00 00 00 00 00 00 | 01 00 00 00 | 02 00 00 00 | 01 01 | 02 00 00 00 | AA BB | "
            + "00 | 01 00 00 00 00 00 00 00 | 04 00 00 00 | 74 65 73 74 | 00 00 00 00")

    @Test func goldenV2FrameParsesToExactlyItsFields() throws {
        #expect(Self.goldenFrame.count == 53)
        #expect(Frame().encoded(version: 2) == Self.goldenFrame)
        let log = try LegacyTransactionLog(bytes: logHeader(version: 2) + Self.goldenFrame)
        #expect(log.version == 2)
        #expect(log.entries.count == 1)
        let entry = try #require(log.entries.first)
        #expect(entry.offset == 12)
        #expect(entry.deltaID == 1)
        #expect(entry.pageID == 1)
        #expect(entry.epoch == 1)
        #expect(entry.mask == [true, true])
        #expect(entry.payload == [0xAA, 0xBB])
        #expect(entry.isSparse == false)
        #expect(entry.timestamp == 1)
        #expect(entry.source == "test")
        #expect(entry.intentMetadata == nil)
        #expect(entry.writesNothing == false)

        let delta = try entry.delta()
        #expect(delta.id == DeltaID(1))
        #expect(delta.page == PageID(1))
        #expect(delta.epoch == Epoch(1))
        #expect(delta.timestamp == 1)
        #expect(delta.source == .custom("test"))
        #expect(delta.intent == nil)
        #expect(delta.runs == [DeltaRun(offset: 0, length: 2)])
        #expect(delta.payload == [0xAA, 0xBB])
        #expect(delta.extent == 2)
    }

    @Test func versionOneFileLikeTheOriginalsTestLog() throws {
        let frame = Frame(
            mask: [1, 1, 1, 1, 1, 1] + [UInt8](repeating: 0, count: 10), payload: Array(1...16), timestamp: 0)
        #expect(frame.encoded(version: 1).count == 77)
        let bytes = logFile(version: 1, Array(repeating: frame, count: 20)).bytes
        #expect(bytes.count == 1552)

        let log = try LegacyTransactionLog(bytes: bytes)
        #expect(log.version == 1)
        #expect(log.entries.count == 20)
        for (index, entry) in log.entries.enumerated() {
            #expect(entry.offset == 12 + 77 * index)
            #expect(entry.deltaID == 1)
            #expect(entry.pageID == 1)
            #expect(entry.epoch == 1)
            #expect(entry.mask == Array(repeating: true, count: 6) + Array(repeating: false, count: 10))
            #expect(entry.payload == Array(1...16))
            #expect(!entry.isSparse)
            #expect(entry.timestamp == 0)
            #expect(entry.source == "test")
            #expect(entry.intentMetadata == nil)
        }
        let delta = try log.entries[0].delta()
        #expect(delta.runs == [DeltaRun(offset: 0, length: 6)])
        #expect(delta.payload == [1, 2, 3, 4, 5, 6])
        #expect(delta.extent == 16)
        #expect(delta.toDense().payload == [1, 2, 3, 4, 5, 6] + [UInt8](repeating: 0, count: 10))

        let (deltas, skipped) = try log.deltas()
        #expect(deltas.count == 20)
        #expect(skipped == 0)
    }

    @Test func sampleFramesRoundTripFieldForField() throws {
        let (bytes, starts) = logFile(version: 2, sampleFrames)
        let log = try LegacyTransactionLog(bytes: bytes)
        #expect(log.entries.count == sampleFrames.count)
        for (entry, (frame, start)) in zip(log.entries, zip(sampleFrames, starts)) {
            #expect(entry.offset == start)
            #expect(entry.deltaID == frame.deltaID)
            #expect(entry.pageID == frame.pageID)
            #expect(entry.epoch == frame.epoch)
            #expect(entry.mask == frame.mask.map { $0 != 0 })
            #expect(entry.payload == frame.payload)
            #expect(entry.isSparse == frame.isSparse)
            #expect(entry.timestamp == frame.timestamp)
            #expect(entry.source == String(decoding: frame.source, as: UTF8.self))
            #expect(entry.intentMetadata == (frame.metadata.isEmpty ? nil : String(decoding: frame.metadata, as: UTF8.self)))
        }
    }

    @Test func headerOnlyLogHasNoEntries() throws {
        for version: UInt32 in [1, 2] {
            let log = try LegacyTransactionLog(bytes: logHeader(version: version))
            #expect(log.version == version)
            #expect(log.entries.isEmpty)
        }
    }

    @Test func maskBytesAreTrueWhenNonzero() throws {
        let log = try LegacyTransactionLog(bytes: logFile(version: 2, [sampleFrames[2]]).bytes)
        #expect(log.entries[0].mask == [false, true, true])
        let delta = try log.entries[0].delta()
        #expect(delta.runs == [DeltaRun(offset: 1, length: 2)])
        #expect(delta.payload == [8, 9])
        #expect(delta.source == .user)
    }

    @Test func sparseFrameBecomesRunsAtTheSetPositions() throws {
        let log = try LegacyTransactionLog(bytes: logFile(version: 2, [sampleFrames[1]]).bytes)
        let entry = log.entries[0]
        #expect(entry.intentMetadata == "why: recompute")
        let delta = try entry.delta()
        #expect(delta.runs == [DeltaRun(offset: 0, length: 1), DeltaRun(offset: 2, length: 1), DeltaRun(offset: 4, length: 1)])
        #expect(delta.payload == [0x10, 0x50, 0x90])
        #expect(delta.toDense().payload == [0x10, 0, 0x50, 0, 0x90])
        #expect(delta.source == .propagation)
        #expect(delta.intent == "why: recompute")
        #expect(delta.epoch == Epoch(4))
        #expect(delta.id == DeltaID(2))
        #expect(delta.timestamp == 1_700_000_000_000_000_000)
    }

    @Test func sourceAndIntentAreDecodedLossily() throws {
        let frame = Frame(source: [0x61, 0xFF, 0x62], metadata: [0xC3, 0x28])
        let entry = try LegacyTransactionLog(bytes: logFile(version: 2, [frame]).bytes).entries[0]
        #expect(entry.source == "a\u{FFFD}b")
        #expect(entry.intentMetadata == "\u{FFFD}(")
    }

    @Test func emptyFramesAreNotDeltasButCanBeSkipped() throws {
        let (bytes, starts) = logFile(version: 2, sampleFrames)
        let log = try LegacyTransactionLog(bytes: bytes)
        let empty = log.entries[3]
        #expect(empty.writesNothing)
        #expect(deltaError(empty) == .invalidDelta(offset: starts[3], .empty(PageID(2))))
        #expect(try empty.deltaIfNonEmpty() == nil)
        #expect(try log.entries[0].deltaIfNonEmpty() == (try log.entries[0].delta()))

        let (deltas, skipped) = try log.deltas()
        #expect(deltas.count == 3)
        #expect(skipped == 1)
        #expect(deltas.map(\.id) == [DeltaID(1), DeltaID(2), DeltaID(3)])

        // An all-false sparse mask with no payload is a no-op too.
        let sparseEmpty = Frame(mask: [0, 0], payload: [], isSparse: true)
        let entry = try LegacyTransactionLog(bytes: logFile(version: 2, [sparseEmpty]).bytes).entries[0]
        #expect(try entry.deltaIfNonEmpty() == nil)
    }

    @Test func sparsePayloadCountMismatchIsAnInvalidDelta() throws {
        let frame = Frame(mask: [1, 0, 1], payload: [1, 2, 3], isSparse: true)
        let (bytes, starts) = logFile(version: 2, [Frame(), frame])
        let log = try LegacyTransactionLog(bytes: bytes)
        let error = deltaError(log.entries[1])
        #expect(error == .invalidDelta(offset: starts[1], .sizeMismatch(maskLength: 2, payloadLength: 3)))
        #expect(error?.description.contains("byte \(starts[1])") == true)
        #expect(throws: LegacyFormatError.invalidDelta(offset: starts[1], .sizeMismatch(maskLength: 2, payloadLength: 3))) {
            try log.deltas()
        }
        // An all-false sparse mask with payload bytes is a mismatch, not a no-op.
        let badEmpty = Frame(mask: [0, 0], payload: [5], isSparse: true)
        let entry = try LegacyTransactionLog(bytes: logFile(version: 2, [badEmpty]).bytes).entries[0]
        #expect(throws: LegacyFormatError.invalidDelta(offset: 12, .sizeMismatch(maskLength: 0, payloadLength: 1))) {
            try entry.deltaIfNonEmpty()
        }
    }

    @Test func denseMaskPayloadMismatchIsAnInvalidDelta() throws {
        let entry = try LegacyTransactionLog(bytes: logFile(version: 1, [Frame(mask: [1, 1, 1], payload: [1, 2])]).bytes)
            .entries[0]
        #expect(deltaError(entry) == .invalidDelta(offset: 12, .sizeMismatch(maskLength: 3, payloadLength: 2)))
    }

    @Test func sourceLabelsOurBusCannotStoreAreInvalidDeltas() throws {
        let long = [UInt8](repeating: 0x61, count: 256)
        let (bytes, starts) = logFile(version: 2, [Frame(source: []), Frame(source: long)])
        let log = try LegacyTransactionLog(bytes: bytes)
        #expect(deltaError(log.entries[0]) == .invalidDelta(offset: starts[0], .invalidSource("")))
        #expect(
            deltaError(log.entries[1]) == .invalidDelta(offset: starts[1], .invalidSource(String(decoding: long, as: UTF8.self))))
    }

    @Test func badMagicIsReported() {
        let error = logError(Array("MMSBSNAP".utf8) + le32(2))
        #expect(error == .badMagic(found: Array("MMSBSNAP".utf8), expected: Array("MMSBLOG1".utf8)))
        #expect(error?.description.contains("byte 0") == true)
        #expect(error?.description.contains("4D 4D 53 42 4C 4F 47 31") == true)
        #expect(logError([0x00, 0x01]) == .badMagic(found: [0x00, 0x01], expected: Array("MMSBLOG1".utf8)))
        #expect(logError([]) == .truncated(offset: 0, field: "magic"))
        #expect(logError(Array("MMSB".utf8)) == .truncated(offset: 0, field: "magic"))
    }

    @Test(arguments: [UInt32(0), 3, 0xFFFF_FFFF])
    func unsupportedVersionsAreRejected(version: UInt32) {
        let bytes = logFile(version: version, [Frame()]).bytes
        let error = logError(bytes)
        #expect(error == .unsupportedVersion(version, supported: 1...2))
        #expect(error?.description.contains("byte 8") == true)
    }

    /// Cutting a valid log at every byte offset either ends at a frame boundary (the frames before the
    /// cut) or throws an error naming an offset inside the frame that was cut.
    @Test(arguments: [UInt32(1), 2])
    func everyPrefixOfAValidLogParsesOrThrowsATypedError(version: UInt32) throws {
        let (bytes, starts) = logFile(version: version, sampleFrames)
        let full = try LegacyTransactionLog(bytes: bytes)
        for length in 0..<bytes.count {
            let prefix = Array(bytes[0..<length])
            if length < LegacyTransactionLog.headerSize {
                let expected: LegacyFormatError =
                    length < 8 ? .truncated(offset: 0, field: "magic") : .truncated(offset: 8, field: "version")
                #expect(logError(prefix) == expected, "prefix of \(length) bytes")
                continue
            }
            if let complete = starts.firstIndex(of: length) {
                let log = try LegacyTransactionLog(bytes: prefix)
                #expect(Array(full.entries.prefix(complete)) == log.entries, "prefix of \(length) bytes")
                continue
            }
            let cutFrame = try #require(starts.last { $0 < length })
            let error = try #require(logError(prefix), "prefix of \(length) bytes parsed")
            switch error {
            case .truncated(let offset, _):
                #expect(offset >= cutFrame && offset <= length, "prefix of \(length) bytes: \(error)")
            case .limitExceeded(_, let value, let limit, let offset):
                #expect(offset >= cutFrame && offset + 4 <= length, "prefix of \(length) bytes: \(error)")
                #expect(value > limit && Int(limit) == length - offset - 4, "prefix of \(length) bytes: \(error)")
            default:
                Issue.record("prefix of \(length) bytes: unexpected \(error)")
            }
            #expect(error.description.contains("byte"))
        }
    }

    @Test func tornTailAfterTheSourceIsTruncatedNotTheEnd() throws {
        // The original read a v2 frame cut before metadata_len as the end of the log.
        let frame = Frame().encoded(version: 2)
        let bytes = logHeader(version: 2) + frame.dropLast(4)
        #expect(logError(Array(bytes)) == .truncated(offset: 12 + 49, field: "metadata_len"))
        // A frame cut inside its delta_id is truncated too.
        #expect(logError(logHeader(version: 2) + frame + [1, 2, 3]) == .truncated(offset: 65, field: "delta_id"))
    }

    @Test(arguments: [UInt32.max, 0x7FFF_FFFF, 0x4000_0000, 200])
    func hugeLengthFieldsExceedTheBytesLeft(value: UInt32) throws {
        let (bytes, starts) = logFile(version: 2, sampleFrames)
        for (frameIndex, frame) in sampleFrames.enumerated() {
            for (field, relative) in frame.lengthFieldOffsets {
                let offset = starts[frameIndex] + relative
                let corrupt = patch32(bytes, at: offset, value)
                let left = UInt64(bytes.count - offset - 4)
                guard UInt64(value) > left else { continue }
                #expect(
                    logError(corrupt) == .limitExceeded(field: field, value: UInt64(value), limit: left, offset: offset),
                    "\(field) of frame \(frameIndex)")
            }
        }
    }

    @Test func smallCorruptLengthsNeverCrash() throws {
        // Shifting any length field by a little misframes the rest; whatever happens, it is typed.
        let (bytes, starts) = logFile(version: 2, sampleFrames)
        for (frameIndex, frame) in sampleFrames.enumerated() {
            for (_, relative) in frame.lengthFieldOffsets {
                let offset = starts[frameIndex] + relative
                let original = UInt32(bytes[offset])
                for delta: UInt32 in [1, 2, 3, 7, 13] {
                    for value in [original &+ delta, original &- min(delta, original)] {
                        let corrupt = patch32(bytes, at: offset, value)
                        if let log = try? LegacyTransactionLog(bytes: corrupt) {
                            for entry in log.entries { _ = try? entry.deltaIfNonEmpty() }
                        }
                    }
                }
            }
        }
    }

    @Test func everySingleByteCorruptionIsTypedOrParses() {
        let (bytes, _) = logFile(version: 2, sampleFrames)
        for index in bytes.indices {
            for value: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xFF] {
                var corrupt = bytes
                corrupt[index] = value
                if let log = try? LegacyTransactionLog(bytes: corrupt) {
                    for entry in log.entries { _ = try? entry.deltaIfNonEmpty() }
                }
            }
        }
    }

    @Test func descriptionsNameTheOffset() {
        let cases: [(LegacyFormatError, String)] = [
            (.truncated(offset: 57, field: "payload_len"), "payload_len that starts at byte 57"),
            (.limitExceeded(field: "mask_len", value: 9, limit: 3, offset: 32), "mask_len at byte 32 holds 9"),
            (.invalidLocationTag(5, offset: 44), "tag 5 at byte 44"),
            (.trailingBytes(offset: 60, count: 2), "from byte 60"),
            (.invalidDelta(offset: 12, .empty(PageID(1))), "starting at byte 12"),
            (.invalidMetadata(offset: 40, .unexpectedEnd(offset: 0)), "starting at byte 40"),
            (.sizeMismatch(page: 7, size: 4, dataLength: 5, offset: 52), "data_len at byte 52 is 5"),
            (.invalidPageSize(page: 7, size: 0, offset: 32), "size 0 at byte 32"),
            (.duplicatePage(7, offset: 84, firstOffset: 24), "at byte 24 and again at byte 84"),
            (.unsupportedVersion(3, supported: 1...2), "version 3 at byte 8"),
        ]
        for (error, fragment) in cases {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }
}

// MARK: - Checkpoint

@Suite struct LegacySnapshotTests {
    /// The spec's example (§6.2): one page {id 7, size 4, epoch 3, cpu, no metadata, data 01 02 03 04}.
    static let golden = hex(
        "4D4D5342534E4150 | 02000000 | 01000000 | 1006000000000000 | "  // magic, version 2, 1 page, log_offset 1552
            + "0700000000000000 | 0400000000000000 | 03000000 | 00000000 | 00000000 | 04000000 | 01020304")

    @Test func goldenSixtyByteSnapshotParsesExactly() throws {
        #expect(Self.golden.count == 60)
        #expect(snapshotFile(logOffset: 1552, [Record()]).bytes == Self.golden)
        let snapshot = try LegacySnapshot(bytes: Self.golden)
        #expect(snapshot.version == 2)
        #expect(snapshot.logOffset == 1552)
        #expect(snapshot.pages.count == 1)
        let page = try #require(snapshot.pages.first)
        #expect(page.offset == 24)
        #expect(page.id == PageID(7))
        #expect(page.size == 4)
        #expect(page.epoch == Epoch(3))
        #expect(page.location == .cpu)
        #expect(page.metadata.isEmpty)
        #expect(page.data == [1, 2, 3, 4])
        #expect(snapshot.page(PageID(7)) == page)
        #expect(snapshot.page(PageID(8)) == nil)
    }

    @Test func versionOneHasTheSameLayoutAndIsAccepted() throws {
        let v1 = try LegacySnapshot(bytes: snapshotFile(version: 1, [Record()]).bytes)
        let v2 = try LegacySnapshot(bytes: snapshotFile(version: 2, [Record()]).bytes)
        #expect(v1.version == 1)
        #expect(v1.pages == v2.pages)
    }

    @Test func metadataBlobInsideAPageDecodes() throws {
        let blob = hex("01000000 03000000 6B6579 06000000 616263313233")
        let two: PageMetadata = ["owner": Array("julia".utf8), "kind": [0, 1, 2]]
        let (bytes, starts) = snapshotFile([
            Record(id: 1, location: 1, metadata: blob, data: [9]),
            Record(id: 2, epoch: 0, location: 2, metadata: two.blob, data: Array(repeating: 0x5A, count: 100)),
            Record(id: 3, metadata: le32(0), data: [1, 2]),
        ])
        let snapshot = try LegacySnapshot(bytes: bytes)
        #expect(snapshot.pages.map(\.offset) == starts)
        #expect(snapshot.pages[0].metadata == ["key": Array("abc123".utf8)])
        #expect(snapshot.pages[0].location == .gpu)
        #expect(snapshot.pages[1].metadata == two)
        #expect(snapshot.pages[1].metadata.keys == ["owner", "kind"])
        #expect(snapshot.pages[1].location == .unified)
        #expect(snapshot.pages[1].size == 100)
        #expect(snapshot.pages[2].metadata.isEmpty)
    }

    @Test func emptySnapshotHasNoPages() throws {
        let snapshot = try LegacySnapshot(bytes: snapshotFile(logOffset: 12, []).bytes)
        #expect(snapshot.pages.isEmpty)
        #expect(snapshot.logOffset == 12)
    }

    @Test func badMagicAndVersions() {
        #expect(
            snapshotError(logHeader(version: 2)) == .badMagic(found: Array("MMSBLOG1".utf8), expected: Array("MMSBSNAP".utf8)))
        #expect(snapshotError(Array("MMSBS".utf8)) == .truncated(offset: 0, field: "magic"))
        for version: UInt32 in [0, 3] {
            let error = snapshotError(snapshotFile(version: version, [Record()]).bytes)
            #expect(error == .unsupportedVersion(version, supported: 1...2))
        }
    }

    @Test(arguments: [Int32(5), 3, -1, Int32.min])
    func badLocationTagNamesTheField(tag: Int32) {
        let error = snapshotError(snapshotFile([Record(location: tag)]).bytes)
        #expect(error == .invalidLocationTag(tag, offset: 24 + 20))
        #expect(error?.description.contains("byte 44") == true)
    }

    @Test func sizeMustEqualDataLength() {
        let error = snapshotError(snapshotFile([Record(size: 8)]).bytes)
        #expect(error == .sizeMismatch(page: PageID(7), size: 8, dataLength: 4, offset: 24 + 28))
        // data_len claims more than size: the mismatch is found before the data is read.
        #expect(
            snapshotError(snapshotFile([Record(dataLength: 0xFFFF_FFFF)]).bytes)
                == .sizeMismatch(page: PageID(7), size: 4, dataLength: 0xFFFF_FFFF, offset: 52))
    }

    @Test func pageSizeMustBeOneByteToOneGiB() {
        #expect(
            snapshotError(snapshotFile([Record(size: 0, data: [])]).bytes)
                == .invalidPageSize(page: PageID(7), size: 0, offset: 32))
        #expect(
            snapshotError(snapshotFile([Record(size: (1 << 30) + 1)]).bytes)
                == .invalidPageSize(page: PageID(7), size: (1 << 30) + 1, offset: 32))
        #expect(
            snapshotError(snapshotFile([Record(size: .max)]).bytes) == .invalidPageSize(page: PageID(7), size: .max, offset: 32))
    }

    @Test func duplicatePageIDsAreRejected() {
        let (bytes, starts) = snapshotFile([Record(id: 7), Record(id: 8), Record(id: 7, data: [5])])
        #expect(snapshotError(bytes) == .duplicatePage(PageID(7), offset: starts[2], firstOffset: starts[0]))
    }

    @Test func trailingBytesAfterTheLastRecordAreRejected() {
        let (bytes, _) = snapshotFile([Record()])
        #expect(snapshotError(bytes + [0, 0]) == .trailingBytes(offset: 60, count: 2))
        // A page_count smaller than the records present leaves the rest as trailing bytes.
        let (two, starts) = snapshotFile(pageCount: 1, [Record(id: 1), Record(id: 2)])
        #expect(snapshotError(two) == .trailingBytes(offset: starts[1], count: two.count - starts[1]))
    }

    @Test func invalidMetadataNamesTheBlobOffset() {
        let blob = hex("01000000 03000000 6B6579 06000000 616263313233") + [0xEE]
        let error = snapshotError(snapshotFile([Record(metadata: blob)]).bytes)
        #expect(error == .invalidMetadata(offset: 24 + 28, .trailingBytes(offset: 21)))
        let badKey = le32(1) + le32(1) + [0xFF] + le32(0)
        #expect(
            snapshotError(snapshotFile([Record(metadata: badKey)]).bytes)
                == .invalidMetadata(offset: 52, .invalidUTF8Key(offset: 8)))
    }

    @Test func hugeLengthsAndCountsExceedTheBytesLeft() {
        let records = [Record(id: 1, metadata: le32(0), data: [1, 2, 3]), Record(id: 2, data: [4])]
        let (bytes, starts) = snapshotFile(records)
        let after = UInt64(bytes.count - 24)
        for count: UInt32 in [.max, 0x7FFF_FFFF, 1000] {
            #expect(
                snapshotError(patch32(bytes, at: 12, count))
                    == .limitExceeded(field: "page_count", value: UInt64(count), limit: after / 32, offset: 12))
        }
        // metadata_len of the first record.
        let metadataLength = starts[0] + 24
        for value: UInt32 in [.max, 0x8000_0000, 100] {
            #expect(
                snapshotError(patch32(bytes, at: metadataLength, value))
                    == .limitExceeded(
                        field: "metadata_len", value: UInt64(value), limit: UInt64(bytes.count - metadataLength - 4),
                        offset: metadataLength))
        }
        // A page of 1 GiB whose data is not there: size and data_len agree, the bytes are missing.
        let big = snapshotFile([Record(size: 1 << 30, dataLength: 1 << 30)]).bytes
        #expect(snapshotError(big) == .limitExceeded(field: "data_len", value: 1 << 30, limit: 4, offset: 52))
    }

    /// Cutting a valid multi-page snapshot at every byte offset throws a typed error naming an offset
    /// no later than the cut.
    @Test func everyPrefixOfAValidSnapshotThrowsATypedError() throws {
        let blob = (["a": [1], "bb": [2, 3]] as PageMetadata).blob
        let (bytes, starts) = snapshotFile(
            logOffset: 99,
            [
                Record(id: 1, metadata: blob, data: [1, 2, 3]),
                Record(id: 2, location: 1, data: Array(repeating: 9, count: 40)),
                Record(id: 3, location: 2, metadata: blob, data: [7]),
            ])
        _ = try LegacySnapshot(bytes: bytes)
        for length in 0..<bytes.count {
            let error = try #require(snapshotError(Array(bytes[0..<length])), "prefix of \(length) bytes parsed")
            let errorOffset = try #require(offset(of: error))
            #expect(errorOffset <= length, "prefix of \(length) bytes: \(error)")
            switch error {
            case .truncated(let offset, let field):
                if length < 24 {
                    #expect(["magic", "version", "page_count", "log_offset"].contains(field))
                } else {
                    let record = try #require(starts.last { $0 <= length })
                    #expect(offset >= record, "prefix of \(length) bytes: \(error)")
                }
            case .limitExceeded(let field, let value, let limit, _):
                #expect(value > limit, "prefix of \(length) bytes: \(error)")
                #expect(["page_count", "metadata_len", "data_len"].contains(field), "prefix of \(length) bytes: \(error)")
            default:
                Issue.record("prefix of \(length) bytes: unexpected \(error)")
            }
        }
    }

    @Test func everySingleByteCorruptionIsTypedOrParses() {
        let (bytes, _) = snapshotFile([
            Record(id: 1, metadata: (["k": [1, 2]] as PageMetadata).blob, data: [1, 2, 3]), Record(id: 2, location: 1, data: [4]),
        ])
        for index in bytes.indices {
            for value: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xFF] {
                var corrupt = bytes
                corrupt[index] = value
                _ = snapshotError(corrupt)
            }
        }
    }
}
