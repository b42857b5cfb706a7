import MMSB

/// The 4 KiB header at the start of every storage another process can open (a disk file, a shared
/// memory object): it names the storage and carries its *generation*, so that a remote reader can
/// tell that the storage it imported is still the same incarnation.
///
/// Layout (little-endian), documented in docs/KV.md:
///
/// | Offset | Size | Field |
/// |---|---|---|
/// | 0 | 8 | magic `MMSBKVS1` |
/// | 8 | 4 | format version (1) |
/// | 12 | 4 | storage kind: 1 disk, 2 shared memory |
/// | 16 | 8 | storage id (random, fixed for the storage's life) |
/// | 24 | 8 | data bytes |
/// | 32 | 8 | data offset (4096) |
/// | 40 | 8 | xxh3-64 of bytes 0..<40 |
/// | 48 | 8 | generation (changes; 0 once the owner closed the storage) |
struct StorageHeader: Equatable, Sendable {
    static let size = 4096
    static let magic: [UInt8] = Array("MMSBKVS1".utf8)
    static let version: UInt32 = 1
    static let generationOffset = 48
    /// The generation a closed storage shows.
    static let closedGeneration: UInt64 = 0

    var kindCode: UInt32
    var storageID: UInt64
    var dataBytes: UInt64
    var generation: UInt64

    /// The header's 56 bytes.
    func encoded() -> [UInt8] {
        var bytes = Self.magic
        bytes.appendLittleEndian(Self.version)
        bytes.appendLittleEndian(kindCode)
        bytes.appendLittleEndian(storageID)
        bytes.appendLittleEndian(dataBytes)
        bytes.appendLittleEndian(UInt64(Self.size))
        bytes.appendLittleEndian(XXH3.hash64(bytes, seed: 0))
        bytes.appendLittleEndian(generation)
        return bytes
    }

    /// Decodes and checks a header read from `source`.
    ///
    /// - Returns: `nil` when the magic, version, checksum or data offset is wrong.
    static func decode(_ bytes: [UInt8]) -> StorageHeader? {
        guard bytes.count >= 56, Array(bytes[0..<8]) == magic else { return nil }
        let checksum = XXH3.hash64(Array(bytes[0..<40]), seed: 0)
        guard bytes.loadLittleEndian(UInt64.self, at: 40) == checksum,
              bytes.loadLittleEndian(UInt32.self, at: 8) == version,
              bytes.loadLittleEndian(UInt64.self, at: 32) == UInt64(size)
        else { return nil }
        return StorageHeader(
            kindCode: bytes.loadLittleEndian(UInt32.self, at: 12),
            storageID: bytes.loadLittleEndian(UInt64.self, at: 16),
            dataBytes: bytes.loadLittleEndian(UInt64.self, at: 24),
            generation: bytes.loadLittleEndian(UInt64.self, at: 48))
    }

    /// A fresh random storage id (never 0).
    static func newStorageID() -> UInt64 {
        var generator = SystemRandomNumberGenerator()
        return UInt64.random(in: 1...UInt64.max, using: &generator)
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// The little-endian `T` at `offset` (callers check the length).
    func loadLittleEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size {
            value |= T(truncatingIfNeeded: self[offset + index]) << (8 * index)
        }
        return value
    }
}
