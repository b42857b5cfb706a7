/// Errors reading the original system's files: the `MMSBLOG1` transaction log and the `MMSBSNAP`
/// checkpoint (spec §6.1, §6.2).
///
/// Every case names the byte offset, counted from the start of the file, of the field at fault, so a
/// damaged file can be inspected with a hex dump. Two rules decide between ``truncated(offset:field:)``
/// and ``limitExceeded(field:value:limit:offset:)``: a fixed-size field (an integer) that the file
/// ends inside is *truncated*; a length or count that announces more than the bytes left can hold
/// *exceeds its limit*, which is checked before anything is allocated, so a corrupt length never
/// causes a large allocation. The reader cannot tell a cut file from a corrupt length there; the
/// description says so.
public enum LegacyFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not start with `expected`; `found` holds its first bytes (at most as many as `expected`).
    case badMagic(found: [UInt8], expected: [UInt8])
    /// The header's version (at byte 8) is not one this reader understands.
    case unsupportedVersion(UInt32, supported: ClosedRange<UInt32>)
    /// The file ends inside the fixed-size field `field` that starts at `offset`.
    case truncated(offset: Int, field: String)
    /// A page location tag other than 0 (cpu), 1 (gpu) or 2 (unified), in the field at `offset`.
    case invalidLocationTag(Int32, offset: Int)
    /// The metadata blob that starts at `offset` does not decode; the error's own offsets count from
    /// the blob's first byte.
    case invalidMetadata(offset: Int, MetadataError)
    /// The log frame that starts at `offset` does not make a valid ``Delta``: a mask and payload that
    /// disagree, a mask with no set entry, or a source label our bus cannot store.
    case invalidDelta(offset: Int, DeltaError)
    /// A checkpoint page whose `size` differs from its `data_len` (the field at `offset`).
    case sizeMismatch(page: PageID, size: UInt64, dataLength: Int, offset: Int)
    /// A checkpoint page whose `size` (the field at `offset`) is 0 or more than 1 GiB, our page limit.
    case invalidPageSize(page: PageID, size: UInt64, offset: Int)
    /// A checkpoint holds page `page` twice: again in the record at `offset`, first in the record at
    /// `firstOffset`.
    case duplicatePage(PageID, offset: Int, firstOffset: Int)
    /// The length or count `field` at `offset` holds `value`, but at most `limit` is possible there:
    /// for a length, the bytes left in the file after the field; for a page count, the 32-byte page
    /// records those bytes could hold.
    case limitExceeded(field: String, value: UInt64, limit: UInt64, offset: Int)
    /// Bytes remain after the last record the header announced, from `offset` on.
    case trailingBytes(offset: Int, count: Int)

    public var description: String {
        switch self {
        case .badMagic(let found, let expected):
            return "not a recognised file: it starts with \(Self.hex(found)) at byte 0 but \(Self.hex(expected)) "
                + "(\"\(Self.ascii(expected))\") was expected"
        case .unsupportedVersion(let version, let supported):
            return "unsupported format version \(version) at byte 8: this reader supports versions "
                + "\(supported.lowerBound) to \(supported.upperBound)"
        case .truncated(let offset, let field):
            return "the file ends inside the field \(field) that starts at byte \(offset): the file is truncated"
        case .invalidLocationTag(let tag, let offset):
            return "invalid location tag \(tag) at byte \(offset): expected 0 (cpu), 1 (gpu) or 2 (unified)"
        case .invalidMetadata(let offset, let error):
            return "invalid metadata blob starting at byte \(offset) (offsets that follow count from the blob's start): \(error)"
        case .invalidDelta(let offset, let error):
            return "the log frame starting at byte \(offset) is not a valid delta: \(error)"
        case .sizeMismatch(let page, let size, let dataLength, let offset):
            return "page \(page) has size \(size) but its data_len at byte \(offset) is \(dataLength): "
                + "a page's data must hold exactly its size"
        case .invalidPageSize(let page, let size, let offset):
            return "page \(page) has size \(size) at byte \(offset): a page holds from 1 byte to 1 GiB (1073741824 bytes)"
        case .duplicatePage(let page, let offset, let firstOffset):
            return "page \(page) appears twice: in the page record at byte \(firstOffset) and again at byte \(offset)"
        case .limitExceeded(let field, let value, let limit, let offset):
            return "the field \(field) at byte \(offset) holds \(value), but at most \(limit) fits in the rest of "
                + "the file: the file is truncated or the field is corrupt"
        case .trailingBytes(let offset, let count):
            return "\(count) unexpected bytes from byte \(offset) on, after the last record the header announced"
        }
    }

    /// Bytes as space-separated upper-case hex, or "nothing".
    private static func hex(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "nothing" }
        return bytes.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return byte < 0x10 ? "0" + digits : digits
        }.joined(separator: " ")
    }

    /// Printable ASCII as itself, anything else as `.`.
    private static func ascii(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.map { (0x20...0x7E).contains($0) ? $0 : 0x2E }, as: UTF8.self)
    }
}
