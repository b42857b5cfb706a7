import MMSB

/// The binary form of a ``SerializedBlockset`` (version 1, little-endian; every field is
/// documented in docs/KV.md):
///
/// ```
/// header   magic "MMSBKVBS" (8) | version u16 = 1 | flags u16 = 0 | block set count u32 | worker id u64
/// per set  index u32 | storage kind u8 (1 disk, 2 shared memory) | layout kind u8 (0 fully contiguous,
///          1 layer separate outer contiguous, 2 layer separate block contiguous) | reserved u16 = 0 |
///          numBlocks u64 | numLayers u32 | outerDim u32 | pageSize u32 | innerDim u32 | alignment u32 |
///          dtypeWidthBytes u32 | storage id u64 | generation u64 | data bytes u64 |
///          location length u32 | location (UTF-8)
/// trailer  xxh3-64 (seed 0) of every byte before it, u64
/// ```
extension SerializedBlockset {
    static let magic: [UInt8] = Array("MMSBKVBS".utf8)
    static let formatVersion: UInt16 = 1
    /// Longest accepted location (a path or shared-memory name).
    static let maximumLocationBytes = 4096
    /// Most block sets accepted in one export.
    static let maximumBlocksets = 64

    /// The bytes to hand to a peer.
    public func encoded() -> [UInt8] {
        var out = Self.magic
        out.appendLittleEndian(Self.formatVersion)
        out.appendLittleEndian(UInt16(0))
        out.appendLittleEndian(UInt32(blocksets.count))
        out.appendLittleEndian(workerID)
        for set in blocksets {
            out.appendLittleEndian(set.index)
            out.append(set.storageKind == .disk ? 1 : 2)
            switch set.layoutKind {
            case .fullyContiguous: out.append(0)
            case .layerSeparate(let outer): out.append(outer ? 1 : 2)
            }
            out.appendLittleEndian(UInt16(0))
            let config = set.config
            out.appendLittleEndian(UInt64(config.numBlocks))
            for value in [config.numLayers, config.outerDim, config.pageSize, config.innerDim, config.alignment, config.dtypeWidthBytes] {
                out.appendLittleEndian(UInt32(truncatingIfNeeded: value))
            }
            out.appendLittleEndian(set.storageID)
            out.appendLittleEndian(set.generation)
            out.appendLittleEndian(set.byteCount)
            let location = Array(set.location.utf8)
            out.appendLittleEndian(UInt32(location.count))
            out.append(contentsOf: location)
        }
        out.appendLittleEndian(XXH3.hash64(out, seed: 0))
        return out
    }

