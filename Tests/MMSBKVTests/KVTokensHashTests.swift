import MMSB
import MMSBKV
import Testing

/// Dynamo's hash vectors (spec §1.2) and random inputs against python xxhash fixtures.
@Suite struct KVTokensHashTests {
    static let salt1337 = SaltHash(1337)

    @Test func dynamoVectorsSalt1337() throws {
        let sequence = try TokenBlockSequence(tokens: Array(1...12), blockSize: 4, saltHash: Self.salt1337)
        #expect(sequence.blockHashes.map(\.value) == [14643705804678351452, 16777012769546811212, 483935686894639516])
        #expect(sequence.sequenceHashes.map(\.value) == [14643705804678351452, 4945711292740353085, 12583592247330656132])
        #expect(sequence.sequenceHashes[0].bytes == [0x5c, 0xca, 0x2d, 0xfb, 0xd7, 0xe4, 0x38, 0xcb])
    }

    @Test func dynamoVectorsSaltZero() throws {
        let sequence = try TokenBlockSequence(tokens: Array(1...8), blockSize: 4)
        #expect(sequence.saltHash == .zero)
        #expect(sequence.blockHashes.map(\.value) == [8052976908588476977, 13852901005659965728])
        #expect(sequence.sequenceHashes.map(\.value) == [8052976908588476977, 4185132130981121146])
        let page16 = try TokenBlockSequence(tokens: Array(0..<16), blockSize: 16)
        #expect(page16.sequenceHashes.map(\.value) == [8773583392624668237])
    }

    @Test(arguments: [
        (nil, nil, 1389868326933519382, [8026409477313730465, 8178148779430958753]),
        ("tenant-a", nil, 1306913871552960716, [9014295140789966647, 18355373205590363001]),
        ("tenant-b", nil, 3162266058883251073, [12759996785614022030]),
        (nil, "my-lora", 1285481999185759667, [11828396059607531518]),
        ("tenant-a", "my-lora", 3545163581358595, []),
    ] as [(String?, String?, UInt64, [UInt64])])
    func saltHashVectors(salt: String?, lora: String?, saltHash: UInt64, sequence: [UInt64]) throws {
        let derived = SaltHash(salt: salt, loraName: lora)
        #expect(derived.value == saltHash)
        let hashes = try TokenBlockSequence(tokens: Array(1...8), blockSize: 4, saltHash: derived).sequenceHashes
        #expect(Array(hashes.prefix(sequence.count).map(\.value)) == sequence)
    }

    @Test func saltJSONIsCompactWithKeysInOrder() {
        #expect(SaltHash.saltJSON(salt: nil, loraName: nil) == "{}")
        #expect(SaltHash.saltJSON(salt: "tenant-a", loraName: "my-lora") == #"{"salt":"tenant-a","lora_name":"my-lora"}"#)
        #expect(SaltHash.saltJSON(salt: nil, loraName: "x") == #"{"lora_name":"x"}"#)
        #expect(SaltHash.saltJSON(salt: "a\"b\\c\n\u{01}", loraName: nil) == #"{"salt":"a\"b\\c\n\u0001"}"#)
    }

    @Test func saltJSONMatchesPythonIncludingEscapes() {
        for (salt, lora, expected) in kvSaltFixtures {
            #expect(SaltHash(salt: salt, loraName: lora).value == expected, "salt \(String(describing: salt)) lora \(String(describing: lora))")
        }
    }

    @Test func differentSaltsShareNoBlock() throws {
        let tokens: [Token] = Array(1...64)
        let a = try TokenBlockSequence(tokens: tokens, blockSize: 16, saltHash: SaltHash(salt: "tenant-a", loraName: nil))
        let b = try TokenBlockSequence(tokens: tokens, blockSize: 16, saltHash: SaltHash(salt: "tenant-b", loraName: nil))
        #expect(Set(a.sequenceHashes).isDisjoint(with: b.sequenceHashes))
    }

