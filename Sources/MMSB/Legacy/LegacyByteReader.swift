/// A cursor over a file's bytes that reads the original's little-endian fields, naming the field and
/// its byte offset in every error.
struct LegacyByteReader {
    let bytes: [UInt8]
    /// The next byte to read.
    private(set) var offset: Int = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Bytes not yet read.
    var remaining: Int { bytes.count - offset }
    /// Whether every byte has been read.
    var isAtEnd: Bool { offset == bytes.count }

    /// Checks an 8-byte magic at the start of the file.
    ///
    /// A file shorter than the magic whose bytes agree with it is truncated; any other difference is a
    /// bad magic.
    mutating func expectMagic(_ magic: [UInt8]) throws(LegacyFormatError) {
        let available = min(remaining, magic.count)
        let found = Array(bytes[offset..<(offset + available)])
        guard found == Array(magic[0..<available]) else { throw .badMagic(found: found, expected: magic) }
        guard available == magic.count else { throw .truncated(offset: offset, field: "magic") }
        offset += magic.count
    }

    /// Reads a file header: `magic`, then a `u32` version that must lie in `versions`; returns the version.
    mutating func header(magic: [UInt8], versions: ClosedRange<UInt32>) throws(LegacyFormatError) -> UInt32 {
        try expectMagic(magic)
        let version = try uint32("version")
        guard versions.contains(version) else { throw .unsupportedVersion(version, supported: versions) }
        return version
    }

    mutating func uint8(_ field: String) throws(LegacyFormatError) -> UInt8 {
        try littleEndian(UInt8.self, field)
    }

    mutating func uint32(_ field: String) throws(LegacyFormatError) -> UInt32 {
        try littleEndian(UInt32.self, field)
    }

    mutating func uint64(_ field: String) throws(LegacyFormatError) -> UInt64 {
        try littleEndian(UInt64.self, field)
    }

    mutating func int32(_ field: String) throws(LegacyFormatError) -> Int32 {
        Int32(bitPattern: try littleEndian(UInt32.self, field))
    }

    /// Reads a `u32` length field named `lengthField`, then that many bytes.
    ///
    /// The length is checked against the bytes left before anything is copied.
    mutating func lengthPrefixed(_ lengthField: String) throws(LegacyFormatError) -> ArraySlice<UInt8> {
        let lengthOffset = offset
        let length = try uint32(lengthField)
        return try take(Int(length), lengthField: lengthField, lengthOffset: lengthOffset)
    }

    /// The next `count` bytes; `lengthField` at `lengthOffset` announced them.
    mutating func take(_ count: Int, lengthField: String, lengthOffset: Int) throws(LegacyFormatError) -> ArraySlice<UInt8> {
        guard count <= remaining else {
            throw .limitExceeded(field: lengthField, value: UInt64(count), limit: UInt64(remaining), offset: lengthOffset)
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    private mutating func littleEndian<T: FixedWidthInteger & UnsignedInteger>(
        _: T.Type, _ field: String
    ) throws(LegacyFormatError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw .truncated(offset: offset, field: field) }
        var value: T = 0
        for index in 0..<size { value |= T(bytes[offset + index]) << (8 * index) }
        offset += size
        return value
    }
}
