/// Entry points for the coverage-guided fuzz targets in `Fuzz/` (libFuzzer): each runs one of the log's
/// internal parsers on arbitrary bytes, exactly as recovery does, and checks what decodes with a
/// round-trip or differential oracle.
///
/// Not part of the library's API: reachable only with `@_spi(Fuzzing) import MMSB`. Nothing here prints,
/// traps or touches the file system; a mismatch found by an oracle is returned in ``Outcome/mismatch``
/// for the fuzz target to turn into a crash.
///
/// Checksums wall fuzzers off, so every entry point that meets a CRC takes `fixChecksums`: when set, it
/// works on a copy of the input in which each checksum (segment header salt and CRC, manifest slot CRC,
/// the masked CRC of each record just before it is read) has been recomputed, so mutations reach the
/// decoders behind the checks.
@_spi(Fuzzing) public enum FuzzEntryPoints {
    /// What one input did.
    public struct Outcome: Sendable, Equatable {
        /// Structures that decoded (headers, slots or records).
        public var decoded = 0
        /// Set when an oracle saw decoded values that disagree: a bug even though nothing trapped.
        public var mismatch: String?

        public init() {}
    }

    /// The largest page the replay entry point creates; larger `pageCreated` records end the scan, so
    /// one input never asks for much memory.
    public static let replayPageLimit = 1 << 16

    // MARK: - Segment header

    /// Decodes `input` as a segment header; when it decodes, checks that re-encoding decodes to the same.
    public static func segmentHeader(_ input: UnsafeRawBufferPointer, fixChecksums: Bool) -> Outcome {
        var bytes = Array(input)
        if fixChecksums { fixSegmentHeader(&bytes) }
        var outcome = Outcome()
        guard let header = decodeHeader(bytes) else { return outcome }
        outcome.decoded = 1
        if decodeHeader(header.encoded()) != header { outcome.mismatch = "segment header round trip differs: \(header)" }
        return outcome
    }

    // MARK: - Manifest slot

    /// Decodes `input` as a manifest slot; when it decodes, checks that re-encoding decodes to the same.
    public static func manifestSlot(_ input: UnsafeRawBufferPointer, fixChecksums: Bool) -> Outcome {
        var bytes = Array(input)
        if fixChecksums, bytes.count >= Manifest.legacySlotSize {
            // The slot says its size (72 in format 1.1, 64 in 1.0); its CRC covers all but its last 4 bytes.
            let size = Int(bytes[12]) | Int(bytes[13]) << 8
            let slot = size == Manifest.legacySlotSize || bytes.count < Manifest.slotSize ? Manifest.legacySlotSize : Manifest.slotSize
            storeCRC(&bytes, over: 0..<(slot - 4), at: slot - 4)
        }
        var outcome = Outcome()
        guard let slot = decodeSlot(bytes) else { return outcome }
        outcome.decoded = 1
        if decodeSlot(slot.encoded()) != slot { outcome.mismatch = "manifest slot round trip differs: \(slot)" }
        return outcome
    }

    // MARK: - Records

    /// The header records are read against in ``records(_:fixChecksums:)`` and ``replay(_:fixChecksums:)``:
    /// base LSN 1, first delta id 1, base timestamp 0.
    static let recordHeader = SegmentHeader(
        store: StoreID(high: 0x4D4D_5342_4655_5A5A, low: 1), baseLSN: 1, firstDeltaID: 1, baseTimestamp: 0)

    /// Reads `input` as the records of a segment (no header) whose header is ``recordHeader``, record by
    /// record as recovery does, until the end of data or the first invalid record. Each decoded record
    /// must survive encode → decode unchanged.
    public static func records(_ input: UnsafeRawBufferPointer, fixChecksums: Bool) -> Outcome {
        var bytes = Array(input)
        return scanRecords(&bytes, from: 0, header: recordHeader, fixChecksums: fixChecksums)
    }

    /// Reads `input` as a whole segment file: the 64-byte header (store not checked), then its records
    /// as ``records(_:fixChecksums:)`` does.
    public static func segment(_ input: UnsafeRawBufferPointer, fixChecksums: Bool) -> Outcome {
        var bytes = Array(input)
        if fixChecksums { fixSegmentHeader(&bytes) }
        guard let header = decodeHeader(bytes) else { return Outcome() }
        var outcome = scanRecords(
            &bytes, from: SegmentHeader.size, header: header, fixChecksums: fixChecksums)
        outcome.decoded += 1
        return outcome
    }

