internal import CMMSBChecksum

/// CRC32C (Castagnoli), the checksum of MMSB's log records, manifest slots and section headers.
///
/// The polynomial is 0x1EDC6F41 (reflected 0x82F63B78) with the usual pre- and post-inversion, as in
/// iSCSI (RFC 3720), ext4, LevelDB and RocksDB: the check value of the ASCII bytes `"123456789"` is
/// `0xE3069283`, and the checksum of no bytes is 0.
///
/// A CRC32C detects every error burst of up to 32 bits and misses random damage with probability
/// 2⁻³². The value is the same on every platform and on both implementations: the SSE4.2 `crc32`
/// instruction on x86_64 CPUs that have it (see ``isHardwareAccelerated``), a portable slicing-by-8
/// table implementation elsewhere. Every function is pure and safe to call from any thread.
///
/// Checksums chain: extending the checksum of `a` with `b` gives the checksum of `a` followed by `b`.
///
/// ```swift
/// let whole = CRC32C.checksum(header + body)
/// let pieces = CRC32C.checksum(body, extending: CRC32C.checksum(header))
/// // whole == pieces
/// ```
///
/// Store checksums ``mask(_:)``ed, and ``unmask(_:)`` them before comparing or extending.
public enum CRC32C {
    /// The checksum of the bytes that `crc` covers followed by `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: The bytes to add; may be empty (its base address may then be `nil`).
    ///   - crc: The checksum of the preceding bytes (not masked), or 0 to start afresh.
    /// - Returns: The CRC32C of the preceding bytes followed by `bytes`; `crc` itself when `bytes` is empty.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, extending crc: UInt32 = 0) -> UInt32 {
        mmsb_crc32c_extend(crc, bytes.baseAddress, bytes.count)
    }

    /// The checksum of the bytes that `crc` covers followed by the elements of `bytes`.
    ///
    /// Reads the array's storage in place; the same value as the raw-buffer overload.
    ///
    /// - Parameters:
    ///   - bytes: The bytes to add; may be empty.
    ///   - crc: The checksum of the preceding bytes (not masked), or 0 to start afresh.
    /// - Returns: The CRC32C of the preceding bytes followed by `bytes`.
    public static func checksum(_ bytes: [UInt8], extending crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, extending: crc) }
    }

    /// The checksum of the bytes that `crc` covers followed by the elements of `bytes`.
    ///
    /// Sequences with contiguous storage (arrays, array slices, native strings' `utf8` views,
    /// buffer pointers) are read in place. Any other sequence is iterated once and checksummed through a
    /// small stack buffer, so it never allocates; expect that route to be several times slower.
    ///
    /// - Parameters:
    ///   - bytes: The bytes to add, iterated at most once; may be empty.
    ///   - crc: The checksum of the preceding bytes (not masked), or 0 to start afresh.
    /// - Returns: The CRC32C of the preceding bytes followed by `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>, extending crc: UInt32 = 0) -> UInt32 {
        if let contiguous = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0), extending: crc) }) {
            return contiguous
        }
        let chunk = 256
        return withUnsafeTemporaryAllocation(byteCount: chunk, alignment: 8) { buffer in
            var crc = crc
            var filled = 0
            for byte in bytes {
                buffer[filled] = byte
                filled += 1
                if filled == chunk {
                    crc = checksum(UnsafeRawBufferPointer(buffer), extending: crc)
                    filled = 0
                }
            }
            return checksum(UnsafeRawBufferPointer(rebasing: buffer[..<filled]), extending: crc)
        }
    }

    /// Whether the `checksum` functions use the CPU's CRC32C instruction
    /// (SSE4.2 `crc32` on x86_64) rather than the portable tables.
    ///
    /// Informational only: both paths return identical values.
    public static var isHardwareAccelerated: Bool { mmsb_crc32c_hardware() != 0 }

    /// `crc` prepared for storage: rotated right by 15 bits, then 0xA282EAD8 added (LevelDB's masking).
    ///
    /// The CRC of bytes that contain their own CRC, or the CRCs of other data, is poorly distributed;
    /// storing masked values avoids that. Masking is a bijection on `UInt32`, undone exactly by
    /// ``unmask(_:)``; it changes every value except two (0x8299F00B and 0xD7EE9AB5, its only fixed
    /// points).
    ///
    /// - Parameter crc: A checksum as the `checksum` functions return it.
    /// - Returns: The value to write to disk.
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc &>> 15) | (crc &<< 17)) &+ maskDelta
    }

    /// The checksum that ``mask(_:)`` turned into `masked`: 0xA282EAD8 subtracted, then rotated left by
    /// 15 bits.
    ///
    /// `unmask(mask(crc)) == crc` and `mask(unmask(masked)) == masked` for every value.
    ///
    /// - Parameter masked: A value read from disk.
    /// - Returns: The checksum to compare with, or extend from.
    public static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- maskDelta
        return (rotated &>> 17) | (rotated &<< 15)
    }

    /// The checksum computed by the portable table implementation even where the hardware path exists,
    /// so that tests can compare the two.
    static func portableChecksum(_ bytes: UnsafeRawBufferPointer, extending crc: UInt32 = 0) -> UInt32 {
        mmsb_crc32c_extend_portable(crc, bytes.baseAddress, bytes.count)
    }

    /// LevelDB's masking constant.
    private static let maskDelta: UInt32 = 0xA282_EAD8
}
