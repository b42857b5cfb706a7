extension FuzzEntryPoints {
    /// Decodes `input` as a checkpoint file (the store id is taken from its own header, so the foreign
    /// check passes); when it decodes, loads it into a bus and checks that the bus holds exactly the
    /// decoded pages. With `fixChecksums`, the header, section and trailer checksums are recomputed
    /// first, so mutations reach the checks behind them.
    public static func checkpoint(_ input: UnsafeRawBufferPointer, fixChecksums: Bool) -> Outcome {
        var bytes = Array(input)
        if fixChecksums { fixCheckpoint(&bytes) }
        var outcome = Outcome()
        guard bytes.count >= CheckpointFile.headerSize else { return outcome }
        let store = bytes.withUnsafeBytes { raw in
            StoreID(
                high: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                low: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
        }
        bytes.withUnsafeBytes { raw in
            guard let contents = try? CheckpointFile.decode(raw, file: "fuzz.ckpt", store: store) else { return }
            outcome.decoded = 1 + contents.pages.count
            let bus = StateBus(configuration: .init(deviceMemory: .emulateInHostMemory))
            do {
                try bus.restore(contents)
            } catch {
                outcome.mismatch = "a checkpoint that decodes does not load: \(error)"
                return
            }
            let pages = bus.pages()
            guard pages.map(\.id) == contents.pages.map(\.id),
                  zip(pages, contents.pages).allSatisfy({ $0.size == $1.size && $0.epoch == $1.epoch && $0.metadata == $1.metadata }),
                  contents.pages.allSatisfy({ (try? bus.read(page: $0.id)) == Array($0.bytes) })
            else {
                outcome.mismatch = "the loaded bus differs from the decoded checkpoint"
                return
            }
        }
        return outcome
    }

    /// Recomputes the header CRC, each section's CRC (walking sections by their lengths while they fit)
    /// and the trailer's whole-file CRC.
    static func fixCheckpoint(_ bytes: inout [UInt8]) {
        guard bytes.count >= CheckpointFile.headerSize + CheckpointFile.trailerSize else { return }
        func store32(_ value: UInt32, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { for (index, byte) in $0.enumerated() { bytes[offset + index] = byte } }
        }
        store32(CRC32C.checksum(Array(bytes[0..<60])), at: 60)
        let trailer = bytes.count - CheckpointFile.trailerSize
        var offset = CheckpointFile.headerSize
        while trailer - offset >= CheckpointFile.sectionHeaderSize {
            let length = bytes[(offset + 8)..<(offset + 16)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard length <= UInt64(trailer - offset - CheckpointFile.sectionHeaderSize) else { break }
            let start = offset + CheckpointFile.sectionHeaderSize
            store32(CRC32C.checksum(Array(bytes[start..<(start + Int(length))])), at: offset + 4)
            offset = start + Int(length)
        }
        store32(CRC32C.checksum(Array(bytes[0..<trailer])), at: trailer + 24)
    }
}
