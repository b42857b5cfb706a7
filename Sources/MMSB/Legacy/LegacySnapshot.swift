/// A checkpoint written by the original system (`MMSBSNAP`, versions 1 and 2; spec §6.2).
///
/// Layout (all integers little-endian): a 24-byte header — the magic `MMSBSNAP`, `u32` version,
/// `u32` page_count, `u64` log_offset — then page_count page records:
///
/// | Field | Type |
/// |---|---|
/// | page_id | u64 |
/// | size | u64 |
/// | epoch | u32 |
/// | location | i32 (0 cpu, 1 gpu, 2 unified) |
/// | metadata_len, metadata | u32, blob (``PageMetadata/init(blob:)``) |
/// | data_len, data | u32, bytes |
///
/// Version 1 has the same layout as version 2 and is accepted (the original wrongly rejected it).
/// Stricter than the original: a page's size must be 1 byte … 1 GiB and equal its data length, page
/// ids must be unique, and no bytes may follow the last record.
public struct LegacySnapshot: Equatable, Sendable {
    /// The file's first 8 bytes: `MMSBSNAP`.
    public static let magic: [UInt8] = Array("MMSBSNAP".utf8)
    /// The versions this reader accepts.
    public static let supportedVersions: ClosedRange<UInt32> = 1...2
    /// The header's size in bytes.
    public static let headerSize = 24
    /// The fixed part of a page record: everything but the metadata blob and the data.
    public static let pageRecordFixedSize = 32

    /// The header's version: 1 or 2.
    public let version: UInt32
    /// The length of the transaction log when the checkpoint was written: log frames from this byte
    /// offset on came after it. (The original recorded it and never used it.)
    public let logOffset: UInt64
    /// The pages, in file order (the original wrote them in hash-map order).
    public let pages: [LegacySnapshotPage]

    /// Parses a whole checkpoint file.
    ///
    /// - Throws: ``LegacyFormatError`` naming the byte offset of the first fault.
    public init(bytes: [UInt8]) throws(LegacyFormatError) {
        var reader = LegacyByteReader(bytes)
        let version = try reader.header(magic: Self.magic, versions: Self.supportedVersions)
        let countOffset = reader.offset
        let pageCount = try reader.uint32("page_count")
        let logOffset = try reader.uint64("log_offset")
        let possible = reader.remaining / Self.pageRecordFixedSize
        guard Int(pageCount) <= possible else {
            throw .limitExceeded(field: "page_count", value: UInt64(pageCount), limit: UInt64(possible), offset: countOffset)
        }
        var pages: [LegacySnapshotPage] = []
        pages.reserveCapacity(Int(pageCount))
        var firstOffsets: [PageID: Int] = [:]
        firstOffsets.reserveCapacity(Int(pageCount))
        for _ in 0..<pageCount {
            let page = try Self.page(from: &reader)
            if let first = firstOffsets[page.id] {
                throw .duplicatePage(page.id, offset: page.offset, firstOffset: first)
            }
            firstOffsets[page.id] = page.offset
            pages.append(page)
        }
        guard reader.isAtEnd else { throw .trailingBytes(offset: reader.offset, count: reader.remaining) }
        self.version = version
        self.logOffset = logOffset
        self.pages = pages
    }

    /// The page with id `id`, if the checkpoint holds it.
    public func page(_ id: PageID) -> LegacySnapshotPage? {
        pages.first { $0.id == id }
    }

    private static func page(from reader: inout LegacyByteReader) throws(LegacyFormatError) -> LegacySnapshotPage {
        let start = reader.offset
        let id = PageID(try reader.uint64("page_id"))
        let sizeOffset = reader.offset
        let size = try reader.uint64("size")
        guard size > 0, size <= UInt64(StateBus.maximumPageSize) else {
            throw .invalidPageSize(page: id, size: size, offset: sizeOffset)
        }
        let epoch = Epoch(UInt64(try reader.uint32("epoch")))
        let tagOffset = reader.offset
        let tag = try reader.int32("location")
        let location: PageLocation
        do {
            location = try PageLocation(tag: tag)
        } catch {
            throw .invalidLocationTag(tag, offset: tagOffset)
        }
        let blob = try reader.lengthPrefixed("metadata_len")
        let metadata: PageMetadata
        do {
            metadata = try PageMetadata(blob: blob)
        } catch {
            throw .invalidMetadata(offset: blob.startIndex, error)
        }
        let dataLengthOffset = reader.offset
        let dataLength = try reader.uint32("data_len")
        guard UInt64(dataLength) == size else {
            throw .sizeMismatch(page: id, size: size, dataLength: Int(dataLength), offset: dataLengthOffset)
        }
        let data = Array(try reader.take(Int(dataLength), lengthField: "data_len", lengthOffset: dataLengthOffset))
        return LegacySnapshotPage(
            offset: start, id: id, size: Int(size), epoch: epoch, location: location, metadata: metadata, data: data)
    }
}
