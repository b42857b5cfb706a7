import Testing

@testable import MMSB

#if canImport(Glibc)
import Glibc
#endif

// MARK: Reference

/// CRC32C one bit at a time, straight from the definition (reflected polynomial 0x82F63B78, pre- and
/// post-inverted): slow, obviously right, and sharing no code or tables with the library.
private func referenceCRC32C<Bytes: Sequence<UInt8>>(_ bytes: Bytes, extending crc: UInt32 = 0) -> UInt32 {
    var register = ~crc
    for byte in bytes {
        register ^= UInt32(byte)
        for _ in 0..<8 {
            register = register & 1 == 1 ? (register >> 1) ^ 0x82F6_3B78 : register >> 1
        }
    }
    return ~register
}

/// Runs `body` with `bytes` copied to an address that is `offset` bytes past a 64-byte boundary.
private func withBytes<R>(_ bytes: [UInt8], atAlignmentOffset offset: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count + offset, alignment: 64)
    defer { storage.deallocate() }
    let placed = UnsafeMutableRawBufferPointer(rebasing: storage[offset...])
    placed.copyBytes(from: bytes)
    return body(UnsafeRawBufferPointer(placed))
}

/// A sequence of bytes without contiguous storage, to reach the library's iterating path.
private struct NonContiguousBytes: Sequence {
    var bytes: [UInt8]
    func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }
}

// MARK: CRC32C

