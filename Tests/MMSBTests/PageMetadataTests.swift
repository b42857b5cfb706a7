import MMSB
import PropertyBased
import Testing

/// Bytes from a hex string; spaces are ignored.
private func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// A little-endian `u32`.
private func le32(_ value: UInt32) -> [UInt8] {
    [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
}

/// One encoded entry: `key_len | key | value_len | value`.
private func entry(_ key: [UInt8], _ value: [UInt8]) -> [UInt8] {
    le32(UInt32(key.count)) + key + le32(UInt32(value.count)) + value
}

private func decodeError(_ blob: [UInt8]) -> MetadataError? {
    do {
        _ = try PageMetadata(blob: blob)
        return nil
    } catch {
        return error
    }
}

@Suite struct PageMetadataBlobTests {
    @Test func goldenBlobOfOneEntry() throws {
        let metadata: PageMetadata = ["key": Array("abc123".utf8)]
        let blob = metadata.blob
        #expect(blob == hex("01000000 03000000 6B6579 06000000 616263313233"))
        #expect(blob.count == 21)
        #expect(try PageMetadata(blob: blob) == metadata)
    }

    @Test func emptyMetadataIsAZeroLengthBlob() throws {
        #expect(PageMetadata().blob == [])
        #expect(PageMetadata().blob.isEmpty)
        let decoded = try PageMetadata(blob: [UInt8]())
        #expect(decoded.isEmpty)
        #expect(decoded.count == 0)
    }

    @Test func countZeroDecodesToEmptyMetadata() throws {
        let decoded = try PageMetadata(blob: le32(0))
        #expect(decoded.isEmpty)
        #expect(decoded.blob == [])
    }

    @Test func blobOfSeveralEntriesKeepsOrderAndLittleEndianLengths() throws {
        let value300 = [UInt8](repeating: 0xAB, count: 300)
        let metadata = try PageMetadata(entries: [(key: "b", value: [1]), (key: "a", value: []), (key: "long", value: value300)])
        let expected = le32(3) + entry(Array("b".utf8), [1]) + entry(Array("a".utf8), []) + entry(Array("long".utf8), value300)
        #expect(metadata.blob == expected)
        // The third entry's value length, 300 = 0x012C, little-endian, after its 4-byte key at 27.
        #expect(Array(metadata.blob[31..<35]) == [0x2C, 0x01, 0x00, 0x00])
        #expect(try PageMetadata(blob: expected) == metadata)
        #expect(try PageMetadata(blob: expected).keys == ["b", "a", "long"])
    }

    @Test func keysAreEncodedAsUTF8() throws {
        let metadata: PageMetadata = ["ключ": [7], "🔑": [8]]
        let expected = le32(2) + entry(Array("ключ".utf8), [7]) + entry(Array("🔑".utf8), [8])
        #expect(metadata.blob == expected)
        #expect(Array("ключ".utf8).count == 8)
        #expect(try PageMetadata(blob: expected) == metadata)
    }

    @Test func decodesFromAnySliceOfBytes() throws {
        let blob = [0xEE, 0xEE] + hex("01000000 03000000 6B6579 06000000 616263313233")
        let decoded = try PageMetadata(blob: blob[2...])
        #expect(decoded["key"] == Array("abc123".utf8))
        #expect(decoded.count == 1)
    }
}

@Suite struct PageMetadataEntryTests {
    @Test func subscriptReadsWhatWasSet() {
        var metadata = PageMetadata()
        metadata["a"] = [1, 2]
        #expect(metadata["a"] == [1, 2])
        #expect(metadata["missing"] == nil)
        #expect(metadata.count == 1)
        #expect(!metadata.isEmpty)
    }

    @Test func insertingAnExistingKeyMovesItToTheEnd() {
        var metadata: PageMetadata = ["a": [1], "b": [2], "c": [3]]
        #expect(metadata.keys == ["a", "b", "c"])
        metadata["a"] = [9]
        #expect(metadata.keys == ["b", "c", "a"])
        #expect(metadata["a"] == [9])
        #expect(metadata.count == 3)
        #expect(metadata.blob == le32(3) + entry(Array("b".utf8), [2]) + entry(Array("c".utf8), [3]) + entry(Array("a".utf8), [9]))
    }

    @Test func assigningNilRemovesTheKey() {
        var metadata: PageMetadata = ["a": [1], "b": [2]]
        metadata["a"] = nil
        #expect(metadata.keys == ["b"])
        #expect(metadata["a"] == nil)
        metadata["absent"] = nil
        #expect(metadata.keys == ["b"])
        metadata["b"] = nil
        #expect(metadata.isEmpty)
        #expect(metadata.blob == [])
    }

    @Test func emptyValueIsKeptAndDistinctFromAbsent() throws {
        var metadata = PageMetadata()
        metadata["flag"] = []
        #expect(metadata["flag"] == [])
        #expect(metadata.count == 1)
        #expect(metadata.blob == le32(1) + entry(Array("flag".utf8), []))
        #expect(try PageMetadata(blob: metadata.blob) == metadata)
    }

    @Test func equalityDependsOnOrder() throws {
        let ab: PageMetadata = ["a": [1], "b": [2]]
        let ba: PageMetadata = ["b": [2], "a": [1]]
        #expect(ab != ba)
        #expect(ab == (try PageMetadata(entries: [(key: "a", value: [1]), (key: "b", value: [2])])))
        var changed = ab
        changed["b"] = [3]
        #expect(changed != ab)
    }

    @Test func copiesAreIndependent() {
        let original: PageMetadata = ["a": [1]]
        var copy = original
        copy["a"] = [2]
        copy["b"] = [3]
        #expect(original["a"] == [1])
        #expect(original.count == 1)
        #expect(copy.count == 2)
    }

    @Test func initWithEntriesKeepsOrder() throws {
        let metadata = try PageMetadata(entries: [(key: "z", value: [1]), (key: "y", value: [2])])
        #expect(metadata.keys == ["z", "y"])
        #expect(metadata.entries.map(\.value) == [[1], [2]])
    }

    @Test func initWithDuplicateEntriesThrowsWithTheEntryIndex() {
        #expect(throws: MetadataError.duplicateKey("a", offset: 2)) {
            try PageMetadata(entries: [(key: "a", value: [1]), (key: "b", value: [2]), (key: "a", value: [3])])
        }
        #expect(throws: MetadataError.duplicateKey("x", offset: 1)) {
            try PageMetadata(entries: [(key: "x", value: []), (key: "x", value: [])])
        }
    }

    @Test func descriptionListsKeysAndValueSizes() {
        let metadata: PageMetadata = ["a": [1, 2, 3], "b": []]
        #expect(metadata.description == "[a: 3 bytes, b: 0 bytes]")
        #expect(PageMetadata().description == "[]")
    }
}

