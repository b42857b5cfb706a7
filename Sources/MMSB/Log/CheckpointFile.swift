#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A checkpoint: every page and the id counters, as of one LSN.
///
/// File `ckpt/<LSN, 20 digits>.ckpt`:
///
/// * header, 64 bytes: magic `MMSBCKPT`, major u16, minor u16, header size u32 (64), store id (2 × u64),
///   covered LSN u64, page count u64, section count u64, flags u32 (0), CRC32C of bytes 0 ..< 60;
/// * sections, each `kind u8 | 3 zero bytes | CRC32C u32 of the payload | payload length u64 | payload`:
///   first one counters section (kind 1: highest page id u64, next delta id u64), then one page section
///   per page in increasing id order (kind 2: id u64, size u64, location u8, epoch u64, metadata length
///   u32, metadata blob, then the page's bytes); then, when the dependency graph has edges, one graph
///   section (kind 3: link count u64, then per linked (parent, child) pair in increasing order: parent
///   u64, child u64, edge-type bits u8 (bit n = edge type n), weight flag u8, weight u64 (0 without one));
/// * trailer, 32 bytes: magic `MMSBEND\0`, section count u64, file size u64, CRC32C u32 of every byte
///   before the trailer, 4 zero bytes.
///
/// Equal states give byte-identical files: pages are sorted by id and nothing of the moment of writing
/// (time, addresses) is stored.
enum CheckpointFile {
    static let magic: [UInt8] = Array("MMSBCKPT".utf8)
    static let trailerMagic: [UInt8] = Array("MMSBEND".utf8) + [0]
    static let headerSize = 64
    static let sectionHeaderSize = 16
    static let trailerSize = 32
    static let countersKind: UInt8 = 1
    static let pageKind: UInt8 = 2
    static let graphKind: UInt8 = 3
    static let graphLinkSize = 26

    static func name(_ lsn: UInt64) -> String { LogWriter.segmentName(lsn).replacingSuffix(".seg", with: ".ckpt") }

    /// A page as stored in a checkpoint.
    struct Page {
        var id: PageID
        var size: Int
        var location: PageLocation
        var epoch: Epoch
        var metadata: PageMetadata
        var bytes: UnsafeRawBufferPointer
    }

    /// What a checkpoint holds, its pages still pointing into the mapped file.
    struct Contents {
        var lsn: UInt64
        var highestPageID: UInt64
        var nextDeltaID: UInt64
        var pages: [Page]
        var graph = DependencyGraph()
    }

