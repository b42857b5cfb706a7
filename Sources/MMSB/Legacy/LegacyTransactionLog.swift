/// A transaction log written by the original system (`MMSBLOG1`, versions 1 and 2; spec §6.1).
///
/// The file is a 12-byte header, the magic `MMSBLOG1` and a `u32` version, followed by one frame per
/// delta with no length prefix or checksum (all integers little-endian):
///
/// | Field | Type |
/// |---|---|
/// | delta_id | u64 |
/// | page_id | u64 |
/// | epoch | u32 |
/// | mask_len, mask | u32, one byte per entry (nonzero is true) |
/// | payload_len, payload | u32, bytes |
/// | is_sparse | u8 (nonzero is true) |
/// | timestamp | u64 |
/// | source_len, source | u32, UTF-8 |
/// | metadata_len, metadata | u32, UTF-8 — version 2 only |
///
/// Reading is stricter than the original's reader, which stopped silently at a torn tail: the log
/// ends only at a frame boundary, and a frame cut after its first byte throws
/// ``LegacyFormatError/truncated(offset:field:)`` (or ``LegacyFormatError/limitExceeded(field:value:limit:offset:)``
/// when a length announces more bytes than are left). Every length is checked against the bytes left
/// before anything is allocated.
///
/// Frames are kept as the original wrote them; ``LegacyLogEntry/delta()`` turns one into a ``Delta``.
public struct LegacyTransactionLog: Equatable, Sendable {
    /// The file's first 8 bytes: `MMSBLOG1`.
    public static let magic: [UInt8] = Array("MMSBLOG1".utf8)
    /// The versions this reader accepts.
    public static let supportedVersions: ClosedRange<UInt32> = 1...2
    /// The header's size in bytes.
    public static let headerSize = 12

    /// The header's version: 1 (no intent metadata) or 2.
    public let version: UInt32
    /// The frames, in file order.
    public let entries: [LegacyLogEntry]

    /// Parses a whole log file.
    ///
    /// - Throws: ``LegacyFormatError`` naming the byte offset of the first fault; nothing is returned
    ///   for a partly valid file.
    public init(bytes: [UInt8]) throws(LegacyFormatError) {
        var reader = LegacyByteReader(bytes)
        let version = try reader.header(magic: Self.magic, versions: Self.supportedVersions)
        var entries: [LegacyLogEntry] = []
        while !reader.isAtEnd {
            entries.append(try Self.frame(from: &reader, version: version))
        }
        self.version = version
        self.entries = entries
    }

    /// The frames as deltas, in order, leaving out frames that write nothing (see
    /// ``LegacyLogEntry/deltaIfNonEmpty()``); `skippedEmptyFrames` counts those.
    ///
    /// - Throws: ``LegacyFormatError/invalidDelta(offset:_:)`` for the first frame that is not a valid delta.
    public func deltas() throws(LegacyFormatError) -> (deltas: [Delta], skippedEmptyFrames: Int) {
        var deltas: [Delta] = []
        deltas.reserveCapacity(entries.count)
        var skipped = 0
        for entry in entries {
            if let delta = try entry.deltaIfNonEmpty() {
                deltas.append(delta)
            } else {
                skipped += 1
            }
        }
        return (deltas, skipped)
    }

    private static func frame(from reader: inout LegacyByteReader, version: UInt32) throws(LegacyFormatError) -> LegacyLogEntry {
        let start = reader.offset
        let deltaID = try reader.uint64("delta_id")
        let pageID = try reader.uint64("page_id")
        let epoch = try reader.uint32("epoch")
        let mask = try reader.lengthPrefixed("mask_len").map { $0 != 0 }
        let payload = Array(try reader.lengthPrefixed("payload_len"))
        let isSparse = try reader.uint8("is_sparse") != 0
        let timestamp = try reader.uint64("timestamp")
        let source = String(decoding: try reader.lengthPrefixed("source_len"), as: UTF8.self)
        var intent: String?
        if version >= 2 {
            let metadata = try reader.lengthPrefixed("metadata_len")
            if !metadata.isEmpty { intent = String(decoding: metadata, as: UTF8.self) }
        }
        return LegacyLogEntry(
            offset: start, deltaID: deltaID, pageID: pageID, epoch: epoch, mask: mask, payload: payload,
            isSparse: isSparse, timestamp: timestamp, source: source, intentMetadata: intent)
    }
}
