#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The store's root record: its identity, format, which log segments and checkpoint are live, and
/// where the log ended when the store was last closed cleanly.
///
/// `MANIFEST` holds two slots, A at offset 0 and B at 4,096. Format 1.1 slots are 72 bytes:
///
/// | Offset | Bytes | Field |
/// |---|---|---|
/// | 0 | 8 | magic `MMSBMAN\0` |
/// | 8 | 2 | format major |
/// | 10 | 2 | format minor |
/// | 12 | 4 | slot size (72) |
/// | 16 | 16 | store id |
/// | 32 | 8 | generation |
/// | 40 | 8 | base LSN of the first live segment |
/// | 48 | 8 | LSN covered by the live checkpoint (0: none) |
/// | 56 | 8 | clean end: the last LSN of the log when the store was closed cleanly (0: not since the last writable open) |
/// | 64 | 4 | flags (0) |
/// | 68 | 4 | CRC32C of bytes 0 ..< 68 |
///
/// Format 1.0 slots (64 bytes: flags at 56, CRC of 0 ..< 60 at 60, no clean end) are still read.
/// An update writes generation + 1 into the slot not holding the current generation and syncs it, so a
/// torn update leaves the other slot valid (LMDB's meta pages). Open takes the valid slot with the
/// highest generation.
struct Manifest: Equatable {
    static let fileName = "MANIFEST"
    static let magic: [UInt8] = Array("MMSBMAN".utf8) + [0]
    /// The size of the slots this build writes.
    static let slotSize = 72
    /// The size of format 1.0 slots.
    static let legacySlotSize = 64
    static let slotStride = 4_096

    var store: StoreID
    var generation: UInt64
    var firstLiveSegmentLSN: UInt64
    var checkpointLSN: UInt64
    /// The last LSN of the log when the store was last closed cleanly, 0 when it was not closed
    /// cleanly since its last writable open. Recovery then requires the log to reach it intact:
    /// damage at or before it is corruption, not a torn tail.
    var cleanEndLSN: UInt64 = 0

    func encoded() -> [UInt8] {
        var out = ByteWriter(capacity: Self.slotSize)
        out.append(Self.magic)
        out.uint16(StoreFormat.major)
        out.uint16(StoreFormat.minor)
        out.uint32(UInt32(Self.slotSize))
        out.uint64(store.high)
        out.uint64(store.low)
        out.uint64(generation)
        out.uint64(firstLiveSegmentLSN)
        out.uint64(checkpointLSN)
        out.uint64(cleanEndLSN)
        out.uint32(0)
        out.uint32(out.bytes.withUnsafeBytes { CRC32C.checksum($0) })
        return out.bytes
    }

    /// Decodes one slot (format 1.1, or 1.0); `nil` when the slot is not a valid manifest slot (torn,
    /// zero, or corrupt).
    /// - Throws: ``LogError/unsupportedVersion(file:major:minor:)`` for a valid slot of a newer format.
    static func decodeSlot(_ bytes: UnsafeRawBufferPointer, file: String) throws(LogError) -> Manifest? {
        guard bytes.count >= legacySlotSize, bytes.prefix(8).elementsEqual(magic) else { return nil }
        let word = { (offset: Int) in UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        let field = { (offset: Int) in UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        let size = Int(word(12))
        guard size == slotSize || size == legacySlotSize, bytes.count >= size else { return nil }
        let checked = size - 4
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<checked])) == word(checked) else { return nil }
        let major = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        let minor = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 10, as: UInt16.self))
        guard major <= StoreFormat.major else { throw .unsupportedVersion(file: file, major: major, minor: minor) }
        let cleanEnd = size == slotSize ? field(56) : 0
        guard word(checked - 4) == 0, (1...LogLimits.maximumLSN).contains(field(40)), field(48) <= LogLimits.maximumLSN,
              cleanEnd <= LogLimits.maximumLSN
        else { return nil }
        return Manifest(
            store: StoreID(high: field(16), low: field(24)), generation: field(32),
            firstLiveSegmentLSN: field(40), checkpointLSN: field(48), cleanEndLSN: cleanEnd)
    }

    /// Reads the manifest of the store in `directory`.
    ///
    /// - Throws: ``LogError/corrupt(file:offset:reason:)`` when neither slot is valid.
    static func read(directory: String) throws(LogError) -> Manifest {
        let path = directory + "/" + fileName
        let file = try PosixFile.open(path, flags: O_RDONLY)
        let bytes = try file.read(count: slotStride + slotSize, at: 0)
        var best: Manifest?
        // A format 1.0 file ends 64 bytes into its second slot: read what is there, and let the slot's
        // own size field say how much it needs.
        for slot in 0..<2 where bytes.count >= slot * slotStride + legacySlotSize {
            let start = slot * slotStride
            let slotBytes = Array(bytes[start..<min(start + slotSize, bytes.count)])
            let decoded = try slotBytes.withUnsafeBytes { (all) -> Result<Manifest?, LogError> in
                do throws(LogError) { return .success(try decodeSlot(all, file: path)) } catch { return .failure(error) }
            }.get()
            if let decoded, decoded.generation >= (best?.generation ?? 0) { best = decoded }
        }
        guard let best else { throw .corrupt(file: path, offset: 0, reason: "neither manifest slot is valid") }
        return best
    }

    /// Creates `MANIFEST` with this content in slot A and the same at generation − 1 in slot B.
    ///
    /// The file is written as `MANIFEST.tmp`, synced, and renamed into place, then the directory is
    /// synced: a crash leaves either no manifest (an unfinished creation, which the next open redoes)
    /// or a complete one.
    func create(directory: String) throws(LogError) {
        let path = directory + "/" + Self.fileName
        let temporary = path + ".tmp"
        let file = try PosixFile.open(temporary, flags: O_CREAT | O_TRUNC | O_WRONLY)
        var older = self
        older.generation = generation - 1
        try file.write(encoded(), at: 0)
        try file.write(older.encoded(), at: Self.slotStride)
        try file.synchronize()
        try FileSystem.rename(temporary, to: path)
        try FileSystem.synchronizeDirectory(directory)
    }

    /// Writes this manifest (whose generation must be the current one + 1) into its slot and syncs it.
    func update(directory: String) throws(LogError) {
        let file = try PosixFile.open(directory + "/" + Self.fileName, flags: O_WRONLY)
        let offset = Int(generation % 2) == 1 ? 0 : Self.slotStride
        try file.write(encoded(), at: offset)
        try file.synchronizeData()
    }
}