@Suite struct CRC32CTests {
    /// A known-answer vector, shown by name in test results.
    struct KnownAnswer: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var crc: UInt32
        var testDescription: String { name }
    }

    /// The iSCSI test vectors (RFC 3720, appendix B.4) and the standard check value.
    static let knownAnswers: [KnownAnswer] = [
        KnownAnswer(name: "\"123456789\"", bytes: Array("123456789".utf8), crc: 0xE306_9283),
        KnownAnswer(name: "32 zero bytes", bytes: [UInt8](repeating: 0x00, count: 32), crc: 0x8A91_36AA),
        KnownAnswer(name: "32 0xFF bytes", bytes: [UInt8](repeating: 0xFF, count: 32), crc: 0x62A8_AB43),
        KnownAnswer(name: "32 ascending bytes 0x00…0x1F", bytes: (0...31).map { UInt8($0) }, crc: 0x46DD_794E),
        KnownAnswer(name: "32 descending bytes 0x1F…0x00", bytes: (0...31).reversed().map { UInt8($0) }, crc: 0x113F_DB5C),
    ]

    @Test(arguments: knownAnswers)
    func knownAnswer(_ vector: KnownAnswer) {
        #expect(referenceCRC32C(vector.bytes) == vector.crc, "reference")
        #expect(CRC32C.checksum(vector.bytes) == vector.crc, "[UInt8]")
        #expect(vector.bytes.withUnsafeBytes { CRC32C.checksum($0) } == vector.crc, "raw buffer")
        #expect(vector.bytes.withUnsafeBytes { CRC32C.portableChecksum($0) } == vector.crc, "portable")
        #expect(CRC32C.checksum(vector.bytes[...]) == vector.crc, "ArraySlice")
        #expect(CRC32C.checksum(NonContiguousBytes(bytes: vector.bytes)) == vector.crc, "iterated")
    }

    @Test func checkValueOfUTF8View() {
        #expect(CRC32C.checksum("123456789".utf8) == 0xE306_9283)
    }

    @Test func emptyInputIsZeroAndExtendsToItself() {
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC32C.checksum(UnsafeRawBufferPointer(start: nil, count: 0)) == 0)
        #expect(CRC32C.portableChecksum(UnsafeRawBufferPointer(start: nil, count: 0)) == 0)
        #expect(CRC32C.checksum(NonContiguousBytes(bytes: [])) == 0)
        for crc: UInt32 in [1, 0xE306_9283, 0xFFFF_FFFF] {
            #expect(CRC32C.checksum([UInt8](), extending: crc) == crc)
            #expect(CRC32C.checksum(UnsafeRawBufferPointer(start: nil, count: 0), extending: crc) == crc)
            #expect(CRC32C.portableChecksum(UnsafeRawBufferPointer(start: nil, count: 0), extending: crc) == crc)
        }
    }

    /// Every length 0…300 at every alignment 0…15, on both paths, against the bit-by-bit reference.
    @Test func everyShortLengthAndAlignmentMatchesReference() {
        var random = SplitMix64(seed: 0xC3C3)
        let source = random.bytes(300)
        var mismatches: [(length: Int, offset: Int)] = []
        for length in 0...300 {
            let bytes = Array(source[..<length])
            let expected = referenceCRC32C(bytes)
            for offset in 0...15 {
                let (fast, portable) = withBytes(bytes, atAlignmentOffset: offset) {
                    (CRC32C.checksum($0), CRC32C.portableChecksum($0))
                }
                if fast != expected || portable != expected { mismatches.append((length, offset)) }
            }
        }
        #expect(mismatches.isEmpty, "mismatching (length, offset): \(mismatches.prefix(20))")
    }

    /// Lengths around the boundaries of the hardware path's three-stream rounds (3 × 256 and
    /// 3 × 8,192 bytes), shifted by every start alignment, against the bit-by-bit reference.
    @Test func blockBoundariesMatchReference() {
        let short = 3 * 256
        let long = 3 * 8_192
        let lengths = [
            short - 1, short, short + 1, short + 8, 2 * short + 7,
            long - 1, long, long + 1, long + short, long + short + 9, 2 * long + 2 * short + 13,
        ]
        var random = SplitMix64(seed: 0xB10C)
        let source = random.bytes(lengths.max()! + 8)
        for length in lengths {
            // The start may be moved forward by up to 7 bytes, so that after the bytewise prologue
            // the aligned remainder lands on each side of every round boundary.
            for lead in 0...8 {
                let bytes = Array(source[lead..<(lead + length)])
                let expected = referenceCRC32C(bytes)
                for offset in [0, 1, 7, 8 - lead % 8] {
                    let (fast, portable) = withBytes(bytes, atAlignmentOffset: offset) {
                        (CRC32C.checksum($0), CRC32C.portableChecksum($0))
                    }
                    #expect(fast == expected, "length \(length), lead \(lead), offset \(offset)")
                    #expect(portable == expected, "portable, length \(length), lead \(lead), offset \(offset)")
                }
            }
        }
    }

    /// The dispatching function (the hardware path where the CPU has one) against the forced portable
    /// path on random inputs of up to 1 MiB at random alignments.
    @Test func hardwareAndPortablePathsAgree() {
        var random = SplitMix64(seed: 0x5EED)
        let source = random.bytes((1 << 20) + 16)
        source.withUnsafeBytes { all in
            for round in 0..<200 {
                let length = round < 100 ? random.int(0...4_096) : random.int(0...(1 << 20))
                let start = random.int(0...16)
                let seed = UInt32(truncatingIfNeeded: random.next())
                let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                #expect(
                    CRC32C.checksum(slice, extending: seed) == CRC32C.portableChecksum(slice, extending: seed),
                    "round \(round): length \(length), start \(start)")
            }
        }
    }

    /// Extending over random splits (empty pieces included) gives the one-shot value.
    @Test func incrementalExtensionEqualsOneShot() {
        var random = SplitMix64(seed: 42)
        let bytes = random.bytes(100_000)
        let whole = CRC32C.checksum(bytes)
        #expect(whole == bytes.withUnsafeBytes { CRC32C.portableChecksum($0) })
        for round in 0..<100 {
            var cuts = (0..<random.int(1...20)).map { _ in random.int(0...bytes.count) }
            cuts += [0, bytes.count]
            cuts.sort()
            var crc: UInt32 = 0
            var portable: UInt32 = 0
            var iterated: UInt32 = 0
            bytes.withUnsafeBytes { all in
                for (from, to) in zip(cuts, cuts.dropFirst()) {
                    let piece = UnsafeRawBufferPointer(rebasing: all[from..<to])
                    crc = CRC32C.checksum(piece, extending: crc)
                    portable = CRC32C.portableChecksum(piece, extending: portable)
                }
            }
            for (from, to) in zip(cuts, cuts.dropFirst()) where round < 10 {
                iterated = CRC32C.checksum(NonContiguousBytes(bytes: Array(bytes[from..<to])), extending: iterated)
            }
            #expect(crc == whole, "round \(round), cuts \(cuts)")
            #expect(portable == whole, "portable, round \(round), cuts \(cuts)")
            if round < 10 { #expect(iterated == whole, "iterated, round \(round), cuts \(cuts)") }
        }
    }

    /// The iterating path for sequences without contiguous storage, across its 256-byte chunk size.
    @Test(arguments: [1, 255, 256, 257, 511, 512, 1_000])
    func nonContiguousSequenceMatchesReference(length: Int) {
        var random = SplitMix64(seed: UInt64(length))
        let bytes = random.bytes(length)
        #expect(CRC32C.checksum(NonContiguousBytes(bytes: bytes)) == referenceCRC32C(bytes))
        #expect(CRC32C.checksum(NonContiguousBytes(bytes: bytes), extending: 0x1234_5678)
            == referenceCRC32C(bytes, extending: 0x1234_5678))
    }

    @Test func maskRoundTripsAndChangesValues() {
        var random = SplitMix64(seed: 7)
        var values: [UInt32] = [0, 1, 0xFFFF_FFFF, 0xE306_9283, 0xA282_EAD8]
        values += (0..<10_000).map { _ in UInt32(truncatingIfNeeded: random.next()) }
        for crc in values {
            #expect(CRC32C.unmask(CRC32C.mask(crc)) == crc)
            #expect(CRC32C.mask(CRC32C.unmask(crc)) == crc)
            #expect(CRC32C.mask(crc) != crc, "mask is the identity on \(crc)")
            #expect(CRC32C.mask(CRC32C.mask(crc)) != crc, "mask twice is the identity on \(crc)")
        }
    }

    /// Golden values pin the on-disk format: LevelDB's rotate right by 15, then add 0xA282EAD8.
    @Test func maskMatchesLevelDB() {
        #expect(CRC32C.mask(0) == 0xA282_EAD8)
        #expect(CRC32C.mask(0xE306_9283) == 0xC78A_B0E5)
        #expect(CRC32C.unmask(0xC78A_B0E5) == 0xE306_9283)
        // The documented only fixed points.
        #expect(CRC32C.mask(0x8299_F00B) == 0x8299_F00B)
        #expect(CRC32C.mask(0xD7EE_9AB5) == 0xD7EE_9AB5)
    }

    #if os(Linux) && arch(x86_64)
    /// The hardware path is in use exactly when the kernel reports SSE4.2.
    @Test func hardwarePathFollowsTheCPU() throws {
        let descriptor = open("/proc/cpuinfo", O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            try #require(count >= 0)
            if count == 0 { break }
            contents += chunk[..<count]
        }
        let flags = String(decoding: contents, as: UTF8.self).split(separator: "\n")
            .first { $0.hasPrefix("flags") }
        let cpuFlags = try #require(flags).split(separator: " ")
        #expect(CRC32C.isHardwareAccelerated == cpuFlags.contains("sse4_2"))
    }
    #endif
}