    @Test func randomInputsMatchPythonXXHash() throws {
        #expect(kvTokensFixtures.count == 60)
        var blocksChecked = 0
        for fixture in kvTokensFixtures {
            var random = SplitMix64(seed: fixture.seed)
            let count = Int(random.next() % 700)
            let page = Int(1 + random.next() % 300)
            let salt = random.next()
            let tokens = (0..<count).map { _ in Token(truncatingIfNeeded: random.next()) }
            #expect(count == fixture.count && page == fixture.pageSize && salt == fixture.saltHash)
            let sequence = try TokenBlockSequence(tokens: tokens, blockSize: page, saltHash: SaltHash(salt))
            #expect(sequence.blockHashes.map(\.value) == fixture.blockHashes, "seed \(fixture.seed)")
            #expect(sequence.sequenceHashes.map(\.value) == fixture.sequenceHashes, "seed \(fixture.seed)")
            let fast = try TokenHashing.sequenceHashes(of: tokens, blockSize: page, saltHash: SaltHash(salt))
            #expect(fast.map(\.value) == fixture.sequenceHashes, "seed \(fixture.seed)")
            blocksChecked += fixture.blockHashes.count
        }
        #expect(blocksChecked > 100)
    }

    @Test func fastPathEqualsSequenceAndContinuesFromAParent() throws {
        var random = SplitMix64(seed: 99)
        let tokens = (0..<10_000).map { _ in Token(truncatingIfNeeded: random.next()) }
        let sequence = try TokenBlockSequence(tokens: tokens, blockSize: 16, saltHash: SaltHash(7))
        let fast = try TokenHashing.sequenceHashes(of: tokens, blockSize: 16, saltHash: SaltHash(7))
        #expect(fast == sequence.sequenceHashes)
        let head = try TokenHashing.sequenceHashes(of: Array(tokens[..<160]), blockSize: 16, saltHash: SaltHash(7))
        let tail = try TokenHashing.sequenceHashes(
            of: Array(tokens[160...]), blockSize: 16, saltHash: SaltHash(7), parent: head.last)
        #expect(head + tail == fast)
        #expect(throws: TokenBlockError.invalidBlockSize(0)) {
            try TokenHashing.sequenceHashes(of: tokens, blockSize: 0, saltHash: .zero)
        }
    }

    @Test func multimodalExtraHashChangesOnlyThatBlock() throws {
        let tokens: [Token] = Array(1...8)
        let plain = try TokenBlockSequence(tokens: tokens, blockSize: 4, saltHash: Self.salt1337)
        let extra = try TokenBlockSequence(tokens: tokens, blockSize: 4, saltHash: Self.salt1337, extraBlockHashes: [nil, 42])
        #expect(extra.blockHashes[0] == plain.blockHashes[0])
        let tokenHash = XXH3.hash64([5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8, 0, 0, 0], seed: 1337)
        var pair: [UInt8] = []
        for word in [tokenHash, 42] { pair += (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) } }
        #expect(extra.blockHashes[1].value == XXH3.hash64(pair, seed: 1337))
        #expect(extra.blockHashes[1] != plain.blockHashes[1])
        let block = TokenBlock(tokens: [5, 6, 7, 8], saltHash: Self.salt1337, parent: plain.sequenceHashes[0], extraHash: 42)
        #expect(block.sequenceHash == extra.sequenceHashes[1])
    }

    @Test func sequenceHashBytesRoundTrip() throws {
        let hash = SequenceHash(14643705804678351452)
        #expect(try SequenceHash(bytes: hash.bytes) == hash)
        #expect(throws: TokenBlockError.invalidHashBytes(count: 7)) { try SequenceHash(bytes: [UInt8](repeating: 0, count: 7)) }
        #expect(Token(truncatingIfNeeded: Int32(-1)) == 0xFFFF_FFFF)
    }
}
