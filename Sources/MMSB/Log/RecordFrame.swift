/// The framing of one record inside a segment:
///
/// | Field | Bytes | Meaning |
/// |---|---|---|
/// | crc | 4 | masked CRC32C, seeded with the segment salt, of every byte after it up to the record's end |
/// | length | varint (1–5) | bytes of type, LSN delta, timestamp delta and body |
/// | type | 1 | ``RecordType`` |
/// | lsnDelta | varint | LSN − the segment's base LSN |
/// | timestampDelta | zig-zag varint | timestamp − the previous record's (the first: − the header's base) |
/// | body | … | the record's body, decoded strictly (see ``LogRecord/Body``) |
///
/// A segment's records end where its file ends; the writer never preallocates or pads.
enum RecordFrame {
    /// The smallest possible record: crc 4, length 1, type 1, LSN delta 1, timestamp delta 1.
    static let minimumBytes = 8

    /// Appends `body` as a framed record.
    static func encode(
        _ type: RecordType, lsn: UInt64, timestamp: UInt64, header: SegmentHeader, previousTimestamp: UInt64,
        salt: UInt32, scratch: inout ByteWriter, into out: inout ByteWriter, body: (inout ByteWriter) -> Void
    ) throws(LogError) {
        scratch.bytes.removeAll(keepingCapacity: true)
        scratch.uint8(type.rawValue)
        scratch.varint(lsn - header.baseLSN)
        scratch.zigzag(Int64(bitPattern: timestamp &- previousTimestamp))
        body(&scratch)
        guard scratch.count <= LogLimits.maximumRecordBytes else {
            throw .recordTooLarge(bytes: scratch.count, limit: LogLimits.maximumRecordBytes)
        }
        let start = out.count
        out.uint32(0)
        out.varint(scratch.count)
        out.append(scratch.bytes)
        let crc = out.bytes.withUnsafeBytes { all in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[(start + 4)...]), extending: salt)
        }
        out.bytes.withUnsafeMutableBytes { $0.storeBytes(of: CRC32C.mask(crc).littleEndian, toByteOffset: start, as: UInt32.self) }
    }

    /// Appends `body` as a framed record.
    static func encode(
        _ body: LogRecord.Body, lsn: UInt64, timestamp: UInt64, header: SegmentHeader, previousTimestamp: UInt64,
        salt: UInt32, scratch: inout ByteWriter, into out: inout ByteWriter
    ) throws(LogError) {
        try encode(
            RecordType(body), lsn: lsn, timestamp: timestamp, header: header, previousTimestamp: previousTimestamp,
            salt: salt, scratch: &scratch, into: &out) { body.encode(into: &$0) }
    }

    /// What the bytes at an offset hold.
    enum Outcome {
        /// A valid record, and the offset just after it.
        case record(LogRecord, next: Int)
        /// Zero fill or the end of the file: no more records.
        case end
        /// Bytes that are not a valid record here, with the offset and the reason.
        case invalid(offset: Int, reason: String)
    }

    /// A checked frame: its CRC, length, type and LSN are valid; its body is not decoded yet.
    struct Frame {
        var type: RecordType
        var lsn: UInt64
        var timestamp: UInt64
        /// The body's bytes, `[bodyStart, end)` of the segment.
        var bodyStart: Int
        var end: Int
    }

    /// What the bytes at an offset hold, before the body is decoded.
    enum FrameOutcome {
        case frame(Frame)
        case end
        case invalid(offset: Int, reason: String)
    }

    /// Checks the frame at `offset` of a segment's bytes, expecting LSN `expectedLSN`.
    static func readFrame(
        _ segment: UnsafeRawBufferPointer, at offset: Int, header: SegmentHeader, salt: UInt32,
        expectedLSN: UInt64, previousTimestamp: UInt64
    ) -> FrameOutcome {
        let remaining = segment.count - offset
        if remaining == 0 { return .end }
        // The writer never preallocates or pads: any byte after the last whole record, zero or not, is
        // the unfinished end of a write (a file system may keep the size of a write but not its data).
        if remaining < minimumBytes { return .invalid(offset: offset, reason: "a partial record of \(remaining) bytes") }
        if segment.loadUnaligned(fromByteOffset: offset, as: UInt32.self) == 0, segment[offset + 4] == 0 {
            let rest = UnsafeRawBufferPointer(rebasing: segment[offset...])
            return .invalid(
                offset: offset,
                reason: rest.allSatisfy({ $0 == 0 })
                    ? "\(remaining) zero bytes after the last record (written space whose data never reached the disk)"
                    : "zero bytes where a record should start, with data after them")
        }
        var reader = ByteReader(segment, from: offset + 4)
        do {
            let lengthOffset = reader.position
            let length = try reader.count("record length", limit: LogLimits.maximumRecordBytes)
            // Checked after the varint is consumed: the record must fit in what is left of the file.
            guard length <= reader.remaining else {
                return .invalid(offset: lengthOffset, reason: "a record of \(length) bytes runs past the end of the file")
            }
            let end = reader.position + length
            let stored = CRC32C.unmask(UInt32(littleEndian: segment.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: segment[(offset + 4)..<end]), extending: salt)
            guard stored == computed else { return .invalid(offset: offset, reason: "record checksum mismatch") }
            var body = ByteReader(segment, from: reader.position, to: end)
            let typeOffset = body.position
            let rawType = try body.uint8("record type")
            guard let type = RecordType(rawValue: rawType) else {
                return .invalid(offset: typeOffset, reason: "unknown record type \(rawType)")
            }
            let lsnOffset = body.position
            let lsn = header.baseLSN &+ (try body.varint("LSN delta"))
            guard lsn == expectedLSN else {
                return .invalid(offset: lsnOffset, reason: "record LSN \(lsn), expected \(expectedLSN)")
            }
            let timestamp = previousTimestamp &+ UInt64(bitPattern: try body.zigzag("timestamp delta"))
            return .frame(Frame(type: type, lsn: lsn, timestamp: timestamp, bodyStart: body.position, end: end))
        } catch {
            return .invalid(offset: error.offset, reason: error.reason)
        }
    }

    /// Decodes a checked frame's body into a record; deltas get ids from `nextDeltaID`, which advances.
    static func decodeBody(_ frame: Frame, in segment: UnsafeRawBufferPointer, nextDeltaID: inout UInt64) -> Outcome {
        var body = ByteReader(segment, from: frame.bodyStart, to: frame.end)
        do {
            var deltaID = nextDeltaID
            let decoded = try LogRecord.Body.decode(type: frame.type, from: &body, timestamp: frame.timestamp, nextDeltaID: &deltaID)
            guard body.isAtEnd else {
                return .invalid(offset: body.position, reason: "\(body.remaining) unexpected bytes after the record body")
            }
            nextDeltaID = deltaID
            return .record(LogRecord(lsn: LSN(frame.lsn), timestamp: frame.timestamp, body: decoded), next: frame.end)
        } catch {
            return .invalid(offset: error.offset, reason: error.reason)
        }
    }

    /// Reads the record at `offset` of a segment's bytes, expecting LSN `expectedLSN`.
    static func decode(
        _ segment: UnsafeRawBufferPointer, at offset: Int, header: SegmentHeader, salt: UInt32,
        expectedLSN: UInt64, previousTimestamp: UInt64, nextDeltaID: inout UInt64
    ) -> Outcome {
        switch readFrame(segment, at: offset, header: header, salt: salt, expectedLSN: expectedLSN, previousTimestamp: previousTimestamp) {
        case .end: return .end
        case .invalid(let offset, let reason): return .invalid(offset: offset, reason: reason)
        case .frame(let frame): return decodeBody(frame, in: segment, nextDeltaID: &nextDeltaID)
        }
    }
}