    /// Decodes and checks a whole checkpoint: header, every section's CRC, the trailer and the CRC of
    /// everything, page order and sizes. Nothing is returned unless all of it is valid.
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, store: StoreID) throws(LogError) -> Contents {
        guard bytes.count >= headerSize + trailerSize else {
            throw .corrupt(file: file, offset: bytes.count, reason: "checkpoint truncated: \(bytes.count) bytes")
        }
        guard bytes.prefix(8).elementsEqual(magic) else { throw .badMagic(file: file, offset: 0) }
        let u64 = { (offset: Int) in UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        let u32 = { (offset: Int) in UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        let major = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        let minor = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 10, as: UInt16.self))
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<60])) == u32(60) else {
            throw .corrupt(file: file, offset: 60, reason: "checkpoint header checksum mismatch")
        }
        guard major <= StoreFormat.major else { throw .unsupportedVersion(file: file, major: major, minor: minor) }
        guard u32(12) == UInt32(headerSize), u32(56) == 0 else {
            throw .corrupt(file: file, offset: 12, reason: "checkpoint header size or flags invalid")
        }
        guard StoreID(high: u64(16), low: u64(24)) == store else { throw .foreignFile(file: file) }
        let lsn = u64(32)
        guard lsn > 0, lsn <= LogLimits.maximumLSN else { throw .corrupt(file: file, offset: 32, reason: "covered LSN \(lsn) out of range") }
        let pageCount = u64(40)
        let sectionCount = u64(48)
        let trailer = bytes.count - trailerSize
        guard bytes[trailer..<(trailer + 8)].elementsEqual(trailerMagic) else {
            throw .corrupt(file: file, offset: trailer, reason: "checkpoint trailer missing (the file is truncated)")
        }
        guard u64(trailer + 8) == sectionCount, u64(trailer + 16) == UInt64(bytes.count), u32(trailer + 28) == 0 else {
            throw .corrupt(file: file, offset: trailer, reason: "checkpoint trailer does not match the file")
        }
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<trailer])) == u32(trailer + 24) else {
            throw .corrupt(file: file, offset: trailer + 24, reason: "checkpoint checksum mismatch")
        }
        // Every section takes at least 16 bytes, so a count beyond the file's size is damage (and would overflow).
        guard pageCount < UInt64(bytes.count), sectionCount == pageCount + 1 || sectionCount == pageCount + 2 else {
            throw .corrupt(file: file, offset: 48, reason: "\(sectionCount) sections for \(pageCount) pages")
        }
        var contents = Contents(lsn: lsn, highestPageID: 0, nextDeltaID: 1, pages: [])
        var offset = headerSize
        for index in 0..<sectionCount {
            guard trailer - offset >= sectionHeaderSize else {
                throw .corrupt(file: file, offset: offset, reason: "section \(index) header runs into the trailer")
            }
            let kind = bytes[offset]
            let length = u64(offset + 8)
            guard bytes[(offset + 1)..<(offset + 4)].allSatisfy({ $0 == 0 }), length <= UInt64(trailer - offset - sectionHeaderSize) else {
                throw .corrupt(file: file, offset: offset, reason: "section \(index) header invalid")
            }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[(offset + sectionHeaderSize)..<(offset + sectionHeaderSize + Int(length))])
            guard CRC32C.checksum(payload) == u32(offset + 4) else {
                throw .corrupt(file: file, offset: offset, reason: "section \(index) checksum mismatch")
            }
            let sectionStart = offset
            offset += sectionHeaderSize + Int(length)
            if index == 0 {
                guard kind == countersKind, length == 16 else {
                    throw .corrupt(file: file, offset: sectionStart, reason: "the first section must hold the counters")
                }
                contents.highestPageID = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
                contents.nextDeltaID = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                guard contents.nextDeltaID > 0, contents.nextDeltaID <= LogLimits.maximumDeltaID else {
                    throw .corrupt(file: file, offset: sectionStart, reason: "next delta id \(contents.nextDeltaID) out of range")
                }
                continue
            }
            if index == pageCount + 1 {
                guard kind == graphKind else { throw .corrupt(file: file, offset: sectionStart, reason: "the last section must hold the graph") }
                contents.graph = try decodeGraph(payload, pages: contents.pages, file: file, sectionOffset: sectionStart)
                continue
            }
            guard kind == pageKind else { throw .corrupt(file: file, offset: sectionStart, reason: "unknown section kind \(kind)") }
            let page = try decodePage(payload, file: file, sectionOffset: sectionStart)
            if let previous = contents.pages.last?.id, page.id <= previous {
                throw .corrupt(file: file, offset: sectionStart, reason: "page \(page.id) after page \(previous): pages must be in increasing id order")
            }
            guard page.id.rawValue <= contents.highestPageID else {
                throw .corrupt(file: file, offset: sectionStart, reason: "page \(page.id) above the highest id \(contents.highestPageID)")
            }
            contents.pages.append(page)
        }
        guard offset == trailer else { throw .corrupt(file: file, offset: offset, reason: "bytes between the last section and the trailer") }
        return contents
    }

    /// Decodes the graph section: links in increasing order between pages of the checkpoint, valid
    /// types and weights, and no cycle.
    private static func decodeGraph(
        _ payload: UnsafeRawBufferPointer, pages: [Page], file: String, sectionOffset: Int
    ) throws(LogError) -> DependencyGraph {
        func fail(_ reason: String) -> LogError { .corrupt(file: file, offset: sectionOffset, reason: reason) }
        guard payload.count >= 8 else { throw fail("graph section too short") }
        let count = UInt64(littleEndian: payload.loadUnaligned(as: UInt64.self))
        guard count > 0, count <= UInt64(payload.count / graphLinkSize), 8 + Int(count) * graphLinkSize == payload.count else {
            throw fail("graph section length does not match its \(count) links")
        }
        let ids = Set(pages.map(\.id))
        var graph = DependencyGraph()
        var previous: (UInt64, UInt64) = (0, 0)
        for index in 0..<Int(count) {
            let base = 8 + index * graphLinkSize
            let from = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: base, as: UInt64.self))
            let to = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: base + 8, as: UInt64.self))
            let types = payload[base + 16]
            let flag = payload[base + 17]
            let weight = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: base + 18, as: UInt64.self))
            guard (from, to) > previous else { throw fail("graph link \(from) → \(to) out of order") }
            previous = (from, to)
            guard ids.contains(PageID(from)), ids.contains(PageID(to)) else { throw fail("graph link \(from) → \(to) names a page not in the checkpoint") }
            guard types != 0, types & 0xF0 == 0 else { throw fail("graph link \(from) → \(to) has invalid edge types \(types)") }
            guard flag <= 1, flag == 1 || weight == 0, flag == 0 || types & 1 == 1 else {
                throw fail("graph link \(from) → \(to) has an invalid weight")
            }
            for type in EdgeType.allCases where types & (1 << type.rawValue) != 0 {
                do throws(GraphError) {
                    try graph.addEdge(from: PageID(from), to: PageID(to), type: type)
                } catch {
                    throw fail("graph link \(from) → \(to): \(error)")
                }
            }
            if flag == 1 { try? graph.setWeight(EdgeWeight(bits: weight), from: PageID(from), to: PageID(to)) }
        }
        return graph
    }

    private static func decodePage(_ payload: UnsafeRawBufferPointer, file: String, sectionOffset: Int) throws(LogError) -> Page {
        let fixed = 8 + 8 + 1 + 8 + 4
        guard payload.count >= fixed else { throw .corrupt(file: file, offset: sectionOffset, reason: "page section too short") }
        let id = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let size = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let tag = payload[16]
        let epoch = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: 17, as: UInt64.self))
        let metadataLength = Int(UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: 25, as: UInt32.self)))
        guard id != 0, size > 0, size <= UInt64(LogLimits.maximumPageSize), let location = PageLocation(rawValue: tag) else {
            throw .corrupt(file: file, offset: sectionOffset, reason: "page section with invalid id, size or location")
        }
        guard payload.count - fixed >= metadataLength, payload.count - fixed - metadataLength == Int(size) else {
            throw .corrupt(file: file, offset: sectionOffset, reason: "page \(id) section length does not match its size")
        }
        let metadata: PageMetadata
        do {
            metadata = try PageMetadata(blob: UnsafeRawBufferPointer(rebasing: payload[fixed..<(fixed + metadataLength)]))
        } catch {
            throw .corrupt(file: file, offset: sectionOffset, reason: "page \(id) metadata: \(error)")
        }
        return Page(
            id: PageID(id), size: Int(size), location: location, epoch: Epoch(epoch), metadata: metadata,
            bytes: UnsafeRawBufferPointer(rebasing: payload[(fixed + metadataLength)...]))
    }
}

