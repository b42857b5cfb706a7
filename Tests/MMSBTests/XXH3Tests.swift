import Testing

@testable import MMSB

// Known answers come from the reference library through Python's `xxhash` package (4.1.0, bundling
// libxxhash 0.8.x), generated once with the script below, whose output is pasted into the tables at
// the end of this file:
//
// # pip install xxhash==4.1.0; python3 gen.py
// import xxhash
// M = (1 << 64) - 1
// def pattern(n): return bytes((i * 31 + 7) & 0xFF for i in range(n))
// def h(data, seed): return xxhash.xxh3_64_intdigest(data, seed=seed)
// class SplitMix64:
//     def __init__(self, seed): self.state = seed
//     def next(self):
//         self.state = (self.state + 0x9E3779B97F4A7C15) & M
//         z = self.state
//         z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
//         z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
//         return z ^ (z >> 31)
// def random_bytes(rng, n):
//     out = b''.join(rng.next().to_bytes(8, 'little') for _ in range((n + 7) // 8))
//     return out[:n]
// print("    static let patternAnswers: [UInt64] = [")
// for n in list(range(513)) + [1000, 4096, 10000, 100000]:
//     d = pattern(n)
//     print("        %d, %s," % (n, ", ".join("0x%016X" % h(d, s) for s in (0, 1, 0x9E3779B97F4A7C15))))
// print("    ]")
// print("    static let randomAnswers: [RandomAnswer] = [")
// for case in range(1, 25):
//     rng = SplitMix64(case)
//     n = rng.next() % 4096
//     seed = 0 if case % 3 == 0 else rng.next()
//     print("        RandomAnswer(caseSeed: %d, length: %d, seed: 0x%016X, hash: 0x%016X)," % (case, n, seed, h(random_bytes(rng, n), seed)))
// print("    ]")

// MARK: Inputs

/// Byte `i` of the pattern inputs: `(i * 31 + 7) & 0xFF`.
private func patternBytes(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
}

/// `count` bytes: the little-endian bytes of successive draws from `random`, the last draw cut short.
private func randomBytes(_ random: inout SplitMix64, _ count: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 8)
    while bytes.count < count {
        let word = random.next()
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }
    return Array(bytes[..<count])
}

/// Runs `body` with `bytes` copied to an address `offset` bytes past a 64-byte boundary.
private func withBytes<R>(_ bytes: [UInt8], atAlignmentOffset offset: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count + offset, alignment: 64)
    defer { storage.deallocate() }
    let placed = UnsafeMutableRawBufferPointer(rebasing: storage[offset...])
    placed.copyBytes(from: bytes)
    return body(UnsafeRawBufferPointer(placed))
}

/// The streaming hash of `bytes` fed in pieces of the given lengths (the last piece takes the rest).
private func streamedHash(_ bytes: [UInt8], seed: UInt64, pieces: [Int]) -> UInt64 {
    var hasher = XXH3Hasher(seed: seed)
    bytes.withUnsafeBytes { raw in
        var start = 0
        for length in pieces where start + length <= raw.count {
            hasher.update(UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)]))
            start += length
        }
        hasher.update(UnsafeRawBufferPointer(rebasing: raw[start...]))
    }
    return hasher.finalize()
}

/// The little-endian bytes of `words`.
private func littleEndianBytes<Word: FixedWidthInteger>(_ words: [Word]) -> [UInt8] {
    words.flatMap { word in
        (0..<(Word.bitWidth / 8)).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
    }
}

// MARK: Tests

@Suite struct XXH3Tests {
    /// The seeds of the pattern table's three columns.
    static let patternSeeds: [UInt64] = [0, 1, 0x9E37_79B9_7F4A_7C15]