    /// Replays `input`, read as in ``records(_:fixChecksums:)``, into two in-memory buses as recovery does:
    /// deltas records through the fast path (``StateBus/replayDeltas(_:bodyStart:end:firstDeltaID:)``,
    /// straight from the bytes) on one and decoded into ``Delta`` values (``StateBus/replay(_:)``) on the
    /// other. Both must accept or refuse the same records and end with the same pages.
    public static func replay(_ input: UnsafeRawBufferPointer, fixChecksums: Bool) -> Outcome {
        var bytes = Array(input)
        let header = recordHeader
        let salt = header.salt
        let fast = StateBus()
        let slow = StateBus()
        fast.beginReplay()
        slow.beginReplay()
        var outcome = Outcome()
        var offset = 0
        var expectedLSN = header.baseLSN
        var previousTimestamp = header.baseTimestamp
        var nextDeltaID = header.firstDeltaID
        scan: while true {
            if fixChecksums { fixRecord(&bytes, at: offset, salt: salt) }
            let step = bytes.withUnsafeBytes { (segment) -> ReplayStep in
                let frame: RecordFrame.Frame
                switch RecordFrame.readFrame(
                    segment, at: offset, header: header, salt: salt, expectedLSN: expectedLSN, previousTimestamp: previousTimestamp)
                {
                case .end, .invalid: return .stop
                case .frame(let checked): frame = checked
                }
                var slowDeltaID = nextDeltaID
                let decoded = RecordFrame.decodeBody(frame, in: segment, nextDeltaID: &slowDeltaID)
                if frame.type == .deltas {
                    let fastResult: Int?
                    do {
                        fastResult = try fast.replayDeltas(segment, bodyStart: frame.bodyStart, end: frame.end, firstDeltaID: nextDeltaID)
                    } catch {
                        fastResult = nil
                    }
                    var slowResult: Int?
                    if case .record(let record, _) = decoded, case .deltas(let deltas) = record.body {
                        do {
                            try slow.replay(record)
                            slowResult = deltas.count
                        } catch {
                            slowResult = nil
                        }
                    }
                    guard fastResult == slowResult else {
                        return .mismatch("replay of deltas record \(frame.lsn): fast path applied \(fastResult.map(String.init) ?? "nothing"), "
                            + "decoded path applied \(slowResult.map(String.init) ?? "nothing")")
                    }
                    guard let applied = fastResult else { return .stop }
                    nextDeltaID += UInt64(applied)
                } else {
                    guard case .record(let record, _) = decoded else { return .stop }
                    if case .pageCreated(_, let size, _, _) = record.body, size > replayPageLimit { return .stop }
                    let fastOK = (try? fast.replay(record)) != nil
                    let slowOK = (try? slow.replay(record)) != nil
                    guard fastOK == slowOK else { return .mismatch("replay of record \(frame.lsn) succeeded on one bus only") }
                    guard fastOK else { return .stop }
                }
                outcome.decoded += 1
                expectedLSN += 1
                previousTimestamp = frame.timestamp
                offset = frame.end
                return .next
            }
            switch step {
            case .next: continue scan
            case .stop: break scan
            case .mismatch(let mismatch):
                outcome.mismatch = mismatch
                return outcome
            }
        }
        if let difference = difference(fast, slow) { outcome.mismatch = difference }
        return outcome
    }

    /// Re-encodes the records of a segment file under ``recordHeader``, for seed inputs of
    /// ``records(_:fixChecksums:)`` and ``replay(_:fixChecksums:)`` whose checksums are already right.
    /// Stops at the first record that does not decode.
    public static func reframedRecords(ofSegment input: UnsafeRawBufferPointer) -> [UInt8] {
        let bytes = Array(input)
        guard let header = decodeHeader(bytes) else { return [] }
        var records: [LogRecord] = []
        bytes.withUnsafeBytes { segment in
            var offset = SegmentHeader.size
            var expectedLSN = header.baseLSN
            var previousTimestamp = header.baseTimestamp
            var nextDeltaID = header.firstDeltaID
            while case .record(let record, let next) = RecordFrame.decode(
                segment, at: offset, header: header, salt: header.salt, expectedLSN: expectedLSN,
                previousTimestamp: previousTimestamp, nextDeltaID: &nextDeltaID)
            {
                records.append(record)
                expectedLSN += 1
                previousTimestamp = record.timestamp
                offset = next
            }
        }
        var out = ByteWriter()
        var scratch = ByteWriter()
        var previousTimestamp = recordHeader.baseTimestamp
        for (index, record) in records.enumerated() {
            do {
                try RecordFrame.encode(
                    record.body, lsn: recordHeader.baseLSN + UInt64(index), timestamp: record.timestamp, header: recordHeader,
                    previousTimestamp: previousTimestamp, salt: recordHeader.salt, scratch: &scratch, into: &out)
            } catch {
                break
            }
            previousTimestamp = record.timestamp
        }
        return out.bytes
    }

    // MARK: - Helpers

    /// What replaying one record did.
    private enum ReplayStep {
        case next
        case stop
        case mismatch(String)
    }

    private static func decodeHeader(_ bytes: [UInt8]) -> SegmentHeader? {
        bytes.withUnsafeBytes { raw in
            do throws(LogError) { return try SegmentHeader.decode(raw, file: "fuzz", store: nil) } catch { return nil }
        }
    }

    private static func decodeSlot(_ bytes: [UInt8]) -> Manifest? {
        bytes.withUnsafeBytes { raw in
            do throws(LogError) { return try Manifest.decodeSlot(raw, file: "fuzz") } catch { return nil }
        }
    }