/// Streams a checkpoint file through a buffer, keeping the running CRC of everything written.
struct CheckpointWriter: ~Copyable {
    private let file: PosixFile
    private var buffer = ByteWriter(capacity: 1 << 20)
    private var written = 0
    private var crc: UInt32 = 0
    private var sections: UInt64 = 0

    init(path: String) throws(LogError) {
        file = try PosixFile.open(path, flags: O_CREAT | O_TRUNC | O_WRONLY)
    }

    mutating func header(store: StoreID, lsn: UInt64, pageCount: Int, hasGraph: Bool) throws(LogError) {
        var out = ByteWriter(capacity: CheckpointFile.headerSize)
        out.append(CheckpointFile.magic)
        out.uint16(StoreFormat.major)
        out.uint16(StoreFormat.minor)
        out.uint32(UInt32(CheckpointFile.headerSize))
        out.uint64(store.high)
        out.uint64(store.low)
        out.uint64(lsn)
        out.uint64(UInt64(pageCount))
        out.uint64(UInt64(pageCount + (hasGraph ? 2 : 1)))
        out.uint32(0)
        out.uint32(out.bytes.withUnsafeBytes { CRC32C.checksum($0) })
        try emit(out.bytes)
    }

    /// Appends a section whose payload is `prefix` followed by `bytes`.
    mutating func section(kind: UInt8, prefix: [UInt8], bytes: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) throws(LogError) {
        let payloadCRC = CRC32C.checksum(bytes, extending: prefix.withUnsafeBytes { CRC32C.checksum($0) })
        var head = ByteWriter(capacity: CheckpointFile.sectionHeaderSize)
        head.uint8(kind)
        head.append([0, 0, 0])
        head.uint32(payloadCRC)
        head.uint64(UInt64(prefix.count + bytes.count))
        try emit(head.bytes)
        try emit(prefix)
        try emit(bytes)
        sections += 1
    }

    /// Writes the trailer, flushes and syncs the file.
    mutating func finish() throws(LogError) {
        var out = ByteWriter(capacity: CheckpointFile.trailerSize)
        out.append(CheckpointFile.trailerMagic)
        out.uint64(sections)
        out.uint64(UInt64(written + buffer.count + CheckpointFile.trailerSize))
        let finalCRC = buffer.bytes.withUnsafeBytes { CRC32C.checksum($0, extending: crc) }
        out.uint32(finalCRC)
        out.uint32(0)
        buffer.append(out.bytes)
        try flush()
        try file.synchronize()
    }

    private mutating func emit(_ bytes: [UInt8]) throws(LogError) {
        buffer.append(bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private mutating func emit(_ bytes: UnsafeRawBufferPointer) throws(LogError) {
        guard bytes.count > 0 else { return }
        if bytes.count >= 1 << 20 {
            try flush()
            crc = CRC32C.checksum(bytes, extending: crc)
            try file.write(bytes, at: written)
            written += bytes.count
            return
        }
        buffer.append(bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private mutating func flush() throws(LogError) {
        guard buffer.count > 0 else { return }
        crc = buffer.bytes.withUnsafeBytes { CRC32C.checksum($0, extending: crc) }
        try file.write(buffer.bytes, at: written)
        written += buffer.count
        buffer.bytes.removeAll(keepingCapacity: true)
    }
}

extension String {
    fileprivate func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