    /// Every length 0…512 and 1000, 4096, 10000, 100000 of the pattern, with three seeds, through
    /// the array, raw-buffer and streaming entry points.
    @Test func patternKnownAnswers() {
        let rows = Self.patternAnswers.count / 4
        #expect(rows == 517)
        let longest = Self.patternAnswers.enumerated().filter { $0.offset % 4 == 0 }.map { Int($0.element) }.max() ?? 0
        let pattern = patternBytes(longest)
        var mismatches: [String] = []
        for row in 0..<rows {
            let length = Int(Self.patternAnswers[4 * row])
            let bytes = Array(pattern[..<length])
            for (column, seed) in Self.patternSeeds.enumerated() {
                let expected = Self.patternAnswers[4 * row + 1 + column]
                let viaArray = XXH3.hash64(bytes, seed: seed)
                let viaBuffer = bytes.withUnsafeBytes { XXH3.hash64($0, seed: seed) }
                var hasher = XXH3Hasher(seed: seed)
                bytes.withUnsafeBytes { hasher.update($0) }
                let viaHasher = hasher.finalize()
                if viaArray != expected || viaBuffer != expected || viaHasher != expected {
                    mismatches.append("length \(length) seed \(seed)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(10))")
    }

    /// The default seed is 0.
    @Test func defaultSeedIsZero() {
        for length in [0, 3, 8, 16, 100, 200, 1000] {
            let bytes = patternBytes(length)
            #expect(XXH3.hash64(bytes) == XXH3.hash64(bytes, seed: 0))
            var hasher = XXH3Hasher()
            hasher.update(bytes)
            #expect(hasher.finalize() == XXH3.hash64(bytes, seed: 0))
        }
    }

    /// Empty input, including a buffer without a base address, for one-shot and streaming.
    @Test func emptyInput() {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        #expect(XXH3.hash64(empty) == 0x2D06_8005_38D3_94C2)
        #expect(XXH3.hash64([UInt8]()) == 0x2D06_8005_38D3_94C2)
        for (column, seed) in Self.patternSeeds.enumerated() {
            let expected = Self.patternAnswers[1 + column]
            #expect(XXH3.hash64(empty, seed: seed) == expected)
            var hasher = XXH3Hasher(seed: seed)
            #expect(hasher.finalize() == expected)
            hasher.update(empty)
            hasher.update([UInt8]())
            #expect(hasher.finalize() == expected)
        }
    }

    /// Inputs that start at any address: every alignment 1…15 for lengths across all size classes.
    @Test func unalignedInputs() {
        let pattern = patternBytes(4096)
        let lengths = [1, 3, 4, 8, 9, 16, 17, 128, 129, 240, 241, 1024, 1025, 4096]
        for length in lengths {
            let bytes = Array(pattern[..<length])
            for seed in Self.patternSeeds {
                let expected = XXH3.hash64(bytes, seed: seed)
                for offset in 1...15 {
                    #expect(withBytes(bytes, atAlignmentOffset: offset) { XXH3.hash64($0, seed: seed) } == expected,
                            "length \(length) seed \(seed) offset \(offset)")
                }
            }
        }
    }

    /// A vector of random bytes (the little-endian bytes of `SplitMix64(seed: caseSeed)` draws, after
    /// one draw for the length and, unless the seed is 0, one for the seed).
    struct RandomAnswer: Sendable, CustomTestStringConvertible {
        var caseSeed: UInt64
        var length: Int
        var seed: UInt64
        var hash: UInt64
        var testDescription: String { "case \(caseSeed): \(length) bytes" }
    }

    @Test(arguments: randomAnswers)
    func randomKnownAnswer(_ vector: RandomAnswer) {
        var random = SplitMix64(seed: vector.caseSeed)
        #expect(Int(random.next() % 4096) == vector.length)
        let seed = vector.caseSeed % 3 == 0 ? 0 : random.next()
        #expect(seed == vector.seed)
        let bytes = randomBytes(&random, vector.length)
        #expect(XXH3.hash64(bytes, seed: seed) == vector.hash)
        var hasher = XXH3Hasher(seed: seed)
        hasher.update(bytes)
        #expect(hasher.finalize() == vector.hash)
    }

    /// Dynamo KVBM's block and sequence hashes (`lib/llm/src/tokens.rs` unit tests), as listed in
    /// /work/shared/spec/kv-block-managers.md §1.2: block hash = xxh3-64 of the block's `u32` tokens
    /// (little-endian) seeded with the salt hash; sequence hash of block i > 0 = xxh3-64 of
    /// `[parent sequence hash, block hash]` as 16 little-endian bytes, same seed; salt hash = xxh3-64
    /// of the compact JSON `{"salt":…,"lora_name":…}` with seed 0.
    @Test func dynamoBlockHashVectors() {
        func blockHash(_ tokens: [UInt32], salt: UInt64) -> UInt64 { XXH3.hash64(littleEndianBytes(tokens), seed: salt) }
        func sequenceHash(parent: UInt64, block: UInt64, salt: UInt64) -> UInt64 {
            XXH3.hash64(littleEndianBytes([parent, block]), seed: salt)
        }
        func saltHash(_ json: String) -> UInt64 { XXH3.hash64(Array(json.utf8), seed: 0) }

        // Salt hash 1337.
        let first = blockHash([1, 2, 3, 4], salt: 1337)
        #expect(first == 14_643_705_804_678_351_452)
        #expect(littleEndianBytes([first]) == [0x5c, 0xca, 0x2d, 0xfb, 0xd7, 0xe4, 0x38, 0xcb])
        let second = blockHash([5, 6, 7, 8], salt: 1337)
        #expect(second == 16_777_012_769_546_811_212)
        let secondSequence = sequenceHash(parent: first, block: second, salt: 1337)
        #expect(secondSequence == 4_945_711_292_740_353_085)
        let third = blockHash([9, 10, 11, 12], salt: 1337)
        #expect(third == 483_935_686_894_639_516)
        #expect(sequenceHash(parent: secondSequence, block: third, salt: 1337) == 12_583_592_247_330_656_132)

        // Salt hash 0.
        let firstUnsalted = blockHash([1, 2, 3, 4], salt: 0)
        #expect(firstUnsalted == 8_052_976_908_588_476_977)
        let secondUnsalted = blockHash([5, 6, 7, 8], salt: 0)
        #expect(secondUnsalted == 13_852_901_005_659_965_728)
        #expect(sequenceHash(parent: firstUnsalted, block: secondUnsalted, salt: 0) == 4_185_132_130_981_121_146)
        #expect(blockHash(Array(0..<16), salt: 0) == 8_773_583_392_624_668_237)

        // Salt hashes of the JSON salt/LoRA descriptors, and the first sequence hashes under them.
        let salted: [(json: String, salt: UInt64, first: UInt64?, second: UInt64?)] = [
            ("{}", 1_389_868_326_933_519_382, 8_026_409_477_313_730_465, 8_178_148_779_430_958_753),
            (#"{"salt":"tenant-a"}"#, 1_306_913_871_552_960_716, 9_014_295_140_789_966_647, 18_355_373_205_590_363_001),
            (#"{"salt":"tenant-b"}"#, 3_162_266_058_883_251_073, 12_759_996_785_614_022_030, nil),
            (#"{"lora_name":"my-lora"}"#, 1_285_481_999_185_759_667, 11_828_396_059_607_531_518, nil),
            (#"{"salt":"tenant-a","lora_name":"my-lora"}"#, 3_545_163_581_358_595, nil, nil),
        ]
        for entry in salted {
            let salt = saltHash(entry.json)
            #expect(salt == entry.salt, "salt hash of \(entry.json)")
            let firstSequence = blockHash([1, 2, 3, 4], salt: salt)
            if let first = entry.first {
                #expect(firstSequence == first, "sequence [1...4] under \(entry.json)")
            }
            if let second = entry.second {
                let block = blockHash([5, 6, 7, 8], salt: salt)
                #expect(sequenceHash(parent: firstSequence, block: block, salt: salt) == second,
                        "sequence [5...8] under \(entry.json)")
            }
        }
    }

    /// Streaming in random pieces equals one-shot, across lengths that end on and around stripe
    /// (64), buffer (256) and block (1024) boundaries, and random lengths.
    @Test func streamingRandomSplitsEqualOneShot() {
        var random = SplitMix64(seed: 0x57AE_A3)
        let boundaries = [0, 1, 3, 4, 8, 9, 16, 17, 63, 64, 65, 128, 129, 191, 192, 193, 239, 240, 241, 255, 256, 257,
                          319, 320, 321, 511, 512, 513, 1023, 1024, 1025, 1087, 1088, 1089, 2047, 2048, 2049,
                          4095, 4096, 4097, 5000]
        let lengths = boundaries + (0..<40).map { _ in random.int(0...9000) }
        var mismatches: [String] = []
        for length in lengths {
            let bytes = randomBytes(&random, length)
            for seed in [0, 1, random.next()] {
                let expected = XXH3.hash64(bytes, seed: seed)
                for _ in 0..<6 {
                    // Mostly small pieces (to cross the buffer often), sometimes large ones and empty ones.
                    var pieces: [Int] = []
                    var total = 0
                    while total < length {
                        let piece = random.chance(15) ? random.int(0...3000) : random.int(0...80)
                        pieces.append(piece)
                        total += piece
                    }
                    if streamedHash(bytes, seed: seed, pieces: pieces) != expected {
                        mismatches.append("length \(length) seed \(seed) pieces \(pieces)")
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(3))")
    }

    /// One byte at a time, and in pieces of every fixed size 1…300, equals one-shot.
    @Test func streamingFixedPiecesEqualOneShot() {
        var random = SplitMix64(seed: 0xB17E)
        let bytes = randomBytes(&random, 2100)
        for seed: UInt64 in [0, 0x9E37_79B9_7F4A_7C15] {
            for length in [0, 1, 240, 241, 256, 257, 320, 1024, 1025, 1089, 2100] {
                let prefix = Array(bytes[..<length])
                #expect(streamedHash(prefix, seed: seed, pieces: Array(repeating: 1, count: length)) ==
                        XXH3.hash64(prefix, seed: seed), "byte at a time, length \(length) seed \(seed)")
            }
            let expected = XXH3.hash64(bytes, seed: seed)
            var mismatches: [Int] = []
            for size in 1...300 where streamedHash(bytes, seed: seed, pieces: Array(repeating: size, count: 2100 / size + 1)) != expected {
                mismatches.append(size)
            }
            #expect(mismatches.isEmpty, "piece sizes \(mismatches) with seed \(seed)")
        }
    }

    /// `finalize()` leaves the hasher unchanged: a digest after every piece equals the one-shot hash of
    /// the input so far, and feeding continues afterwards.
    @Test func finalizeMidStreamEqualsOneShotOfPrefix() {
        var random = SplitMix64(seed: 0xF1A1)
        let bytes = randomBytes(&random, 6000)
        for seed: UInt64 in [0, 42] {
            var hasher = XXH3Hasher(seed: seed)
            var fed = 0
            var mismatches: [Int] = []
            while fed < bytes.count {
                let piece = min(random.int(0...300), bytes.count - fed)
                bytes.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[fed..<(fed + piece)])) }
                fed += piece
                if hasher.finalize() != XXH3.hash64(Array(bytes[..<fed]), seed: seed) { mismatches.append(fed) }
            }
            #expect(mismatches.isEmpty, "prefix lengths \(mismatches.prefix(10)) with seed \(seed)")
        }
    }

    /// Fed one byte at a time with a digest after every byte, so that every number of buffered bytes
    /// (1…256) meets the final stripe, with and without a seed.
    @Test func digestAfterEveryByteEqualsOneShotOfPrefix() {
        var random = SplitMix64(seed: 0xB1_7E)
        let bytes = randomBytes(&random, 1400)
        for seed: UInt64 in [0, 0x9E37_79B9_7F4A_7C15] {
            var hasher = XXH3Hasher(seed: seed)
            var mismatches: [Int] = []
            bytes.withUnsafeBytes { raw in
                for length in 1...raw.count {
                    hasher.update(UnsafeRawBufferPointer(rebasing: raw[(length - 1)..<length]))
                    if hasher.finalize() != XXH3.hash64(UnsafeRawBufferPointer(rebasing: raw[..<length]), seed: seed) {
                        mismatches.append(length)
                    }
                }
            }
            #expect(mismatches.isEmpty, "prefix lengths \(mismatches.prefix(10)) with seed \(seed)")
        }
    }

    /// A seeded hash of a long input derives its secret from the seed: it differs from the unseeded
    /// one and from other seeds, and a hasher copied mid-stream continues independently.
    @Test func hasherIsAValue() {
        let bytes = patternBytes(3000)
        var hasher = XXH3Hasher(seed: 7)
        hasher.update(Array(bytes[..<1500]))
        var copy = hasher
        copy.update(Array(bytes[1500...]))
        hasher.update(Array(bytes[1500..<2000]))
        #expect(copy.finalize() == XXH3.hash64(bytes, seed: 7))
        #expect(hasher.finalize() == XXH3.hash64(Array(bytes[..<2000]), seed: 7))
        #expect(hasher.seed == 7)
        #expect(XXH3.hash64(bytes, seed: 7) != XXH3.hash64(bytes, seed: 8))
        #expect(XXH3.hash64(bytes, seed: 7) != XXH3.hash64(bytes))
    }
}

// MARK: Tables

extension XXH3Tests {
    /// Rows of (length, hash with seed 0, seed 1, seed 0x9E3779B97F4A7C15) for `patternBytes(length)`.
    static let patternAnswers: [UInt64] = [
        0, 0x2D06800538D394C2, 0x4DC5B0CC826F6703, 0x602B0E2CD6662C8B,
        1, 0x4C5CCA45D0F4811F, 0x0A187BF012ECA100, 0x2F3ACD3805F81DE3,
        2, 0xA7E250C97710FF27, 0x043DF47A13488E85, 0xAE890DEB5EF9A522,
        3, 0x15F7093B173D005C, 0x2D2F08AD1DCF5855, 0x079DD5D54D89480A,
        4, 0xDCA012F95811B6B9, 0x147BA1078A952951, 0x1A246E2EFB9C9B2E,
        5, 0xB290CAFC7B254345, 0xE7D1024F783FD9C7, 0xF35F0DFBB65FE08F,
        6, 0x99B2E675FBA1E0B5, 0x6C48D80EF427E4F6, 0x22969ED3EF9A1B37,
        7, 0x7561869C23DA3C1B, 0x936879A148433A5B, 0x09E5BEC831FA48C0,
        8, 0xDEC6A9A43575982E, 0x93DB64E0C78ADDF0, 0x19EF7D3919108AFF,
        9, 0xCBE393399F17FFBD, 0x9B4AC94407EF94F7, 0x9C98D3E24DC54D34,
        10, 0x02AB330B44074AD1, 0x48A62F62A69DAA05, 0x2B6FBFF391E16357,
        11, 0x32F214DF8EED29C2, 0xC594609F6A0BF720, 0x6E882D86B6F9E87F,
        12, 0x46AAF92C7550AFA4, 0x943EE29B11F318CE, 0xFE2AA65FA753FC49,
        13, 0x9E314510B0DBD95C, 0x9CD8483AAF49ADD5, 0xA58A3864CF7FD544,
        14, 0x11C33B5547089FEB, 0x03BCAD4B48F8E7B4, 0xB98DF3469F434BDF,
        15, 0x545E19990471DC37, 0x8A5A63B56A2B5C05, 0x9A393060BCE10286,
        16, 0x7E484C18D74895D0, 0x5EB10BD46EBEB101, 0xA106510078B0A252,
        17, 0x208BDE5EE2BED407, 0x40EE90E37FF57A2C, 0x0B2CAF8BF9648EFF,
        18, 0x0B2FC9EFCA72F11F, 0x8234D6DC7F218DA0, 0x16DD54F5E3B57EDF,
        19, 0x4A8E9636611EF195, 0xA8A452057FEEBBEC, 0x0CBFEDDF2425D905,
        20, 0xB752B00444280FD5, 0x217D080BC4149CE4, 0x20A23DBB8A643364,
        21, 0xC0C251A7AAA88000, 0xED29C9A386AE0427, 0xA747B9BA0C6AA0B4,
        22, 0x00BEC0F929FB1424, 0xB95E6D754EF41E49, 0x591734634F337F82,
        23, 0xF1ED4292DD803AC6, 0x43A206641500C9FB, 0xBF0A09DCEDA51953,
        24, 0x48953B9E46EA32C5, 0x4CBA307B4424425A, 0xE5D356A749AD4F80,
        25, 0x2CB743CC698A6B5B, 0x2256E0734D7016D7, 0x7931E434832D328C,
        26, 0xBE451D7CE35FA496, 0x526BEFFAD722D1EF, 0xB60C5BCB37AC4178,
        27, 0x482DDC5D1C67B259, 0x18B1F2455F88735C, 0x3457FA37DEB3F99F,
        28, 0x711A5D15799C5096, 0x53FC7299483750D8, 0xC4798E09484C0E30,
        29, 0x77FAF0F24F702D64, 0x4E8B027BB3528D8D, 0x304827F5A51F2D70,
        30, 0x96A2ECA234677819, 0xF3E5B5AF993C59C5, 0x5202B1979BDF8093,
        31, 0xA937652B0119CA11, 0x872CB66EA8834617, 0xE425437C705FBCA4,
        32, 0x03DF0AC5255D1446, 0xB101853DFEAA2516, 0x3ACBFDFB7E9F9668,
        33, 0x199A362122D71F46, 0x59E3EA853EC783EB, 0x913B37D6B8DF6D23,
        34, 0x502358051CDAE375, 0x1616F2A711AD4604, 0x180DA4181AA0DD56,
        35, 0x3979F3A31317573B, 0xA25BB4DEE35D6F94, 0x51BC5B05134C16E0,
        36, 0x362C6FED990FB45F, 0xD55ACC56F86562EC, 0x55E4879314BC07C0,
        37, 0xE07BDCB266833293, 0x44FD14E919D81E4D, 0xDE05B525DB116FE5,
        38, 0x3CEB2F4C443330CE, 0xCB349C157953FDAB, 0x00E11166B59125B8,
        39, 0x35590C4B1B716079, 0xBD7D7C400701BFF3, 0xB83FC0F027B7C533,
        40, 0x80EF652AB3F1B4B5, 0x7C8E15577DF53198, 0x33A7815F8C12100C,
        41, 0xF88AAD891AE21EDC, 0x0C79C9855308F65A, 0x9A2F4BDA9AE2576A,
        42, 0x491E0741086BC8B1, 0xFB47FB79E0D29B69, 0x9B416FD8C85ADED1,
        43, 0x7FABA0B013E5699B, 0x8C96F1E082152096, 0x30F899B799D4A43F,
        44, 0x63CC939553A0F673, 0xF61150368E9D6399, 0x8B6C7185FDF03334,
        45, 0xFEF1383EA53F9386, 0xE743303B46E4F035, 0x5F7289E82988570B,
        46, 0xFFAA39765685D4D8, 0x2ADB57EA79509C83, 0xD1FA97E8EA11FBC0,
        47, 0x0B9D89B90EF6F825, 0x5DA4ACAE7E04F0D2, 0x7F25F69480352283,
        48, 0x37FC8C692BC274E1, 0xE99DF214FE03FFDA, 0x0D075F19AEC95AE5,
        49, 0x600574020639D802, 0xCF701DB18A483222, 0x7D89FA304167C156,
        50, 0x98EAC754DE954C04, 0xCA58AB0B5335C6DB, 0xC18177CBC67A9E40,
        51, 0x4EF18BCBBBE5C7B4, 0xE538F6CFCD9D831D, 0x9BBA0DAD2B904F2E,
        52, 0xB618D180FB23C0E7, 0xD02CA823888A0E82, 0xDFD62A8891FFF636,
        53, 0xA88E3182010CACD3, 0x9F095AF92F003CB9, 0xF9A066EF504C3BCF,
        54, 0xE670FA5605D0BBCF, 0xBFFAE99C00A724D8, 0xE8DFF457261DA688,
        55, 0x1FC37B65EEB8CE92, 0xB483C3B62A123FBE, 0x3BE757B88F024A90,
        56, 0x3C837CC3C15A01BD, 0x6B6E042F88497885, 0xB0D28C9F1FCF175B,
        57, 0x5298171A4B2C5766, 0x8E977B46F27FC494, 0x76749A076C020FC8,
        58, 0xA4F0435A673B9650, 0xA4B37C92BB20DE83, 0x5CE499FBA6A9BE6C,
        59, 0xA12450AEDEDA97C1, 0x8240F3CD1C0BE190, 0x39FD7C2E37BC8157,
        60, 0x5B53AF902B44D30E, 0xF5221AC803CCAB85, 0x3BCEA832C877AA42,
        61, 0x104CC689E1C6359F, 0xDCD3C3748A4D2220, 0xB496D50A263C1423,
        62, 0xC7415EBECF37BE00, 0x4807C417B8C44A41, 0x0A395F7C4A5CDD70,
        63, 0x76D4EEC1F092847F, 0x462E0519C1774BF3, 0x46497A4A99AD609F,
        64, 0xDD30702AB46B3745, 0xA6C1A8DF0FFFF23B, 0x4490C19C7048A1A1,
        65, 0xFAB36B851B94CE20, 0xAAA8C39188E70F3A, 0xE6C2315AB5F5C409,
        66, 0x7ED877EAEB7AB09E, 0x3B23DDFCA577FACF, 0x4D163DE28067FEE1,
        67, 0x5679E93EBB6B4667, 0x8688ECA3D6C52FF7, 0x6F03A0A2D2773D94,
        68, 0x48A7F2C0BB6660D6, 0xB43407E0C63F42EB, 0xC8AB93F55BFF7B1A,
        69, 0x5B605745067F8F78, 0xDD2FB34D97D2C826, 0x4C3A5A0C3A5C6ED6,
        70, 0xD254549641CA7CDA, 0xCDE86397F345DC3F, 0x8C913C3EE23E7689,
        71, 0x6B020D44D649CD18, 0xCC66437F767148DE, 0x4769CAFCBFE67854,
        72, 0x8A3F6FB70E7F3C5A, 0x874CE2A132D8E845, 0x289FD9A0A41EA658,
        73, 0xD63AD17C03358856, 0x4A0ADA5E1220DF05, 0xE87418EB584DF2F8,
        74, 0xADB5D6B84BB0C7E6, 0xA02F7FD41DDDF05B, 0x9BBFE9A7C1718883,
        75, 0xF38E445BE5BB7774, 0x848EC74A2D6832B0, 0x653C7A2766EC52A9,
        76, 0x924AE4523FDA2623, 0xB4EAC26FBB4BBDC8, 0x4799BDECA092C482,
        77, 0x80AF1A82D31F26ED, 0xB4588E89132214CB, 0x5231CB665BCD0BD9,
        78, 0x5BAE338F3410811F, 0x3022DEBF6A1C72A2, 0x29132566DBCCEF5F,
        79, 0x2DB5E7EDF9911248, 0xF3E4FB8916364978, 0x9FEAB05EC98C2E55,
        80, 0xBAB4673AB248E1E2, 0xC32B29B8D0C10DC9, 0x3199CB3F8B229597,
        81, 0xADBB20E609FBCCF3, 0xD0B3AACBD9724EF2, 0x96845DF400B93724,
        82, 0x914A22AE0735C26C, 0x1A4C1F39585D975C, 0xD6B7B92EACB538B9,
        83, 0xD310FEA8290ADF1C, 0x5DDD3C32DE265DE9, 0xA308B4967678C911,
        84, 0xEF3D3650AEBA996D, 0xDED455F0F4B1864D, 0x64EFB79320FA88C5,
        85, 0xA6B8F2B76480C80F, 0x977449F5CA6AADA2, 0xA728E97FE219DF8F,
        86, 0x422F63CA8DB1DC58, 0xD8D43D751D91B810, 0x44F059B47A7B186B,
        87, 0x578E0991378B0EDB, 0xBA29C77B63436AFD, 0x393FB649CC5A4324,
        88, 0x56B28C120F398E4E, 0x860FA657378F728F, 0xEB04D260353560DD,
        89, 0xB1B9CD0D8836C6E5, 0x1AA298139D0CF05F, 0x2609F4E54EEFE0E8,
        90, 0x8BF0778B4AF4060A, 0xD54338A5E8722448, 0xB3DAA3EED8746094,
        91, 0x6C1F0CDEE38BBE57, 0xAC094517798C6E8A, 0xAD87F171BF0C7821,
        92, 0xC8C7B7A3F485984C, 0x2AD07CA863D9CD4F, 0x042B1FC91DF29807,
        93, 0xBB1E53010E1FE285, 0x2C0887E9E1A0EE0E, 0xDE9E61F0BA936664,
        94, 0xA381F91D6391149B, 0x7433E6ADAC26CCCA, 0x0CEB8B20D3BBAB14,
        95, 0x9857E7A5A42C6FE9, 0xFFADC6FE3745F4A4, 0xF59B80303B388A81,
        96, 0xD245CD2541582982, 0x7B7DEC87B161842B, 0xB0D250DF3FAB2308,
        97, 0x60E3E1D0D43785B3, 0x3BA4DC11DECADB67, 0x9E127E846B5494C9,
        98, 0x5D08D66481F2CA1D, 0x69C5585A28D25EC5, 0x9702739F21A34A8B,
        99, 0x5E2543D8EBDD1946, 0x4CD0B62668DE561B, 0x696AEB537124725F,
        100, 0x8C97158042FBF926, 0x61BEC5F2885427AF, 0xA0F79A4CA977F3F1,
        101, 0xD2FDB1AA73B78A0A, 0xDA2018DCEE11A999, 0x24C6083425C8B31D,
        102, 0xD9EF45A695356955, 0xB5B4D7D18123C978, 0xBC87557FA5B30741,
        103, 0x22E5AF597A44AC05, 0xEA25AF7897399829, 0xCF22BDBCD196EB12,
        104, 0xD3DCE276C955E780, 0xEFCDFB9E11E400A3, 0xAAFCA2D8302EA58B,
        105, 0x77B5B20585CB1848, 0x12404F7EEFDC2DE9, 0x6B74E82ABA9FE22A,
        106, 0xFA0D562D176E7144, 0x33673AFFC90E6D8E, 0x4070B1BCC3ED5ABD,
        107, 0x763F0966982E0C4E, 0x27CC9D462C8633DE, 0xC9D71C28171EA7BF,
        108, 0xBAA3A573CADFA833, 0x77A269909DB8B1DF, 0xDA8B0929CB7BC3A3,
        109, 0x56F9C083F935B104, 0xFBAC3348FD1C1B01, 0x25ED70A62340B068,
        110, 0x60BCA2D0A693E0FF, 0x29C2E53BE695E282, 0x9ABA8FC27BFDD022,
        111, 0x22D06AD6C0216EC3, 0x30651D8920F4E791, 0x3F9F6999BFFC8245,
        112, 0xDBAE773438781980, 0xEC4B484EA0821212, 0x192B34822F9ABE53,
        113, 0x18F12E161C06865B, 0x592D2929BD1B1198, 0x58AFFD8F214FE2DA,
        114, 0xC48FC7C4E67F0A55, 0x95879C0914159264, 0x83D1FF625464AB6C,
        115, 0x5394B3C6F33D6C02, 0xEEE5C020B3A005D9, 0x42F7065B1BF93CAF,
        116, 0xF9DD9E1211E25D2D, 0xD85DB7C8DD4800D7, 0x5DD284E5D45AC8A7,
        117, 0x7044BACB399D52CA, 0x596DB3E584DB8507, 0xDFEE6E1BB2BDDAC6,
        118, 0xA97B6C41A31CA72D, 0xEA303B76855B8A3F, 0x74553E8C239FC982,
        119, 0xD1FA6A6C33ED184C, 0x520C882FB80CFF67, 0x72FA19B65F986CE7,
        120, 0xDBB9FC4818080EBA, 0xF5FB6594F6708A9C, 0x41BBFFF716FA4C27,
        121, 0x5884CD0CF2CB9749, 0x6CE4AF0175823E70, 0x9C1FCA4533E6CE22,
        122, 0x866A55EEE34E87B1, 0xB4F1BB2B06B22A47, 0x1ACC9F6EF51396F1,
        123, 0x08649EFE402A8B29, 0x65F25B843D76DD69, 0x557596906F0097FE,
        124, 0x71EC3FCE38B2EA36, 0xF282A8E197972394, 0x976E77D5EDDB7377,
        125, 0x65E3707C889A12D0, 0xACFD40C36F528B3B, 0x8B4BD90994830ED0,
        126, 0x71E3999204F56048, 0x8D282F45773F6EF9, 0xAEBFF178DF598DE0,
        127, 0xA915ED6396DB8CC0, 0x6A273C568A51AF55, 0x30B3B03D7D3A07C1,
        128, 0xF92B70EAA21A6288, 0x6673C6814E935B97, 0x95425530BEB89FE8,
        129, 0xF8F76713F2BB60FA, 0x9638166292586E74, 0x29FA850B97ED9666,
        130, 0x303A2C3823C3C34A, 0xE42B3A24D1C1068C, 0x4D39C165E092A55E,
        131, 0x9DDF75554D4EF43F, 0x86CEA93D23380916, 0x3C8F6158FCA474FD,
        132, 0xEC1ECD2020110609, 0x147C83ECAF86B56E, 0x8DD052C4CDE90EB6,
        133, 0x8374B8D42931F8F1, 0xB8941F0CA394AB3F, 0xDB2FD935F8AEB4EC,
        134, 0x94DFABF82DB326CF, 0x04EF7AC0F3513875, 0x26DCCF156947F79E,
        135, 0x54659005622C9884, 0x39278A7659940DCF, 0xC3E4CCD80FEE50BF,
        136, 0xA62BEC58F8DE6B28, 0x2105E764E9B52AAC, 0x181AA71FEBA1A906,
        137, 0xA1ECCF34D87679AB, 0x041319AE92B5565A, 0x0F33F06E3B987DA8,
        138, 0xE1A6ABF613D0C713, 0x500A115815932A1F, 0xDE0A3D7E3B5FB109,
        139, 0xD4D888EA09AD8BE2, 0x8DF9C5D1FCDB2112, 0xC4BE0BB5E4EFB303,
        140, 0x73F9BF9367A34A5A, 0x0B371258BBC5B027, 0xD13C172636A24351,
        141, 0x265CB82209B57673, 0xACB767A027BD5DF1, 0xE893C8B3721B17E7,
        142, 0xC56B3AE0803AA7F2, 0x83C32E6BAD36F9BA, 0x10F7D8850C7A14D8,
        143, 0xC372F52C27156971, 0x4ACFF864C994529A, 0xDF85E5C848EA1486,
        144, 0xD87F00765EE3D89E, 0x0234026A045D6F87, 0x66714A2BE4C5A8DD,
        145, 0x65D480417B4734F8, 0x456D34652623E47E, 0xFBFE9BA4AF5E2C8B,
        146, 0x86C2036CE5E060F8, 0x49BD624E828E55C7, 0xB955E7D91A8C81C4,
        147, 0xD07B5C2F0FEFD8A8, 0xFC6B8B69AFEB8355, 0x66EA45FF51B179A0,
        148, 0x91DBBDAE16D82B72, 0x03B1221D107EDAD4, 0xFE7FED07C3D2CB14,
        149, 0x7749C551163F6B04, 0xB94F9CE7CFA8A9AE, 0x6F3A791552082762,
        150, 0xB87AA95CB5F54AA2, 0x7217EAC4D8AA54A9, 0x76B0BD1A6B1B1106,
        151, 0x01246A53C1E24E38, 0x7811E343CCEF78C2, 0x7D9297F1B54849B8,
        152, 0x665C91B034D599BE, 0xBB84DEF5F0AD0D59, 0xD603E71B396812A1,
        153, 0xEE6DDBE8D073C666, 0x463417F4D210A947, 0x4FC52599CDC6A594,
        154, 0x2F8D3364D5DFCCC8, 0x95426D2AB86DEFF9, 0xA0009025CB6E062F,
        155, 0x11F85D6CD9966443, 0x4E15C2B30366C5D9, 0x4F77E204419473F8,
        156, 0x15F260BA4B1E0968, 0xE5D5189EBA1D38EE, 0x98D1AABF0E65E11B,
        157, 0x063B1ECD55A72930, 0xC134133B4CBD8114, 0x7DFEAF5931525B41,
        158, 0x25BB4A9FB16A2D48, 0x898DDB4DF127E80D, 0x1F90692A736946E2,
        159, 0xA327B7CAE27C8E10, 0xB70BEB490290E404, 0xD738D5017BD197A0,
        160, 0xC90911FFCEF461E2, 0x8F9FA718814009AA, 0xBE673734BBE06200,
        161, 0xF11ED84F70BADE2E, 0x1CCE8887038529E0, 0x8FE7C77425671941,
        162, 0xDE69B26DE1A9B3F2, 0x0E9CA98FEF471683, 0x35CD338FE754716C,
        163, 0x0AE8762E72422656, 0xA664C48606089D43, 0xE0D140DF72747D50,
        164, 0x4B00656E32461C31, 0x27A44D04434EA5C0, 0x06F2645DC9C31777,
        165, 0x7BA0C08511BBE8B3, 0x5B6A7EDC7D90623E, 0x492699AB688176F9,
        166, 0x27CDA8258D9B1179, 0xB4B2C92D66123080, 0x58AE626000E7A204,
        167, 0x87B3E083141F3409, 0xAF02E2B40272DF05, 0x25FC7206CD1A1F65,
        168, 0x3A62B95662105E41, 0xC7D00015BAAA1843, 0x431CE727A7CB3535,
        169, 0x01B490D2D915ABAD, 0x5469582DBF51BF35, 0x2A674737B13BE4BF,
        170, 0x643721C9BF32781C, 0x0E2ABCD65D9F0936, 0x24986B838BF03F53,
        171, 0x8287C649CE43E397, 0x7A3CDAB01D3092D3, 0xFE1B56E995498F2F,
        172, 0xA3DAE8F46D8FD330, 0x3EC1AEAFC40F97AC, 0x35CE1B13376CC9E3,
        173, 0xC1F47864F99336FC, 0x2AE2E66BC10D7C4F, 0xD4FFA30BF360558D,
        174, 0x5C0072559C0DD67B, 0xC606C465818651D1, 0xD1B8A7DB8B15830F,
        175, 0xBFDAB869A2187B30, 0x8D8513DA6BF7CDEA, 0x622E1DD84AE452A6,
        176, 0x67F10AAF46D79A44, 0x282ED7E46BA3AD59, 0x6FB661352912447C,
        177, 0xA8ECE1C90E74EFBF, 0xC2FB0E7AB2ED2718, 0x8BF08DF3EEDCE5D2,
        178, 0x50887A99D15A2CFA, 0x08C9CAD76F0B2FCF, 0xA64E93317DEA8DC0,
        179, 0x32DA48475D1B8AD5, 0x079A68C1062952FA, 0xF4CC8988EEF51268,
        180, 0xBB150B04DBB71027, 0x3DBB621B21782A47, 0x705742F56114DCFA,
        181, 0xCE006955E8EA3D6A, 0x3AF56A1D227344A2, 0x636A99F777EDA7C6,
        182, 0x3D8CC59B34A1D734, 0xF3726DC2E971610D, 0x4DB144BC322F541E,
        183, 0x8807C2BF48AADEBC, 0x150DC36C63ABF125, 0x98DCB70F5B1373D7,
        184, 0x530061AF42546BFA, 0x52DF5202D5195DE3, 0xDCDFAA4A616D9EA1,
        185, 0x955B87DACB465BB7, 0x052BD93B210E9C51, 0xAEB5B8ED54C16028,
        186, 0x82F6FEE48CC701C4, 0xF37A025174C6B090, 0xF417724A7E0F851C,
        187, 0x338ED6D7173FFE5D, 0x8E9AB2C0B2523D3F, 0xC23E5A4EF901DF18,
        188, 0xE29FFC4B065C0C89, 0x01AF375F436BAB3A, 0xA739C7CB2693E67F,
        189, 0x0FE5C2E35A759AE3, 0xC39D678F3ACFF86A, 0x5BFACA3E1104DFFA,
        190, 0x2F77A9373BB6E149, 0x74AC68E599BD3079, 0xE9E1B3234B116052,
        191, 0xF0025E0992B308FB, 0xD9E3BD04869A2DFD, 0xFF42086F0F44EC5E,
        192, 0x084028FA06F01D30, 0x42C53D43CC60CAC2, 0x775B5761BF542D4C,
        193, 0xF0EB08BF31CA42B6, 0x5C582737DB46E25D, 0x3BF28952FD0232F3,
        194, 0x88510EBA2C60EFE4, 0x7E3CA1754D47B92E, 0x608C6A2A80C697DF,
        195, 0x5EA76D72C792B501, 0xDAD965E0C0A18375, 0xDC76EA0DD9CECE76,
        196, 0x69A29B581AE42494, 0x8BA2BF7139B6DD61, 0xD645E366D85C1943,
        197, 0x7B7DCEE881E9EA8C, 0x561DD538A97DE670, 0xEE34F2D1529690EE,
        198, 0x3622E29DB96318FC, 0x744368CF533F5863, 0x731182B9D2096505,
        199, 0x8124966E9386EC04, 0x2DE1251ED04CFA7C, 0xA76A1EAEAC581AC0,
        200, 0x12FDB864685F344D, 0x70B275726591737B, 0x49DFF623641B01B4,
        201, 0x16101B47F8644472, 0x1C8CE35FDE7FD67F, 0x8752C67A5C4EF1CF,
        202, 0x4A2DEC05A37C91A0, 0xFC5ED479AA2F7873, 0xA4324FC69CE7228C,
        203, 0x0FAC1FABB0A5293A, 0xEE3E012016D1FFCE, 0xA285793BCCBA8EF6,
        204, 0x0E1F9008494D4FD7, 0x90689F97EBDF7B36, 0x5892A84F19497544,
        205, 0xDC66165D9B20E180, 0x4657B7D7C0989F27, 0xE1EB5283DA3AC20B,
        206, 0x1718EA095C340389, 0x4CBEA9239E360471, 0x4C75692B86E2B187,
        207, 0x5F43962E18ECA50E, 0xA5945906561D65FD, 0xD36437A2F6D2DBED,
        208, 0x80826D7A65BE5E69, 0x61FC621303E86265, 0x26F1076AE366E8CB,
        209, 0x6A4F9F953DE8F7E4, 0xF7B1C285BDDD6080, 0xFED724533A33322B,
        210, 0xAFCC79D2B952690B, 0xB60BAB934D3CE002, 0x2776F539AF4A3BF7,
        211, 0xB95F2C918D8FA761, 0x6D95B85A6BBB885F, 0x753697FC25D0F5CC,
        212, 0xDE10988270DE16B4, 0x3E1A70B5BB059C70, 0x21694D052B533D95,
        213, 0x7F939839DD0460DD, 0x416C9A724C203E62, 0xBC17283CE6344501,
        214, 0x71C112F5C1A6C2EC, 0x13CE6B5953BC8E35, 0x77B4CB7006D672E9,
        215, 0x2B3D2C4E3DCA7A16, 0xB193B6B4D1CB984D, 0x550A78A84876E375,
        216, 0x7DE819BE3E17B031, 0x71FCF38B6FAC3413, 0xA022736C00E59B0B,
        217, 0x24667FF21981291C, 0x1CF0358B8C8438A6, 0x3BF87D03ABE65AFB,
        218, 0x403CEC6B6DDE22FD, 0x510FBD316A35720D, 0xA09F1AD41E5D4335,
        219, 0xA21DB8D0BFDA5B12, 0x16E6E838DB93507B, 0x9418B5CBC3994C79,
        220, 0x72DC002165C95F3C, 0x494692B9BF999461, 0x9CFAC68F371C7F2C,
        221, 0x5EFC45722724A76F, 0x3E6654F582248F8D, 0x3046BCC67F5EA17C,
        222, 0xBEFF6AEF7D2C8900, 0xA3D929728AD2EA00, 0xF45AC6CB4B4E4FFA,
        223, 0x6E8F4C03ACCAB5A4, 0x74908DD71557EE8A, 0xEE25C51E02B57D76,
        224, 0xE69E5C66A23443BC, 0x926AA6461F33B07A, 0x09D140534132D537,
        225, 0xD01A4F7215895C93, 0x129D9225316E918E, 0x0610DE07EFFDCD38,
        226, 0x33CD79EBC1406B8E, 0xC183BE31C7710F43, 0xB0C36377284FBC2F,
        227, 0xD16389C3956E82DB, 0xC87E032972922D6D, 0xE1BA251BC79FD99F,
        228, 0x8BA30402067714E9, 0x95DFD93E8CDAEF7D, 0xEDC571258834653B,
        229, 0xEFB75E81F42711C2, 0xF2B56F4D7026FA5A, 0x891D53744B7CCFE4,
        230, 0xB73BA8942EE8EC15, 0x70FD7DF04BD4B3D2, 0x08EDAAC83D800B9B,
        231, 0x90B17DDB0B598B06, 0xE9DA5FA0785EC01E, 0x32F76F9DC33C87D1,
        232, 0x1EB54C570C6806FF, 0x92E8E017102014C4, 0x02E8B01E09D087CD,
        233, 0x409DAEBB5CF1CBE0, 0xF7555956359247E3, 0xD1BCFEB1F9EFA6A4,
        234, 0x7F230CB54EDC2575, 0xBD8CE1489A82242C, 0x11E4533E727D6C08,
        235, 0x89AA4D3171C051BA, 0x877E0F4035CA24DD, 0x14FD912F8EDA1626,
        236, 0xA2C90D7776C670EB, 0x0AA3549F2B490A50, 0x63C60CAFC5DDEC74,
        237, 0xC80C97D6950B23F5, 0x769FBE1BC4CEDAA3, 0x261533CEAB3E597B,
        238, 0x7F477F909665B010, 0x7B83D5F48DD34317, 0x4BE121042EA0C129,
        239, 0xCAA9B7A588464745, 0x0586C34256F0CF0C, 0x49A8E9695EF4AB09,
        240, 0xCCC7375172C41F03, 0x8B1FDBBE81E5919E, 0x2D882E7899FF64CC,
        241, 0x0B3B630948CE4A00, 0x74435D0ED97C22F9, 0x422E82E8913E49E0,
        242, 0x64AC2C6712669E05, 0x37214C8DEE015129, 0x2CA1F784FF233471,
        243, 0xCFFAA40F5965922D, 0x31915420E8C1F08F, 0x1FD5F3F441DE23DD,
        244, 0x79217054E33AC2A4, 0x9799E58C5B3C7818, 0x9BABF511567C9C8A,
        245, 0xBBEDBCB1301BB022, 0xAAFC466C2D346662, 0xF12E16CA8D2DB2D1,
        246, 0x39B4015E13725A91, 0xED040152AE0275FC, 0xE03A889B3E0B2981,
        247, 0x7241D3E647366786, 0x7C35FDC12F02AF07, 0xAFE52C4C2E4E7B1D,
        248, 0x81D90928AC0EEB66, 0x3A4C1E6C49442BB0, 0x95079663CABB8F93,
        249, 0x2F4F47DD7C3957D9, 0xE5B4202CC0BCAD0D, 0x87A15764E47A0101,
        250, 0x359FE5D526851D06, 0x94EF5141A1CCA138, 0x0FA8F848AC3DD775,
        251, 0x0EA0F7ED02748029, 0x41969E953C3EE2AC, 0xF41523F40926EFA6,
        252, 0xA9CCD8780A626691, 0x638ACDF03BAD4EA4, 0x669F76E653A38F2A,
        253, 0xAEA766E710BB3AEB, 0x8049DDD76C4F9D0E, 0x4989D2386349CBD7,
        254, 0x51B4770C44653EF6, 0xF48D82CBB24884AA, 0x36ADA9D32BCEBD05,
        255, 0x89932170686CDD9A, 0xD0A517BFF9183F43, 0x8F2F859CE5068DDF,
        256, 0xEC85B75BAFE6CA74, 0xF449472BC405D7D3, 0xB4DBE810E81C3D97,
        257, 0x12EF0FF633841459, 0x77D02B736D0509F0, 0xB87FEDCB6C4CD0D3,
        258, 0xA4E6408D09E952E3, 0x84D02F2DD20415C4, 0x268F302FCBA3829E,
        259, 0x954BB7C819D7C692, 0xC0D4C94D5E0B3EC0, 0x88AA909ECBCBE55A,
        260, 0x4150449C54AE2818, 0xEBC2BA9E2CEB7FE8, 0x0F0564669B69C164,
        261, 0x490BAFD842C62536, 0x7B8E5FF2D11B52DE, 0x7D9FD8DBED6703F1,
        262, 0x93C74114185BB9F1, 0x472AF4F4F4C0C17D, 0x12213AD5BEB0D7E4,
        263, 0x8C32F72EE30ED67B, 0x1ED05223479FBF76, 0x50B4CC127E46E57F,
        264, 0xCFEC02E4C65BD842, 0xE0C297AE874EE5B1, 0xD7284606220B6413,
        265, 0xCBA945B79BF66219, 0x9357E94E7A719A57, 0x9EB9EFA836B6A5FA,
        266, 0x73CC985D4262F1BD, 0xCF840FA2A9140E73, 0xF0ED80E776474F4E,
        267, 0xEA08024B75CEE207, 0x6EFB13640FBD4E37, 0xCDC7BA1686B3C199,
        268, 0xA34A41F5B9290997, 0x3F6EF07FEA88812D, 0xADD46A2998E4064B,
        269, 0x9849DB6A8D8A039D, 0x7CA861576FC81061, 0xBBD0DD01945A5B77,
        270, 0x2D3F19FB47538BFD, 0x2418A770FDC3802F, 0x3C03677E43A4A5D1,
        271, 0x1462787CC436C2AC, 0x2E3488BAE6CBD104, 0x7A31EC9A856D10C2,
        272, 0x7818444DC3FC7377, 0x909308514F442075, 0x075ADB416F6621F6,
        273, 0xBE33F0CC03EFEC53, 0xEDC9D5AD65F21D48, 0x30E5C8BE5044C892,
        274, 0x40209D9B28A3090C, 0x66113732A0F74AD2, 0x3693F4D951B1D1C8,
        275, 0x1F2190EAE6926C89, 0xA240E4117AB04D21, 0xD334066ACB3506F3,
        276, 0x08A98724B9D4BE39, 0x602DE64D977D60B5, 0xBF4EEA7BBA68D281,
        277, 0x073CC2461C21A8C2, 0x860203809C791E44, 0x1CC4EA66F4A377FC,
        278, 0x6573D2625AD5453B, 0x253C14A8228BFAAD, 0x6AAE6BF6774A065B,
        279, 0x238E1629B7D8A8DD, 0x5E425C8678390872, 0xF6A45DC8AE6792B2,
        280, 0x9020CAB4D10A7DD4, 0x6DF103687BBED464, 0x834AC7F535C5A53B,
        281, 0x3F18233E9A6FEFB2, 0x4076C479C3376D39, 0xDCE4E304A9F896A3,
        282, 0x8E61883AEB841CF6, 0xD238B020E9898408, 0x8383B96A0FC940CD,
        283, 0xAC3E9F2639B847D1, 0x8469692C7ED6377C, 0xADF2B20A54774E9C,
        284, 0x231CA645B3D6D9D7, 0x2D7C72010F8978BB, 0xD855364B6453BE9B,
        285, 0xB547F515E1870E8A, 0x65196E39BF0E93F0, 0x5FE7C2AF89617BAB,
        286, 0xAFCDF1EDA6591016, 0xB40567999147A6C3, 0x6DF8016F8D6A17DB,
        287, 0x141879F6E2DA2D26, 0x2EF96BB3B9A1056A, 0x64F7814746B74EF1,
        288, 0xCD3525433788A0C1, 0x7CE8B6414782A0E2, 0x1166A072AA7DADDB,
        289, 0x4B4B552404655F01, 0x204A335BB2D19E6C, 0xF638BF39233DD7C9,
        290, 0xC2857D0990B83292, 0xEA8B0B07A09B9D37, 0x52B5F9CB96BBBF26,
        291, 0xE5E33EC16832605A, 0xE1DD7BE483A7CBBF, 0x0A9A7C4C07BE318B,
        292, 0x772C8707770AE6C7, 0xC34880F73C46EE52, 0x2F2BFF7EFD7B3C5A,
        293, 0x268B0D6BF2A299B3, 0xC4A5DAD954AA2B44, 0xFF5BD5BCE399CE2A,
        294, 0xB04D39C78D01F277, 0xD0A36F618DE4C5AC, 0x896843FD700BA464,
        295, 0xE087BEB0838FA21B, 0x782C4E9E658EBCCE, 0x8103285D867C9DE6,
        296, 0xE3759DB580B6B195, 0xFE46D7884C1623E9, 0x35000BAF99D49C6D,
        297, 0x43C31CB1BCD727AC, 0xDF3EF41BDF4ED3CE, 0x026EA67BD8E3F3B0,
        298, 0xC2EC247EFD191D2E, 0x461BE776ED884378, 0x9E2EEC351587F618,
        299, 0xC218B3A960AB59AC, 0x185915B032D289AF, 0x58EBB9D870D260A0,
        300, 0xBAAD8E6A5F186CE6, 0x281E2ED0D610F86E, 0x67EC12D025965570,
        301, 0x1A2AC89D76EDACCC, 0x5069D541CFDD50A6, 0x5F7725783AD40924,
        302, 0xE241BA646020D030, 0x43CF0072C0C64B5B, 0xE5821CF167CDAA78,
        303, 0x8FAFBDE6B662CB1E, 0x82BAC7EA9254949C, 0x1DFB6F9DF555A047,
        304, 0x116F852482ADCA07, 0xD0A7480FC2150E8A, 0xCDABC782B52F6ADA,
        305, 0x3C46D08D6FE4AC3B, 0xE4B495F950C1A7CF, 0x34ED6304BF635E9C,
        306, 0x6908BB5570887921, 0xCA734F9CB9BE081B, 0xD809A3CE01AA7659,
        307, 0xE65A1A64B81FA250, 0x9BFBA4F2ADB09FA4, 0xF73D954DC745C8F4,
        308, 0x86513C3F6602A7ED, 0x39D7A8F44A83E5AE, 0xC9D3988AA72B9C95,
        309, 0x9BE6B9615D4B3C31, 0x5F65600FBD092D44, 0x72DAA1149346C172,
        310, 0xCB3EC8BC1D9CBCC2, 0x0E76D924BFCF0752, 0x4FBC8420DCFE8D97,
        311, 0xA13D56C03FAD080A, 0x0F05C2ADAB912A73, 0xEBE6B2798C3EF3A8,
        312, 0xBB5C3AAEFC2BADDE, 0x7F15189D4F231BB7, 0x9EEDAC365CFC1D88,
        313, 0xE8F9B528227D7747, 0xBBCC2DFAE3DA8604, 0xED43B641F8F7B7DD,
        314, 0x92A4EB612ABAE948, 0x8B9F55F486710862, 0x00A1218EC2332998,
        315, 0x5A641815B61BF8ED, 0xBECBBE9DC29AFE1B, 0x1424CC7E6F16B718,
        316, 0xD386C2DE9A6B747E, 0x7E817395278D92C6, 0x9A8AC040D56765AC,
        317, 0x48BCEB789BB5205F, 0x5824EC37D9793DB6, 0xCF981D2D30847FF5,
        318, 0xE3A08323E8A89F21, 0x05E691F2DDEA2528, 0x7E367794384975B6,
        319, 0x29FE23F82501F66C, 0x3F9D18C74FF6B882, 0xF4771F270E10C95D,
        320, 0x73DF0720AA2B40F3, 0x0BB79D111A0B8D9A, 0x1442756B9FD983A6,
        321, 0x00EB6918E05D3CC7, 0x20D85EB3C480FC73, 0x97F93B597A439109,
        322, 0xEC39E028857FA2A7, 0xFE0F2310091A9FE1, 0x2433E7F084CFE1B1,
        323, 0xCB3750067F69181C, 0x1D10BD2C08900721, 0x76EE446B0BB6363F,
        324, 0xAD7A349B397F72D6, 0xA7EEE2891265EC0C, 0x79029EF1EC809E51,
        325, 0x282CFAF90F6FE69C, 0x465B5E48C6281796, 0x8532208B2ABCFBCE,
        326, 0x6264F78FE392A813, 0xB586D1D899CB6C10, 0x9C25936191BA57BE,
        327, 0x1261939C1B4B5092, 0x350677B328C728A0, 0x0051699352CF63B6,
        328, 0x72E05B09768F7796, 0x9AD13CE6B57AFF1D, 0xB5F37A6805CDC7E6,
        329, 0xD9DBBD3A8B210E43, 0x58D93F977AAB1671, 0xC1149F198F38E6B1,
        330, 0x60D055D6B75E0977, 0x115155C43E33207B, 0x26C2AD6C575D08D9,
        331, 0xF78ED1244577188C, 0x24DE656503DB88EA, 0x6968611F1B0C5DD3,
        332, 0x377392386B0D309D, 0x852B5EF822558141, 0x77C56AE9C9A9A370,
        333, 0x1A9419243B3784EB, 0x5FF7D021CE00B110, 0x22FF7B4E7B82D4D7,
        334, 0x00B8FED86F9D5B87, 0xBA7D1BDCAD729813, 0xF7895BE7F93E0AB9,
        335, 0x09019F33BE01F977, 0xDB2D793B51222071, 0x6F5C865ACF1DAF71,
        336, 0x609E079716E4B744, 0x49A16AA651297F64, 0x534DA90782A2114A,
        337, 0x4B6B8F732FD76A04, 0x420AD1FE5AAC33DF, 0x7490A9C2A1BBC286,
        338, 0x3E08D2C082500BA8, 0x673DFCD2DB0EF91F, 0x1EC5270A02C97B7E,
        339, 0x8F259CAF1B4419CD, 0x0AD8EC42F14E3C99, 0xE027D336EE60D3F5,
        340, 0x0BA079BCBCAA0711, 0x0723D5564A8B0E76, 0xC5E1A7231C2CE402,
        341, 0x45DD07F32BE71CC7, 0x7737129E9CD39E86, 0xC8C669CC4F242508,
        342, 0x5C120FF758746773, 0x2A006388B76305CB, 0x69633546D3C57F2F,
        343, 0x387A9B79C8CD9304, 0x3217F7D59B6E8957, 0x7689063C87376B19,
        344, 0xD11097D3262ED8E8, 0x4D64B36F0DA90A53, 0x03C7D884D4F0D62D,
        345, 0x03FA6C001F1CEC09, 0x6589A03E89A98136, 0x54E3E1DCCF7CD6BF,
        346, 0x5F99A100AEC2FFB1, 0x020B42BFA070DF7B, 0xB47B992CD5C96AAF,
        347, 0x5B34146B147ACA62, 0xADDB8A3BA82BF5CD, 0xA1A703B88311282A,
        348, 0x0020E323893480BE, 0xE660539390479F65, 0xF2BD53929D92B527,
        349, 0x30C95AC09EC59C20, 0x05A4CD3B464E7B6A, 0xFDFA2E69592674E7,
        350, 0x569F0CF51ECBA467, 0x5D5238FB611DEF0D, 0x1123C3E8CC339DAF,
        351, 0x3C7481DD9A72BF6F, 0xE85CCFAC1CDE9FA8, 0xEA3563C2CE619111,
        352, 0xB2CA3A70603922EF, 0x6F1BF7B982B81CE5, 0x787BBEE12426CBCE,
        353, 0x9C4490315F3DA871, 0x2BCA23E44DFE666F, 0xB34560DEA5517A7E,
        354, 0xAFC7DC7C50B2937C, 0x865747B25549F812, 0xEBC95505477B9DEE,
        355, 0xF666DA4F2B1E23F6, 0xA4644BCE6D15BE83, 0xDF829A0ED24DD229,
        356, 0x0370FC9D4494A39D, 0xC7E57D71A0B3A5A8, 0x612C8B872F2F493E,
        357, 0xF41058A9C6338FFB, 0x2E166085F3EDCB6A, 0x8F7735ECADE3BDA1,
        358, 0xD7A23FA20C904990, 0xD00A3EA154582FFC, 0x4F1C2AEF1D7DFB34,
        359, 0x23067B65B991D8A3, 0x641A55221BF7CDB7, 0x4EBAF1D55F6965B2,
        360, 0x31C728CADD5FA2C8, 0xDEA3059BA4CB796A, 0xDDCCD9012C79322B,
        361, 0xB2252363FDE1B48C, 0x235828DA24F7C0B2, 0x26D6E5F87D66638E,
        362, 0xEB4C3E0AD0BF28F2, 0xE42532FAB6DC0094, 0x0E16E3E8EEB68AEA,
        363, 0x6479CA21850F9807, 0x62B5E6DE8D653CB2, 0xB666659F7DD9AD6B,
        364, 0xAAC7D70BA2801A98, 0xCC482D357C154476, 0xA9A79B0F120F4E64,
        365, 0x73452BE45D22060A, 0x7B77093A617A5BB3, 0xF65DE98BD5F2CCD7,
        366, 0xE14FE03387C23D0B, 0x12499E2DEEE376D2, 0x0F9A449B6335AE75,
        367, 0x19FF5C3B01861810, 0x533328FA0FB2197D, 0x2D12E5120A3BDCC8,
        368, 0xCF6EF2E526BF48BE, 0x6CCBDBA85D8A58D8, 0x820BE04FD4151FF9,
        369, 0x5B3738DC46F9DA0A, 0x8CBD09A0BD2EAB39, 0xEF78A926B1A1514C,
        370, 0x285A02F38805A7CB, 0xFC911C2500C8F55D, 0x5BA32E9AFE78FF13,
        371, 0x69D4C64E9D3FE842, 0xA18000C1052E8F90, 0xCCA67CCB87935204,
        372, 0x1E0826E3DDCA8FCB, 0x4AB0ADD176D1CA17, 0xDC7291D454760F4F,
        373, 0xE35EAE138C8ADECF, 0xF986686C472D7F37, 0xE54F3F8DD9763593,
        374, 0xF258E83D58D812A4, 0x55F081C7B4A2E428, 0x0D0553539F58029B,
        375, 0xBAAE4A8F38E750A0, 0x0377231653874C73, 0x4E9246451E711DDA,
        376, 0x7F5C4031801A472A, 0x9FD08F172567A910, 0x687C8570052B8933,
        377, 0x20BF7EC686DC8395, 0xCCA04A5622CFC738, 0x07DC4CF33EC7B116,
        378, 0xF24354BA8500BA91, 0xC975AD845923B228, 0xEFCF82906C57E305,
        379, 0xBD3AD8B20874AB65, 0x290DFFEE94732FE7, 0x88D41499A1AC03FE,
        380, 0xCD04D8533CA60882, 0xBBD67D5F8988D5FE, 0xE8EFEF2EDE616881,
        381, 0xB76C0E73AF345819, 0xF7BA8FAEBB689E3B, 0xE28E67C462E90512,
        382, 0x2F3FC96EEDFD629C, 0xCE5807170E56236E, 0xC7D71C519C22E179,
        383, 0x2FC2DE660407EB10, 0x70AEC1AA50F84AC7, 0xFA33911ABAACF690,
        384, 0x205F2DE015D3BACD, 0x4AF08BA6F2174538, 0x579E572F8600B668,
        385, 0x290883A94709FA2B, 0x5396E753478493D0, 0x30FCBCE1668265C7,
        386, 0x7125E26ED89C9C18, 0x4CCA3B3AB188CA3D, 0x141EED93B01F7B2E,
        387, 0x1FB90DBB445F0177, 0x22D0B89342906F07, 0x61FDD8C97E3794D2,
        388, 0x76A16604B30FE4FE, 0xDDF8AD40DD7008CB, 0x1BCFDBCB4F721334,
        389, 0xE6ACA9CC3FBE1248, 0x146E942636426687, 0x1A4F8885E077DA12,
        390, 0xC111D5B2D9390337, 0x32072603A8580480, 0xF427B8E3E38BD9ED,
        391, 0xC0E897E19F2287C1, 0x8CB3B4A124DE5996, 0x4D16683B7015B0BF,
        392, 0x40CB677AB6C40BB6, 0x27BCA4255BBB8175, 0xF8902906429C346B,
        393, 0xD2E9A5246CCB01B1, 0x1082F505DDD8FB5A, 0xA380EF3D65D2BE11,
        394, 0x4C3943695C30CAFD, 0xA767E4CAF4B241A3, 0xD7625C57501C0E78,
        395, 0x2B7FB41A2CB65121, 0x23CF8F082FB3FF7B, 0x93D059A1D8B17954,
        396, 0xAE3DB66B03EFDF81, 0xD435A52B5B3243B0, 0xF272A76F9A063BCA,
        397, 0x9BC61712A81310EC, 0xCB9A1C4757BD0DDB, 0xE94D4D2A64CB1B69,
        398, 0x6C57517E9CFECD0C, 0xB3D8D9A1DE41BEF4, 0xFA90DF37ABDFF2B3,
        399, 0x73ED9049A39D2F3F, 0x8729168749BD1647, 0x51A0584DA3099C3F,
        400, 0x4ED40FEBAC58B282, 0xC7F39A843D71D587, 0xE61D91D4456C68CE,
        401, 0x979CD5B492A0938A, 0x7ABF85D3DEB1080D, 0x8525AAF1A34F9AED,
        402, 0xAE1217C9EF47AFAD, 0xA77628AB2F80F7C4, 0x88BF605F58F346B6,
        403, 0x41A79A2CD44EC79D, 0x06F1875FB38E95A0, 0x2F184E18B113F0E3,
        404, 0x4879D345C80E6EDA, 0xED0E77383742578E, 0x0086C1E9CC23249F,
        405, 0xE94DFCA1B1A67C63, 0xEC4BD98C1050DC58, 0x8436C4625486002F,
        406, 0x7ED7C7208A9FB060, 0xC524D438DF5B2EDF, 0x3022166D36D1F6B1,
        407, 0x1836487433C9D6C7, 0x1E6107CF2E45278A, 0x34F34EEE5489236D,
        408, 0xD4A1D687709924D3, 0x77F4D1E564F64880, 0xF8FB742F9EF72123,
        409, 0x33A86C37331F9BB4, 0x36D7BE2B3D2AF658, 0x649567D957C330BD,
        410, 0xA1E7D9AE6BB0B12D, 0x57AA307921287978, 0x8CE186B685751149,
        411, 0x76BF89398E3ECCD0, 0x1573A80800BC3E59, 0x1C31CDEA6FB7547F,
        412, 0xAF1C8C67B72826BE, 0xA9FA922E13FAF696, 0x38123C9AEAEC8624,
        413, 0xE3CE1FE7771998F7, 0x8C3B0FACFBB3D4B4, 0x9F578561F933B2F1,
        414, 0xEE2282AF6B982E15, 0xFCB7D26473F1C017, 0xEA65E2344E4DB2AD,
        415, 0xA5930D30D28D74E0, 0x8ED7A4CADC802A3A, 0x79B70EB47EFB5002,
        416, 0x94F8CE150656FF63, 0x9EFAF296FAE40370, 0x40F9334AFE69FF60,
        417, 0xE3B331C5D3FD2001, 0x86DFC806CAE4587D, 0xE7876CDEA1C9AD7A,
        418, 0xFC144935CB57F2CC, 0x9493F853D67D879E, 0x9E9204575186333E,
        419, 0x992CA7149F02779A, 0x9D3CD3630827C936, 0x666A210C78AB6E24,
        420, 0x73BA7EE27730A4DC, 0x9C7C1A927AA444D7, 0xEFD8C336F4A9979D,
        421, 0x12786FB7323E2B5A, 0x1693040AE77906D4, 0xCC412D92EE5AEF4D,
        422, 0x8B0F9C9E788FAEAC, 0x136921F0A611B7DA, 0xC52571266A1C923F,
        423, 0x8885519651E93577, 0x022A875EC7E36AB3, 0x53D013B69E3C5A0A,
        424, 0xAC90B1BD3E1EFB36, 0x01A69CB128447643, 0xBD79C016750E45E6,
        425, 0x1ED10357120FA1FC, 0x7A5AA914B44E76B2, 0x30331149690C5651,
        426, 0xDE8DBA794601AA6E, 0xAC957148E45091F5, 0xEA5A7A30515C720F,
        427, 0xD9A97D9756A6BADF, 0x1BD80F962589DBDF, 0x9602AEAA2C9FFA37,
        428, 0xBAA482E9A355382A, 0x47F3FDC7AFDC78C9, 0xBF209B8CA90ABFE3,
        429, 0xF9EA78A59DE0366C, 0x8EEFE54293F4B975, 0x744849D0A68FEFE3,
        430, 0xD17F8BF4EA82FCA1, 0xD93045E745819439, 0xC78AD63D93FE9F72,
        431, 0x803C4EED3A65301F, 0x9055294B614389EC, 0x792D4D91C658866F,
        432, 0xDA9EFC1F5E2E2D5A, 0x31064F4827EFEBFE, 0x9859961984502B57,
        433, 0xA1B56BCD0E9D3CAE, 0x8F0CFBA441E8422D, 0x613B6B201D9C564A,
        434, 0x5A1659E6BB05EF1B, 0x29820460A51EE893, 0x034E0F46E6F49BBA,
        435, 0xAE3FAB7792C2E521, 0x1D0B449A57EE2A4C, 0xCF88E2B06F90E232,
        436, 0xD8B4C72FF7D633D4, 0xC6C050A934325737, 0x53865C3D2639B641,
        437, 0x3952B0C990D6D89F, 0x0D8EFE2416FABF3B, 0x5A94CEFC7FDF9D6B,
        438, 0x550CB0D03D130F33, 0x5BE454F442FD2CC4, 0x202677729C24114F,
        439, 0x1F134564DE6086FA, 0xC653857AEBC068F0, 0xD183C373812BBDE8,
        440, 0xEAB728A0452D236A, 0x5753DC8D519028D1, 0xA6A2994368BB8504,
        441, 0xACD4CC09849EF09E, 0x3216442958E177CA, 0xC7B3B65C41E2B1F9,
        442, 0x82AA260FA4498605, 0x5CF76AFE2215386D, 0x091E45218DCB327D,
        443, 0x34281F011C7F4A7F, 0x68F5467F2630F133, 0xB223319C29235DAA,
        444, 0x1A588F379B5DBD9C, 0xA13578DB908904BC, 0xCE4E4E7DD09C2FDB,
        445, 0x3B609CD26280E39D, 0x8CE28730EC4F3FD0, 0xEDE1B6741C99F913,
        446, 0x74CCEFBBA4FC7315, 0x7CC91AF26A9E71C4, 0x74F3C1573D5ADA08,
        447, 0xFD2511B7479A33DC, 0xB9905C144762E73F, 0x095E95187CD63877,
        448, 0xD672C1AABC206BC4, 0xE69BCC709C975880, 0x8CD0A4C1B0CAC830,
        449, 0xE443F68565364B9A, 0x57242539D1DEEA97, 0x86C89793F341D29E,
        450, 0xD3C7FACD0ECB7271, 0x883A61F2EFCD10B4, 0xACE12566197FEE50,
        451, 0x7C8186CB721DDFB6, 0x9971D125EE58CCB1, 0xB89B8EA55389F098,
        452, 0xCBF59CF456E43467, 0xB7257AA55B9E8D2E, 0x67063C587EE4B3A4,
        453, 0xF5F219C1897E5CDF, 0x82702B5319D4F79B, 0x4FA7AADA1D5058ED,
        454, 0x7E6B79D5B8B7A205, 0x8A10B584E3463FCD, 0x6F6FEF82869C38DB,
        455, 0xF47024E8CA01D70B, 0x05A984D6F68A0FC5, 0x2E30A429ACD860EE,
        456, 0x9842007709820AD6, 0xE730853BC53626DE, 0x6D3D442BCB324C7C,
        457, 0xEF8972E09216F697, 0xFA384BEC297A0C7C, 0x94A417DD3AA9ACC1,
        458, 0x1C6EDBB37F1612E8, 0xD8E43C5B89774B0C, 0xBF5C9028DFF1EF7D,
        459, 0xEF44D967DFF00B4F, 0xE8BB5C32AD0F9821, 0x51072A7B80B09F8E,
        460, 0x3EDC94EE370A92AF, 0xEFA412D9E68527E1, 0x20BEBEEF6E2E3854,
        461, 0x841EDC2BE2C92459, 0x1F5F195E60A15B6D, 0x726143D97205D8DF,
        462, 0x7F54DBCED9C1AF40, 0x91E4B3C76B095ED3, 0xD03BB6508E67FC95,
        463, 0x8497FD9198342EB6, 0x19C246B10505D511, 0xE44D59701CCCAC24,
        464, 0xF2D705654158EB5A, 0x2F74BEA322E46F33, 0x04E8115F760BDECD,
        465, 0xC8FD05F00291D57F, 0xBCFE9D41E7AC86AE, 0x235D0E2A8D49DFFE,
        466, 0x7ADA2799E2DF425E, 0xAE46181AD3267102, 0xC2F8AA31AD2911A2,
        467, 0xA6F8D8DA1DDD6063, 0x9788A051FD0CFD64, 0xD0A491961617DD29,
        468, 0x6BE260863969AF07, 0x44564EB34C781116, 0xB44EE3D447C7D06A,
        469, 0xBDB41919F0E946E2, 0x8FF3B77C9EFE405A, 0x7363EDB3C7D4465F,
        470, 0x5E1865C6CFEF864E, 0x2CEE1000ACEF7253, 0x4C7A6E97F1D35554,
        471, 0x90377BE63DC42EEC, 0x5184854CF8021D19, 0x84E42C6E958C83F0,
        472, 0x4BD38DD1C9DA8E92, 0x5CF610580603B196, 0x84B995112706865A,
        473, 0xF1D2775D083850C9, 0x07C3FF92FD35C152, 0xBB5D0F9EA8E966BA,
        474, 0x4982B51C042EAC46, 0x229D48CE574A1D97, 0x23FD7F091BA8A960,
        475, 0x86DB971AF058387F, 0xFA4FFF03733E3616, 0xBB8657DED3EC2EE3,
        476, 0x914B92BBF371B2B8, 0xFCA8DDD48BC4EEC1, 0x8BE9BC1B5DBB6D2B,
        477, 0xA97663A2342C5CB1, 0x5C39337C6000CD16, 0xE86611C6725A2433,
        478, 0x418338AF93BE37F8, 0x3124C937F5FCBE54, 0x71DB0AAF4685E2F9,
        479, 0x50FDE7F32D224A3A, 0x91D46E8C4817EDCE, 0x7B28644F5921E233,
        480, 0x8552F300D8963B38, 0x1032792A6E38BBA8, 0x358D2F25DE3228E2,
        481, 0x0AA71947C50DFCE9, 0x39F4DE65C6A70B0C, 0x89377737059EA90B,
        482, 0x72540BE1F3602CEC, 0x908A9B8110034A97, 0x618288735F0AE3EF,
        483, 0x42DB9E45DD0C6FD7, 0x92CD0CE87161D93A, 0x39FB4C0C9A77425C,
        484, 0x1FD76A58C3183274, 0x11CCC5994702FCE8, 0x7CF0FC4B3027E3B8,
        485, 0xD6ADF7186FAB705D, 0x1C7EEF9BE4676E27, 0x23B479F12A02AD0D,
        486, 0x2C7E6D42375F1B56, 0x02F04C0CEC70993E, 0xAADF20B4AB9F4071,
        487, 0x02C1965EDD862FAC, 0x7C6899268FCA721C, 0x579832639F02AEE3,
        488, 0xF3B2A1F35091CF79, 0xFC07364DDF54B3A6, 0xBDBD97909F790659,
        489, 0x027AE06CBB090481, 0x9F854A7B0F830943, 0x4BED0E13BEE5C761,
        490, 0x8EEDE3D56DDBE35C, 0x22BAE96839FC6CE2, 0x0C5BD168905FC741,
        491, 0x7B8E9F182E9B8CB0, 0x13C3DEC3F4BBCCB3, 0x2F254C7A78C7B2EF,
        492, 0x83A914707EB082B1, 0x61CC78248018D066, 0x04EA707D9F633E78,
        493, 0x55C773B667655AE0, 0x1170E76F2BC22E43, 0xA83C47E62FCEE2F4,
        494, 0x8F01BDEB27FEB5ED, 0xA23DE1AA17C81368, 0xAD15F73AB76378E6,
        495, 0xD43CE435BB90134F, 0x972DD85E2071A5C9, 0xB0F5F8190D84DACF,
        496, 0x565E00FED01DA9A9, 0xF0A6013A92916EBF, 0x70C19F8196B63305,
        497, 0x2321ED34A2A9EAA1, 0x3BF909D590BBBFA0, 0x77BDC26237B8D78B,
        498, 0x50DAFB8A629AFFFE, 0xC0DC8DB37FF17992, 0xAB03B615DD77A6AB,
        499, 0xE0AD049468EB7688, 0xA4B67A8133D817F5, 0x600447880D29DA44,
        500, 0xE1E3CE93F69C5043, 0x5C1FB9B82C674DD3, 0x13ABF5083C0F4474,
        501, 0xB30E7F72B72FE77E, 0xFE421DC204C8646B, 0x75AB153BF8E01806,
        502, 0x63EB893AA7A424B6, 0xF05F3EA3E42D5E6E, 0x399A2ED743D9532D,
        503, 0xA62F2A4321EAC184, 0x149FD8AE2C2F9654, 0x59D584D655ADBAEF,
        504, 0x6278DBB6AF23F4AF, 0x127CF0E9079BDF68, 0x390F6C5C86E91324,
        505, 0x372E76401B2FDD41, 0x33AD5663E7D60C51, 0xB7AA5033013D2A71,
        506, 0x511839AC158C2C70, 0x6DDE82378657B48F, 0x37C5A82E363A2970,
        507, 0x51E23C9DD2A40D06, 0xA65E3398495EC931, 0x7569A59445F984B7,
        508, 0xD1D28ADDA73F792C, 0x708083D8E8DDC15D, 0xAFB2BA4D3929C1D8,
        509, 0xE293912B06353E47, 0xAC3EF048759176B8, 0x384E2590952380DA,
        510, 0x556FECFA77CDAE48, 0xE2E1F81320332988, 0xEF299268A17047A9,
        511, 0x0FEC8FB6EAE1DF8B, 0x2BA67B881EC9C32C, 0xB15A032408E79741,
        512, 0xEFC2E52D1C2FFBAA, 0x986EC0DF11EDD8F9, 0x25DBF1D2D7351028,
        1000, 0x989765D0EA7A5ECD, 0xB301E308A3550449, 0x75B5719D9F31A6A2,
        4096, 0xA3C19F8174CDE0BB, 0x7D3A575D89E285A7, 0x224E1AFF9C0F0707,
        10000, 0x441F01D9711BEBED, 0xD5F2F3E63576BFAB, 0xD19CF166BC6207DF,
        100000, 0xCCF90DF7E7E37036, 0xFEB504F899A8C7FC, 0x72B33BDF88B29062,
    ]

    /// The random vectors (see `RandomAnswer`).
    static let randomAnswers: [RandomAnswer] = [
        RandomAnswer(caseSeed: 1, length: 3265, seed: 0xBEEB8DA1658EEC67, hash: 0x58F1DF05F4C29AE6),
        RandomAnswer(caseSeed: 2, length: 1742, seed: 0xBFC846100BFC1E42, hash: 0xF5D9AC69ABC3C6D9),
        RandomAnswer(caseSeed: 3, length: 4077, seed: 0x0000000000000000, hash: 0x1EDC5B9DBFC9A3B0),
        RandomAnswer(caseSeed: 4, length: 2762, seed: 0xE474C66A4B98B030, hash: 0xD789546AA7C326CF),
        RandomAnswer(caseSeed: 5, length: 858, seed: 0xC097314D939736F8, hash: 0xDD1030E260B4FD8A),
        RandomAnswer(caseSeed: 6, length: 0, seed: 0x0000000000000000, hash: 0x2D06800538D394C2),
        RandomAnswer(caseSeed: 7, length: 3543, seed: 0x044C3CD7F43C661C, hash: 0x07FEBAA51A6338FF),
        RandomAnswer(caseSeed: 8, length: 1590, seed: 0x9CA8A164477D7801, hash: 0xA1A2821B6C106D0F),
        RandomAnswer(caseSeed: 9, length: 100, seed: 0x0000000000000000, hash: 0xBB9FD4F0D127A380),
        RandomAnswer(caseSeed: 10, length: 4042, seed: 0xBBFF7C596E26CE46, hash: 0xE167D91392E44713),
        RandomAnswer(caseSeed: 11, length: 157, seed: 0x432A5CD27A6B13A1, hash: 0xD7F2AAAA9359D9D8),
        RandomAnswer(caseSeed: 12, length: 3843, seed: 0x0000000000000000, hash: 0x41618A967110A485),
        RandomAnswer(caseSeed: 13, length: 2815, seed: 0x5424E3DEAF36A071, hash: 0xC2DDDB5E17B4E26C),
        RandomAnswer(caseSeed: 14, length: 1598, seed: 0x124119F8F5ACC27A, hash: 0xDDD50061DD653F5E),
        RandomAnswer(caseSeed: 15, length: 5, seed: 0x0000000000000000, hash: 0x30A02F0CF4961A0C),
        RandomAnswer(caseSeed: 16, length: 519, seed: 0x145A11CAC985644B, hash: 0x383E9E26BE48D6A1),
        RandomAnswer(caseSeed: 17, length: 867, seed: 0x6434FF62B4E8EDD1, hash: 0x7EDAA19FA40A2D54),
        RandomAnswer(caseSeed: 18, length: 50, seed: 0x0000000000000000, hash: 0xA0D99A0D099CB819),
        RandomAnswer(caseSeed: 19, length: 2628, seed: 0x1DDB4FCDD7C6D93A, hash: 0xBDD6E1B2B9E72ABD),
        RandomAnswer(caseSeed: 20, length: 396, seed: 0x04F73460A7FD6485, hash: 0x56A214E3978EB244),
        RandomAnswer(caseSeed: 21, length: 1479, seed: 0x0000000000000000, hash: 0x0AD5DB03EDAD4A77),
        RandomAnswer(caseSeed: 22, length: 3594, seed: 0xEF9983FB367D464E, hash: 0x89A26B64FFCF4583),
        RandomAnswer(caseSeed: 23, length: 470, seed: 0x993810E13B72E5F7, hash: 0xCB42A1F8F61D5C67),
        RandomAnswer(caseSeed: 24, length: 3652, seed: 0x0000000000000000, hash: 0x6C384657D76A6196),
    ]
}
