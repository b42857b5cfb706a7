extension PageMetadata {
    /// The original's interchange encoding (little-endian `u32`s):
    /// `count | count × (key_len | key UTF-8 | value_len | value)`; empty metadata is a zero-length blob.
    ///
    /// `[("key", "abc123")]` encodes as `01000000 03000000 6B6579 06000000 616263313233` (21 bytes).
    public var blob: [UInt8] {
        guard !entries.isEmpty else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(4 + entries.reduce(0) { $0 + 8 + $1.key.utf8.count + $1.value.count })
        Self.appendUInt32(UInt32(entries.count), to: &out)
        for (key, value) in entries {
            Self.appendUInt32(UInt32(key.utf8.count), to: &out)
            out.append(contentsOf: key.utf8)
            Self.appendUInt32(UInt32(value.count), to: &out)
            out.append(contentsOf: value)
        }
        return out
    }

    /// Decodes a blob written by ``blob`` or by the original.
    ///
    /// Stricter than the original, which ignored trailing bytes and kept duplicate keys: both are
    /// errors here, so a corrupt blob never decodes to something plausible.
    /// - Throws: ``MetadataError`` naming the byte offset of the fault.
    public init(blob: some Collection<UInt8>) throws(MetadataError) {
        let bytes = Array(blob)
        self.init()
        guard !bytes.isEmpty else { return }
        var cursor = 0
        let count = try Self.readUInt32(bytes, at: &cursor)
        for _ in 0..<count {
            let keyLength = try Self.readUInt32(bytes, at: &cursor)
            let keyStart = cursor
            let keyBytes = try Self.readBytes(bytes, count: keyLength, at: &cursor)
            guard let key = String(validating: keyBytes, as: UTF8.self) else { throw .invalidUTF8Key(offset: keyStart) }
            let valueLength = try Self.readUInt32(bytes, at: &cursor)
            let value = try Self.readBytes(bytes, count: valueLength, at: &cursor)
            guard self[key] == nil else { throw .duplicateKey(key, offset: keyStart - 4) }
            entries.append((key, Array(value)))
        }
        guard cursor == bytes.count else { throw .trailingBytes(offset: cursor) }
    }

    private static func appendUInt32(_ value: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func readUInt32(_ bytes: [UInt8], at cursor: inout Int) throws(MetadataError) -> Int {
        guard bytes.count - cursor >= 4 else { throw .unexpectedEnd(offset: cursor) }
        var value: UInt32 = 0
        for shift in 0..<4 { value |= UInt32(bytes[cursor + shift]) << (8 * shift) }
        cursor += 4
        return Int(value)
    }

    private static func readBytes(_ bytes: [UInt8], count: Int, at cursor: inout Int) throws(MetadataError) -> ArraySlice<UInt8> {
        guard bytes.count - cursor >= count else { throw .truncated(offset: cursor, length: count) }
        defer { cursor += count }
        return bytes[cursor..<(cursor + count)]
    }
}
