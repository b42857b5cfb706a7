/// Appends little-endian integers, LEB128 varints and bytes to a growing buffer.
struct ByteWriter {
    var bytes: [UInt8]

    init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    @inline(__always)
    mutating func uint8(_ value: UInt8) { bytes.append(value) }

    @inline(__always)
    mutating func uint16(_ value: UInt16) { fixed(value) }

    @inline(__always)
    mutating func uint32(_ value: UInt32) { fixed(value) }

    @inline(__always)
    mutating func uint64(_ value: UInt64) { fixed(value) }

    @inline(__always)
    private mutating func fixed<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Unsigned LEB128: seven bits a byte, low bits first, the high bit set on all but the last byte.
    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    @inline(__always)
    mutating func varint(_ value: Int) { varint(UInt64(value)) }

    /// A signed value as a zig-zag varint (0, -1, 1, -2, … become 0, 1, 2, 3, …).
    @inline(__always)
    mutating func zigzag(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    @inline(__always)
    mutating func append(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }

    @inline(__always)
    mutating func append(_ array: [UInt8]) { bytes.append(contentsOf: array) }

    /// A length-prefixed byte string.
    mutating func lengthPrefixed(_ array: [UInt8]) {
        varint(array.count)
        bytes.append(contentsOf: array)
    }
}

/// Why decoding stopped: the reader's position and what was expected there.
struct DecodeFailure: Error, Equatable {
    /// Offset from the start of the reader's buffer.
    var offset: Int
    var reason: String
}

/// Reads what ``ByteWriter`` writes, checking every length against the bytes left before using it.
///
/// Strict: varints must be minimal (no redundant continuation bytes) and fit 64 bits, so every value
/// has exactly one encoding and decoding cannot be tricked into reading past the buffer.
struct ByteReader {
    let base: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int

    init(_ base: UnsafeRawBufferPointer, from start: Int = 0, to end: Int? = nil) {
        self.base = base
        position = start
        self.end = end ?? base.count
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position == end }

    @inline(__always)
    mutating func uint8(_ field: @autoclosure () -> String) throws(DecodeFailure) -> UInt8 {
        guard position < end else { throw DecodeFailure(offset: position, reason: "\(field()) runs past the end") }
        defer { position += 1 }
        return base[position]
    }

    @inline(__always)
    mutating func fixed<T: FixedWidthInteger>(_: T.Type, _ field: @autoclosure () -> String) throws(DecodeFailure) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw DecodeFailure(offset: position, reason: "\(field()) runs past the end") }
        defer { position += size }
        return T(littleEndian: base.loadUnaligned(fromByteOffset: position, as: T.self))
    }

    @inline(__always)
    mutating func varint(_ field: @autoclosure () -> String) throws(DecodeFailure) -> UInt64 {
        let start = position
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw DecodeFailure(offset: start, reason: "\(field()) runs past the end") }
            let byte = base[position]
            position += 1
            if shift == 63, byte > 1 { throw DecodeFailure(offset: start, reason: "\(field()) does not fit 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                if byte == 0, shift > 0 { throw DecodeFailure(offset: start, reason: "\(field()) is not minimally encoded") }
                return value
            }
            shift += 7
        }
    }

    /// A varint that must be at most `limit`.
    @inline(__always)
    mutating func count(_ field: @autoclosure () -> String, limit: Int) throws(DecodeFailure) -> Int {
        let start = position
        let value = try varint(field())
        guard value <= UInt64(limit) else {
            throw DecodeFailure(offset: start, reason: "\(field()) \(value) exceeds \(limit)")
        }
        return Int(value)
    }

    @inline(__always)
    mutating func zigzag(_ field: @autoclosure () -> String) throws(DecodeFailure) -> Int64 {
        let raw = try varint(field())
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// `count` bytes, as a view into the buffer.
    @inline(__always)
    mutating func bytes(_ count: Int, _ field: @autoclosure () -> String) throws(DecodeFailure) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else {
            throw DecodeFailure(offset: position, reason: "\(field()) of \(count) bytes runs past the end")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: base[position..<(position + count)])
    }

    /// A length-prefixed byte string whose length is at most `limit`.
    mutating func lengthPrefixed(_ field: @autoclosure () -> String, limit: Int) throws(DecodeFailure) -> UnsafeRawBufferPointer {
        let length = try count("\(field()) length", limit: min(limit, remaining))
        return try bytes(length, field())
    }
}