@Suite struct PageMetadataDecodeErrorTests {
    static let golden = hex("01000000 03000000 6B6579 06000000 616263313233")

    @Test func blobShorterThanTheCountIsAnUnexpectedEnd() {
        #expect(decodeError([1]) == .unexpectedEnd(offset: 0))
        #expect(decodeError([1, 0, 0]) == .unexpectedEnd(offset: 0))
    }

    @Test func missingKeyLengthIsAnUnexpectedEnd() {
        #expect(decodeError(le32(1)) == .unexpectedEnd(offset: 4))
        #expect(decodeError(le32(1) + [3, 0]) == .unexpectedEnd(offset: 4))
    }

    @Test func missingValueLengthIsAnUnexpectedEnd() {
        #expect(decodeError(le32(1) + le32(1) + Array("k".utf8)) == .unexpectedEnd(offset: 9))
    }

    @Test func missingSecondEntryIsAnUnexpectedEnd() {
        #expect(decodeError(le32(2) + entry(Array("k".utf8), [1])) == .unexpectedEnd(offset: 14))
    }

    @Test func shortKeyIsTruncated() {
        #expect(decodeError(le32(1) + le32(3) + Array("ke".utf8)) == .truncated(offset: 8, length: 3))
    }

    @Test func shortValueIsTruncated() {
        #expect(decodeError(le32(1) + le32(1) + Array("k".utf8) + le32(4) + [1, 2]) == .truncated(offset: 13, length: 4))
    }