    /// Decodes and validates bytes made by ``encoded()``.
    ///
    /// - Throws: ``RemoteBlocksetError/corrupt(reason:offset:)`` for a wrong magic, checksum, length,
    ///   kind or layout (naming the byte offset); ``RemoteBlocksetError/unsupportedVersion(_:)``.
    public init(decoding bytes: [UInt8]) throws(RemoteBlocksetError) {
        guard bytes.count >= 32 else { throw .corrupt(reason: "\(bytes.count) bytes is shorter than the 32-byte minimum", offset: 0) }
        guard Array(bytes[0..<8]) == Self.magic else { throw .corrupt(reason: "the magic is not MMSBKVBS", offset: 0) }
        let body = bytes.count - 8
        let checksum = bytes.loadLittleEndian(UInt64.self, at: body)
        guard XXH3.hash64(Array(bytes[0..<body]), seed: 0) == checksum else {
            throw .corrupt(reason: "the xxh3 checksum does not match the contents", offset: body)
        }
        var reader = ByteReader(bytes: bytes, end: body, offset: 8)
        let version: UInt16 = try reader.read()
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        let flags: UInt16 = try reader.read()
        guard flags == 0 else { throw .corrupt(reason: "unknown flags \(flags)", offset: 10) }
        let count: UInt32 = try reader.read()
        guard count <= Self.maximumBlocksets else { throw .corrupt(reason: "\(count) block sets is more than \(Self.maximumBlocksets)", offset: 12) }
        let worker: UInt64 = try reader.read()
        var descriptors: [BlocksetDescriptor] = []
        for expected in 0..<count {
            let start = reader.offset
            let index: UInt32 = try reader.read()
            guard index == expected else { throw .corrupt(reason: "block set \(expected) has index \(index)", offset: start) }
            let storageCode: UInt8 = try reader.read()
            let layoutCode: UInt8 = try reader.read()
            let reserved: UInt16 = try reader.read()
            let storageKind: StorageKind
            switch storageCode {
            case 1: storageKind = .disk
            case 2: storageKind = .sharedMemory
            default: throw .corrupt(reason: "unknown storage kind \(storageCode)", offset: start + 4)
            }
            let layoutKind: LayoutKind
            switch layoutCode {
            case 0: layoutKind = .fullyContiguous
            case 1: layoutKind = .layerSeparate(outerContiguous: true)
            case 2: layoutKind = .layerSeparate(outerContiguous: false)
            default: throw .corrupt(reason: "unknown layout kind \(layoutCode)", offset: start + 5)
            }
            guard reserved == 0 else { throw .corrupt(reason: "reserved bytes are not zero", offset: start + 6) }
            let blocks: UInt64 = try reader.read()
            var dims: [Int] = []
            for _ in 0..<6 { dims.append(Int(try reader.read() as UInt32)) }
            let config: LayoutConfiguration
            do {
                guard blocks <= UInt64(Int.max) else { throw LayoutError.tooLarge }
                config = try LayoutConfiguration(
                    numBlocks: Int(blocks), numLayers: dims[0], outerDim: dims[1], pageSize: dims[2], innerDim: dims[3],
                    alignment: dims[4], dtypeWidthBytes: dims[5])
                _ = try BlockLayout(config: config, kind: layoutKind)
            } catch {
                throw .corrupt(reason: "block set \(index) has an invalid layout: \(error)", offset: start + 8)
            }
            let storageID: UInt64 = try reader.read()
            let generation: UInt64 = try reader.read()
            let byteCount: UInt64 = try reader.read()
            let locationStart = reader.offset
            let length: UInt32 = try reader.read()
            guard length >= 1, length <= Self.maximumLocationBytes else {
                throw .corrupt(reason: "location length \(length) is not 1 to \(Self.maximumLocationBytes)", offset: locationStart)
            }
            let locationBytes = try reader.bytes(Int(length))
            guard let location = String(validating: locationBytes, as: UTF8.self) else {
                throw .corrupt(reason: "the location is not UTF-8", offset: locationStart + 4)
            }
            descriptors.append(BlocksetDescriptor(
                index: index, config: config, layoutKind: layoutKind, storageKind: storageKind, location: location,
                storageID: storageID, generation: generation, byteCount: byteCount))
        }
        guard reader.offset == body else { throw .corrupt(reason: "\(body - reader.offset) unexpected bytes after the last block set", offset: reader.offset) }
        self.init(workerID: worker, descriptors: descriptors)
    }
}

/// Reads little-endian fields from a byte array, throwing at the end instead of trapping.
private struct ByteReader {
    let bytes: [UInt8]
    let end: Int
    var offset: Int

    mutating func read<T: FixedWidthInteger>() throws(RemoteBlocksetError) -> T {
        let size = MemoryLayout<T>.size
        guard end - offset >= size else { throw .corrupt(reason: "the descriptor ends inside a field", offset: offset) }
        let value = bytes.loadLittleEndian(T.self, at: offset)
        offset += size
        return value
    }

    mutating func bytes(_ count: Int) throws(RemoteBlocksetError) -> [UInt8] {
        guard end - offset >= count else { throw .corrupt(reason: "the descriptor ends inside a field", offset: offset) }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }
}