    /// Stores the CRC32C of `range` little-endian at `offset`.
    private static func storeCRC(_ bytes: inout [UInt8], over range: Range<Int>, at offset: Int) {
        bytes.withUnsafeMutableBytes { raw in
            let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[range]))
            raw.storeBytes(of: crc.littleEndian, toByteOffset: offset, as: UInt32.self)
        }
    }

    /// Recomputes a segment header's salt (from its store id and base LSN) and CRC.
    private static func fixSegmentHeader(_ bytes: inout [UInt8]) {
        guard bytes.count >= SegmentHeader.size else { return }
        storeCRC(&bytes, over: 16..<40, at: 56)
        storeCRC(&bytes, over: 0..<60, at: 60)
    }

    /// Recomputes the masked CRC of the record at `offset` when its length field is readable and fits.
    /// Leaves end-of-data markers (a zero length) alone.
    private static func fixRecord(_ bytes: inout [UInt8], at offset: Int, salt: UInt32) {
        guard offset >= 0, bytes.count - offset >= RecordFrame.minimumBytes else { return }
        bytes.withUnsafeMutableBytes { raw in
            let view = UnsafeRawBufferPointer(raw)
            var reader = ByteReader(view, from: offset + 4)
            let length: Int
            do throws(DecodeFailure) {
                length = try reader.count("record length", limit: min(LogLimits.maximumRecordBytes, reader.remaining))
            } catch {
                return
            }
            // The limit above counts the length field's own bytes: check the end against the buffer again.
            let end = reader.position + length
            guard length > 0, end <= view.count else { return }
            let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: view[(offset + 4)..<end]), extending: salt)
            raw.storeBytes(of: CRC32C.mask(crc).littleEndian, toByteOffset: offset, as: UInt32.self)
        }
    }

    /// Reads records from `start` as recovery does; each decoded record must survive encode → decode.
    private static func scanRecords(
        _ bytes: inout [UInt8], from start: Int, header: SegmentHeader, fixChecksums: Bool
    ) -> Outcome {
        let salt = header.salt
        var outcome = Outcome()
        var offset = start
        var expectedLSN = header.baseLSN
        var previousTimestamp = header.baseTimestamp
        var nextDeltaID = header.firstDeltaID
        while true {
            if fixChecksums { fixRecord(&bytes, at: offset, salt: salt) }
            let before = nextDeltaID
            let result = bytes.withUnsafeBytes { segment in
                RecordFrame.decode(
                    segment, at: offset, header: header, salt: salt, expectedLSN: expectedLSN,
                    previousTimestamp: previousTimestamp, nextDeltaID: &nextDeltaID)
            }
            guard case .record(let record, let next) = result else { return outcome }
            outcome.decoded += 1
            if let mismatch = roundTrip(record, header: header, salt: salt, previousTimestamp: previousTimestamp, nextDeltaID: before) {
                outcome.mismatch = mismatch
                return outcome
            }
            // Recovery's `expectedLSN += 1` would trap here; the LSN space is used up, so stop (see the README).
            guard expectedLSN < UInt64.max else { return outcome }
            expectedLSN += 1
            previousTimestamp = record.timestamp
            offset = next
        }
    }

    /// Encodes `record` as it would be written after `previousTimestamp` and decodes it again.
    private static func roundTrip(
        _ record: LogRecord, header: SegmentHeader, salt: UInt32, previousTimestamp: UInt64, nextDeltaID: UInt64
    ) -> String? {
        var out = ByteWriter()
        var scratch = ByteWriter()
        do throws(LogError) {
            try RecordFrame.encode(
                record.body, lsn: record.lsn.rawValue, timestamp: record.timestamp, header: header,
                previousTimestamp: previousTimestamp, salt: salt, scratch: &scratch, into: &out)
        } catch {
            return "record \(record.lsn) decodes but does not encode: \(error)"
        }
        var deltaID = nextDeltaID
        let again = out.bytes.withUnsafeBytes { segment in
            RecordFrame.decode(
                segment, at: 0, header: header, salt: salt, expectedLSN: record.lsn.rawValue,
                previousTimestamp: previousTimestamp, nextDeltaID: &deltaID)
        }
        guard case .record(let decoded, let next) = again, next == out.count, decoded == record else {
            return "record \(record.lsn) differs after encode → decode: \(record.body)"
        }
        return nil
    }

    /// How the pages of two buses differ, if they do.
    private static func difference(_ first: StateBus, _ second: StateBus) -> String? {
        let pages = first.pages()
        guard pages == second.pages() else { return "replayed buses hold different pages" }
        guard first.nextDeltaID == second.nextDeltaID else { return "replayed buses differ in their next delta id" }
        for page in pages {
            guard let one = try? first.read(page: page.id), let other = try? second.read(page: page.id), one == other else {
                return "replayed buses differ in the bytes of page \(page.id)"
            }
        }
        return nil
    }
}
