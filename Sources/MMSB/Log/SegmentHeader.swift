/// The 64-byte header that starts every log segment file.
///
/// | Offset | Bytes | Field |
/// |---|---|---|
/// | 0 | 8 | magic `MMSBWAL\0` |
/// | 8 | 2 | format major |
/// | 10 | 2 | format minor |
/// | 12 | 4 | header size (64) |
/// | 16 | 16 | store id (high, low) |
/// | 32 | 8 | base LSN: the LSN of the segment's first record |
/// | 40 | 8 | first delta id: the id of the first delta in the segment |
/// | 48 | 8 | base timestamp: record timestamps are deltas from it |
/// | 56 | 4 | salt, derived from store id and base LSN, seeding every record CRC |
/// | 60 | 4 | CRC32C of bytes 0 ..< 60 |
struct SegmentHeader: Equatable {
    static let size = 64
    static let magic: [UInt8] = Array("MMSBWAL".utf8) + [0]

    var store: StoreID
    var baseLSN: UInt64
    var firstDeltaID: UInt64
    var baseTimestamp: UInt64

    /// The salt of a segment: records from another segment or store fail their CRC even when their
    /// bytes are otherwise valid. Derived, not random, so equal calls give byte-identical logs.
    var salt: UInt32 {
        var seed = ByteWriter(capacity: 24)
        seed.uint64(store.high)
        seed.uint64(store.low)
        seed.uint64(baseLSN)
        return seed.bytes.withUnsafeBytes { CRC32C.checksum($0) }
    }

    func encoded() -> [UInt8] {
        var out = ByteWriter(capacity: Self.size)
        out.append(Self.magic)
        out.uint16(StoreFormat.major)
        out.uint16(StoreFormat.minor)
        out.uint32(UInt32(Self.size))
        out.uint64(store.high)
        out.uint64(store.low)
        out.uint64(baseLSN)
        out.uint64(firstDeltaID)
        out.uint64(baseTimestamp)
        out.uint32(salt)
        let crc = out.bytes.withUnsafeBytes { CRC32C.checksum($0) }
        out.uint32(crc)
        return out.bytes
    }

    /// Decodes and checks a header: magic, version, size, CRC, salt, and (when given) the store.
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, store expected: StoreID?) throws(LogError) -> SegmentHeader {
        guard bytes.count >= size else {
            throw .corrupt(file: file, offset: bytes.count, reason: "segment header truncated: \(bytes.count) of \(size) bytes")
        }
        guard bytes.prefix(8).elementsEqual(magic) else { throw .badMagic(file: file, offset: 0) }
        var reader = ByteReader(bytes, from: 8, to: size)
        do {
            // The CRC first: a flipped version byte is damage, not a newer format.
            let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<60]))
            guard crc == bytes.loadUnaligned(fromByteOffset: 60, as: UInt32.self).littleEndian else {
                throw LogError.corrupt(file: file, offset: 60, reason: "segment header checksum mismatch")
            }
            let major = try reader.fixed(UInt16.self, "major")
            let minor = try reader.fixed(UInt16.self, "minor")
            guard major <= StoreFormat.major else { throw LogError.unsupportedVersion(file: file, major: major, minor: minor) }
            let headerSize = try reader.fixed(UInt32.self, "header size")
            guard headerSize == size else {
                throw LogError.corrupt(file: file, offset: 12, reason: "segment header size \(headerSize), expected \(size)")
            }
            let header = SegmentHeader(
                store: StoreID(high: try reader.fixed(UInt64.self, "store"), low: try reader.fixed(UInt64.self, "store")),
                baseLSN: try reader.fixed(UInt64.self, "base LSN"),
                firstDeltaID: try reader.fixed(UInt64.self, "first delta id"),
                baseTimestamp: try reader.fixed(UInt64.self, "base timestamp"))
            if let expected, header.store != expected { throw LogError.foreignFile(file: file) }
            guard try reader.fixed(UInt32.self, "salt") == header.salt else {
                throw LogError.corrupt(file: file, offset: 56, reason: "segment salt does not match its store and base LSN")
            }
            guard header.baseLSN > 0, header.baseLSN <= LogLimits.maximumLSN else {
                throw LogError.corrupt(file: file, offset: 32, reason: "base LSN \(header.baseLSN) out of range")
            }
            guard header.firstDeltaID > 0, header.firstDeltaID <= LogLimits.maximumDeltaID else {
                throw LogError.corrupt(file: file, offset: 40, reason: "first delta id \(header.firstDeltaID) out of range")
            }
            return header
        } catch let error as LogError {
            throw error
        } catch {
            throw .corrupt(file: file, offset: 8, reason: "segment header unreadable")
        }
    }
}