    @Test func hugeLengthsAreTruncatedNotACrash() {
        #expect(decodeError(le32(1) + le32(UInt32.max)) == .truncated(offset: 8, length: Int(UInt32.max)))
        #expect(decodeError(le32(1) + le32(1) + [0x41] + le32(UInt32.max) + [1]) == .truncated(offset: 13, length: Int(UInt32.max)))
        #expect(decodeError(le32(UInt32.max) + entry([0x41], [])) == .unexpectedEnd(offset: 13))
    }

    @Test func invalidUTF8KeyIsReportedAtTheKeyStart() {
        #expect(decodeError(le32(1) + entry([0xFF], [1])) == .invalidUTF8Key(offset: 8))
        // A lone continuation byte, and a truncated two-byte sequence, in the second entry.
        #expect(decodeError(le32(2) + entry(Array("ok".utf8), []) + entry([0x80], [])) == .invalidUTF8Key(offset: 18))
        #expect(decodeError(le32(1) + entry([0x61, 0xC3], [])) == .invalidUTF8Key(offset: 8))
        // An overlong encoding of NUL, and a UTF-16 surrogate encoded as UTF-8, are not valid UTF-8 either.
        #expect(decodeError(le32(1) + entry([0xC0, 0x80], [])) == .invalidUTF8Key(offset: 8))
        #expect(decodeError(le32(1) + entry([0xED, 0xA0, 0x80], [])) == .invalidUTF8Key(offset: 8))
        // Invalid bytes in a value are fine: values are opaque.
        #expect(decodeError(le32(1) + entry(Array("k".utf8), [0xFF, 0xC0, 0x80])) == nil)
    }

    @Test func duplicateKeyIsReportedAtTheSecondEntry() {
        // First entry: 4 + 1 + 4 + 0 bytes from offset 4, so the second entry starts at 13.
        #expect(decodeError(le32(2) + entry(Array("a".utf8), []) + entry(Array("a".utf8), [1])) == .duplicateKey("a", offset: 13))
        let blob = le32(3) + entry(Array("x".utf8), [1, 2]) + entry(Array("y".utf8), []) + entry(Array("x".utf8), [])
        #expect(decodeError(blob) == .duplicateKey("x", offset: 24))
    }

    @Test func trailingBytesAreAnError() {
        #expect(decodeError(Self.golden + [0]) == .trailingBytes(offset: 21))
        #expect(decodeError(Self.golden + le32(0)) == .trailingBytes(offset: 21))
        #expect(decodeError(le32(0) + [1]) == .trailingBytes(offset: 4))
    }

    /// Every proper prefix of the golden blob fails with the error for where it stops; none crashes.
    @Test func everyTruncationOfTheGoldenBlobFails() {
        for length in 1..<Self.golden.count {
            let expected: MetadataError = switch length {
            case 1...3: .unexpectedEnd(offset: 0)
            case 4...7: .unexpectedEnd(offset: 4)
            case 8...10: .truncated(offset: 8, length: 3)
            case 11...14: .unexpectedEnd(offset: 11)
            default: .truncated(offset: 15, length: 6)
            }
            #expect(decodeError(Array(Self.golden.prefix(length))) == expected, "prefix of \(length) bytes")
        }
    }

    /// Every proper prefix of a larger blob is an error, never a crash or a plausible decode.
    @Test func everyTruncationOfALargerBlobFails() throws {
        let metadata = try PageMetadata(entries: [
            (key: "alpha", value: Array(0..<20)), (key: "", value: [1]), (key: "γ", value: []), (key: "delta", value: [9, 9, 9]),
        ])
        let blob = metadata.blob
        #expect(blob.count == 4 + (8 + 5 + 20) + (8 + 0 + 1) + (8 + 2 + 0) + (8 + 5 + 3))
        for length in 1..<blob.count {
            let error = decodeError(Array(blob.prefix(length)))
            switch error {
            case .unexpectedEnd, .truncated: break
            default: Issue.record("prefix of \(length) bytes gave \(String(describing: error))")
            }
        }
        #expect(try PageMetadata(blob: blob) == metadata)
    }

    @Test func errorDescriptionsNameTheOffset() {
        #expect(MetadataError.unexpectedEnd(offset: 4).description == "corrupt metadata blob: unexpected end of metadata at byte 4")
        #expect(MetadataError.truncated(offset: 8, length: 3).description
            == "corrupt metadata blob: metadata truncated, 3 bytes announced at byte 8")
        #expect(MetadataError.invalidUTF8Key(offset: 8).description == "corrupt metadata blob: invalid utf-8 key at byte 8")
        #expect(MetadataError.duplicateKey("a", offset: 13).description
            == "corrupt metadata blob: key \"a\" appears twice (again at byte 13)")
        #expect(MetadataError.trailingBytes(offset: 21).description
            == "corrupt metadata blob: unexpected bytes after the last entry, from byte 21")
    }
}

@Suite struct PageMetadataRoundTripTests {
    /// Random metadata (unique keys, arbitrary values) survives encoding and decoding unchanged.
    @Test func randomMetadataRoundTrips() async {
        let entryGen = zip(Gen.letterOrNumber.string(of: 0...8), Gen.character(in: "α"..."ω").string(of: 0...3), Gen.uint8().array(of: 0...40))
        await propertyCheck(count: 400, input: entryGen.array(of: 0...10)) { generated in
            let entries = generated.map { (key: $0.0 + $0.1, value: $0.2) }
            var metadata = PageMetadata()
            for (key, value) in entries { metadata[key] = value }
            // Reference model: an ordered list where setting a key removes it and appends it.
            var model: [(key: String, value: [UInt8])] = []
            for (key, value) in entries {
                model.removeAll { $0.key == key }
                model.append((key, value))
            }
            #expect(metadata.keys == model.map(\.key))
            #expect(metadata.entries.map(\.value) == model.map(\.value))
            let blob = metadata.blob
            let expectedLength = model.isEmpty ? 0 : 4 + model.reduce(0) { $0 + 8 + $1.key.utf8.count + $1.value.count }
            #expect(blob.count == expectedLength)
            let decoded = try PageMetadata(blob: blob)
            #expect(decoded == metadata)
            #expect(decoded.keys == model.map(\.key))
            #expect(decoded.blob == blob)
        }
    }

    /// Random bytes appended to a valid blob are always rejected as trailing bytes.
    @Test func appendedBytesAreAlwaysRejected() async {
        await propertyCheck(count: 300, input: Gen.uint8().array(of: 1...16), Gen.uint8().array(of: 0...20)) { extra, value in
            var metadata = PageMetadata()
            metadata["k"] = value
            let blob = metadata.blob
            #expect(decodeError(blob + extra) == .trailingBytes(offset: blob.count))
        }
    }

    /// Arbitrary bytes either decode to metadata that re-encodes to the same bytes, or fail; never crash.
    @Test func arbitraryBytesNeverCrashTheDecoder() async {
        await propertyCheck(count: 500, input: Gen.uint8(in: 0...3).array(of: 0...40)) { bytes in
            do {
                let decoded = try PageMetadata(blob: bytes)
                if bytes == le32(0) {
                    #expect(decoded.isEmpty)
                } else {
                    #expect(decoded.blob == bytes)
                }
            } catch {
                #expect(!bytes.isEmpty)
            }
        }
    }
}
