import MMSB
import Testing

@Suite struct StateBusWriteTests {
    /// A bus with a 16-byte page 1 holding 0, 1, …, 15 (epoch 1, delta 1) and an empty 256-byte page 2.
    static func busWithPages() throws -> StateBus {
        let bus = StateBus()
        try bus.createPage(size: 16)
        try bus.createPage(size: 256)
        try bus.write(page: 1, offset: 0, bytes: Array(0..<16))
        return bus
    }

    // MARK: write

    @Test func writeReceiptsNumberDeltasAndRaiseEpochs() throws {
        let bus = StateBus()
        let a = try bus.createPage(size: 16)
        let b = try bus.createPage(size: 16)
        #expect(bus.nextDeltaID == 1)
        #expect(StateBusReceipt(try bus.write(page: a, offset: 0, bytes: [1, 2, 3, 4])) == StateBusReceipt(delta: 1, page: a, epoch: 1))
        let second = try bus.write(page: a, offset: 4, bytes: [5])
        #expect(second.delta == 2)
        #expect(second.page == a)
        #expect(second.epoch == 2)
        let third = try bus.write(page: b, offset: 15, bytes: [9])
        #expect(third.delta == 3)
        #expect(third.epoch == 1)
        #expect(bus.nextDeltaID == 4)
        #expect(try bus.info(page: a).epoch == 2)
        #expect(try bus.info(page: b).epoch == 1)
        #expect(try bus.read(page: a) == [1, 2, 3, 4, 5] + [UInt8](repeating: 0, count: 11))
        #expect(try bus.read(page: b) == [UInt8](repeating: 0, count: 15) + [9])
    }

    @Test func writeWithARawBufferBehavesLikeAnArray() throws {
        let viaArray = StateBus()
        let viaBuffer = StateBus()
        for bus in [viaArray, viaBuffer] { try bus.createPage(size: 64) }
        var receipts: ([WriteReceipt], [WriteReceipt]) = ([], [])
        for step in 0..<20 {
            let bytes = (0..<(1 + step % 7)).map { UInt8(truncatingIfNeeded: step * 31 + $0) }
            let offset = (step * 13) % (64 - bytes.count)
            receipts.0.append(try viaArray.write(page: 1, offset: offset, bytes: bytes))
            receipts.1.append(try bytes.withUnsafeBytes { try viaBuffer.write(page: 1, offset: offset, bytes: $0) })
        }
        #expect(receipts.0 == receipts.1)
        #expect(try viaArray.read(page: 1) == viaBuffer.read(page: 1))
        #expect(viaArray.pages() == viaBuffer.pages())
    }

    @Test func writeCopiesTheCallersBytes() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 8)
        var source: [UInt8] = [1, 2, 3, 4]
        _ = try source.withUnsafeBytes { try bus.write(page: page, offset: 2, bytes: $0) }
        source = [9, 9, 9, 9]
        source.withUnsafeMutableBytes { $0[0] = 7 }
        #expect(try bus.read(page: page) == [0, 0, 1, 2, 3, 4, 0, 0])
    }

    @Test func writeAtTheEdgesOfThePage() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 16)
        try bus.write(page: page, offset: 0, bytes: [UInt8](repeating: 1, count: 16))
        try bus.write(page: page, offset: 15, bytes: [2])
        try bus.write(page: page, offset: 0, bytes: [3])
        try bus.write(page: page, offset: 12, bytes: [4, 4, 4, 4])
        #expect(try bus.read(page: page) == [3] + [UInt8](repeating: 1, count: 11) + [4, 4, 4, 4])
        #expect(try bus.info(page: page).epoch == 4)
    }

    @Test func writeToAMissingPageIsPageNotFound() throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        #expect(throws: DeltaError.pageNotFound(3)) { try bus.write(page: 3, offset: 0, bytes: [1]) }
        #expect(throws: DeltaError.pageNotFound(0)) { try bus.write(page: 0, offset: 0, bytes: [1]) }
        #expect(throws: DeltaError.pageNotFound(3)) { try [UInt8(1)].withUnsafeBytes { try bus.write(page: 3, offset: 0, bytes: $0) } }
        #expect(try StateBusSnapshot(bus) == before)
    }

    @Test func emptyWriteIsRejected() throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        #expect(throws: DeltaError.empty(1)) { try bus.write(page: 1, offset: 0, bytes: []) }
        #expect(throws: DeltaError.empty(1)) { try bus.write(page: 1, offset: 16, bytes: []) }
        #expect(throws: DeltaError.empty(2)) { try bus.write(page: 2, offset: 3, bytes: UnsafeRawBufferPointer(start: nil, count: 0)) }
        #expect(throws: DeltaError.empty(1)) { try [UInt8]().withUnsafeBytes { try bus.write(page: 1, offset: 0, bytes: $0) } }
        #expect(try StateBusSnapshot(bus) == before)
    }

    @Test func writeOutOfBoundsIsRejected() throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        #expect(throws: DeltaError.outOfBounds(page: 1, end: 3, pageSize: 16)) { try bus.write(page: 1, offset: -1, bytes: [1, 2, 3, 4]) }
        #expect(throws: DeltaError.outOfBounds(page: 1, end: 0, pageSize: 16)) { try bus.write(page: 1, offset: -1, bytes: [1]) }
        #expect(throws: DeltaError.outOfBounds(page: 1, end: 18, pageSize: 16)) { try bus.write(page: 1, offset: 14, bytes: [1, 2, 3, 4]) }
        #expect(throws: DeltaError.outOfBounds(page: 1, end: 17, pageSize: 16)) { try bus.write(page: 1, offset: 16, bytes: [1]) }
        #expect(throws: DeltaError.outOfBounds(page: 1, end: 17, pageSize: 16)) {
            try bus.write(page: 1, offset: 0, bytes: [UInt8](repeating: 1, count: 17))
        }
        #expect(throws: DeltaError.outOfBounds(page: 2, end: 1_256, pageSize: 256)) {
            try [UInt8](repeating: 5, count: 256).withUnsafeBytes { try bus.write(page: 2, offset: 1_000, bytes: $0) }
        }
        #expect(try StateBusSnapshot(bus) == before)
    }

    /// Offsets whose end does not fit in an `Int` must be rejected, never wrap around into the page.
    @Test(arguments: [Int.max, Int.max - 1, Int.max - 15, Int.min, Int.min + 1])
    func writeAtAnOverflowingOffsetIsOutOfBounds(offset: Int) throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        for count in [1, 2, 16] {
            #expect {
                try bus.write(page: 1, offset: offset, bytes: [UInt8](repeating: 0xFF, count: count))
            } throws: { error in
                guard case .outOfBounds(page: 1, end: _, pageSize: 16) = error as? DeltaError else { return false }
                return true
            }
        }
        #expect(try StateBusSnapshot(bus) == before)
    }

    @Test func invalidSourceLabelsAreRejected() throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        let long = String(repeating: "a", count: 256)
        let longUTF8 = String(repeating: "é", count: 128)  // 128 characters, 256 bytes
        for label in ["", long, longUTF8] {
            #expect(throws: DeltaError.invalidSource(label)) { try bus.write(page: 1, offset: 0, bytes: [1], source: .custom(label)) }
            #expect(throws: DeltaError.invalidSource(label)) {
                try [UInt8(1)].withUnsafeBytes { try bus.write(page: 1, offset: 0, bytes: $0, source: .custom(label)) }
            }
        }
        #expect(try StateBusSnapshot(bus) == before)
        // 255 bytes is the longest label that is accepted, and built-in sources are always valid.
        let receipt = try bus.write(page: 1, offset: 0, bytes: [1], source: .custom(String(repeating: "b", count: 255)))
        #expect(receipt.delta == before.nextDeltaID)
        for source in [DeltaSource.user, .compute, .propagation, .replay, .merge, .disk, .network, .custom("x")] {
            try bus.write(page: 2, offset: 0, bytes: [2], source: source, intent: "because")
        }
        #expect(try bus.info(page: 2).epoch == 8)
    }

    // MARK: update

    @Test func updateWritesOnlyWhatDiffers() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 256)
        var bytes = [UInt8](repeating: 7, count: 256)
        let first = try #require(try bus.update(page: page, to: bytes))
        #expect(StateBusReceipt(first) == StateBusReceipt(delta: 1, page: page, epoch: 1))
        #expect(try bus.dirtyRanges(of: page) == [0..<256])
        try bus.clearDirty(page: page)

        bytes[10] = 1
        bytes[11] = 2
        bytes[200] = 3
        let second = try #require(try bus.update(page: page, to: bytes))
        #expect(StateBusReceipt(second) == StateBusReceipt(delta: 2, page: page, epoch: 2))
        #expect(try bus.read(page: page) == bytes)
        // Only the chunks holding bytes 10…11 and 200 were written.
        #expect(try bus.dirtyRanges(of: page) == [0..<64, 192..<256])
        #expect(try bus.info(page: page).dirtyChunks == 2)
        #expect(bus.nextDeltaID == 3)
    }

    @Test func unchangedUpdateMakesNoDelta() throws {
        let bus = try Self.busWithPages()
        try bus.clearDirty(page: 1)
        let before = try StateBusSnapshot(bus)
        #expect(try bus.update(page: 1, to: Array(0..<16)) == nil)
        #expect(try bus.update(page: 2, to: [UInt8](repeating: 0, count: 256)) == nil)
        #expect(try bus.update(page: 2, to: [UInt8](repeating: 0, count: 256), source: .compute, intent: "noop") == nil)
        #expect(try StateBusSnapshot(bus) == before)
        // No id was consumed: the next change gets the id the unchanged updates did not.
        let receipt = try #require(try bus.update(page: 1, to: Array(1...16)))
        #expect(StateBusReceipt(receipt) == StateBusReceipt(delta: before.nextDeltaID, page: 1, epoch: 2))
    }

    @Test func updateFromZerosToZerosIsNil() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 5_000)
        #expect(try bus.update(page: page, to: [UInt8](repeating: 0, count: 5_000)) == nil)
        #expect(try bus.info(page: page).epoch == .zero)
        #expect(bus.nextDeltaID == 1)
    }

    @Test func updateOnLargePageMarksOnlyDifferingChunks() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 10_000)
        var bytes = [UInt8](repeating: 0, count: 10_000)
        bytes[0] = 1
        bytes[5_000] = 2
        bytes[9_999] = 3
        try #require(try bus.update(page: page, to: bytes) != nil)
        #expect(try bus.dirtyRanges(of: page) == [0..<64, 4_992..<5_056, 9_984..<10_000])
        #expect(try bus.read(page: page) == bytes)
    }

    @Test func updateErrors() throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        #expect(throws: DeltaError.lengthMismatch(expected: 16, found: 15)) { try bus.update(page: 1, to: Array(1...15)) }
        #expect(throws: DeltaError.lengthMismatch(expected: 16, found: 17)) { try bus.update(page: 1, to: Array(1...17)) }
        #expect(throws: DeltaError.lengthMismatch(expected: 16, found: 0)) { try bus.update(page: 1, to: []) }
        #expect(throws: DeltaError.pageNotFound(9)) { try bus.update(page: 9, to: Array(1...16)) }
        #expect(throws: DeltaError.invalidSource("")) { try bus.update(page: 1, to: Array(1...16), source: .custom("")) }
        let long = String(repeating: "z", count: 256)
        #expect(throws: DeltaError.invalidSource(long)) { try bus.update(page: 1, to: Array(1...16), source: .custom(long)) }
        #expect(try StateBusSnapshot(bus) == before)
    }

    // MARK: apply(Delta)

    @Test func applyTakesTheDeltasEpoch() throws {
        let bus = try Self.busWithPages()
        let delta = try Delta(page: 2, epoch: 5, offset: 2, bytes: [1, 2, 3])
        #expect(StateBusReceipt(try bus.apply(delta)) == StateBusReceipt(delta: 2, page: 2, epoch: 5))
        #expect(try bus.info(page: 2).epoch == 5)
        #expect(try bus.read(page: 2).prefix(6) == [0, 0, 1, 2, 3, 0])
        // An equal epoch is accepted.
        #expect(StateBusReceipt(try bus.apply(try Delta(page: 2, epoch: 5, offset: 0, bytes: [9]))) == StateBusReceipt(delta: 3, page: 2, epoch: 5))
        #expect(try bus.read(page: 2).prefix(6) == [9, 0, 1, 2, 3, 0])
        // A later epoch may jump.
        #expect(try bus.apply(try Delta(page: 2, epoch: 1_000, offset: 255, bytes: [4])).epoch == 1_000)
        #expect(try bus.info(page: 2).epoch == 1_000)
        // Writes after an applied delta go on from its epoch.
        #expect(try bus.write(page: 2, offset: 0, bytes: [1]).epoch == 1_001)
        #expect(bus.nextDeltaID == 6)
    }

    @Test func applyOnAFreshPageAcceptsEpochZero() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 4)
        #expect(StateBusReceipt(try bus.apply(try Delta(page: page, epoch: .zero, offset: 0, bytes: [1]))) == StateBusReceipt(delta: 1, page: page, epoch: .zero))
        #expect(try bus.read(page: page) == [1, 0, 0, 0])
    }

    @Test func applyIgnoresTheIDOnTheDelta() throws {
        let bus = try Self.busWithPages()
        var delta = try Delta(page: 1, epoch: 2, offset: 0, bytes: [1])
        delta.id = 77
        #expect(try bus.apply(delta).delta == 2)
        #expect(bus.nextDeltaID == 3)
    }

    @Test func staleDeltaIsRejected() throws {
        let bus = try Self.busWithPages()
        try bus.apply(try Delta(page: 2, epoch: 5, offset: 0, bytes: [1]))
        let before = try StateBusSnapshot(bus)
        #expect(throws: DeltaError.staleEpoch(page: 2, deltaEpoch: 4, pageEpoch: 5)) {
            try bus.apply(try Delta(page: 2, epoch: 4, offset: 0, bytes: [2]))
        }
        #expect(throws: DeltaError.staleEpoch(page: 2, deltaEpoch: 0, pageEpoch: 5)) {
            try bus.apply(try Delta(page: 2, epoch: 0, offset: 0, bytes: [2]))
        }
        #expect(throws: DeltaError.staleEpoch(page: 1, deltaEpoch: 0, pageEpoch: 1)) {
            try bus.apply(try Delta(page: 1, epoch: 0, offset: 0, bytes: [2]))
        }
        #expect(try StateBusSnapshot(bus) == before)
    }

    @Test func applyOutOfBoundsIsRejected() throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        #expect(throws: DeltaError.outOfBounds(page: 1, end: 18, pageSize: 16)) {
            try bus.apply(try Delta(page: 1, epoch: 2, offset: 14, bytes: [1, 2, 3, 4]))
        }
        #expect(throws: DeltaError.outOfBounds(page: 1, end: 17, pageSize: 16)) {
            try bus.apply(try Delta(page: 1, epoch: 2, runs: [(offset: 0, bytes: [1]), (offset: 16, bytes: [2])]))
        }
        // A dense mask longer than the page is out of bounds even when its set entries fit.
        var mask = [Bool](repeating: false, count: 17)
        mask[0] = true
        #expect(throws: DeltaError.outOfBounds(page: 1, end: 17, pageSize: 16)) {
            try bus.apply(try Delta.dense(page: 1, epoch: 2, mask: mask, payload: [UInt8](repeating: 5, count: 17)))
        }
        #expect(throws: DeltaError.outOfBounds(page: 1, end: 17, pageSize: 16)) {
            try bus.apply(try Delta.sparse(page: 1, epoch: 2, mask: mask, payload: [5]))
        }
        #expect(throws: DeltaError.outOfBounds(page: 2, end: Int.max, pageSize: 256)) {
            try bus.apply(try Delta(page: 2, epoch: 1, offset: Int.max - 1, bytes: [1]))
        }
        #expect(try StateBusSnapshot(bus) == before)
        // A dense mask exactly as long as the page fits.
        var fitting = [Bool](repeating: false, count: 16)
        fitting[15] = true
        try bus.apply(try Delta.dense(page: 1, epoch: 2, mask: fitting, payload: [UInt8](repeating: 5, count: 16)))
        #expect(try bus.read(page: 1) == Array(0..<15) + [5])
    }

    @Test func applyToMissingPageAndInvalidSource() throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        #expect(throws: DeltaError.pageNotFound(3)) { try bus.apply(try Delta(page: 3, epoch: 1, offset: 0, bytes: [1])) }
        #expect(throws: DeltaError.invalidSource("")) {
            try bus.apply(try Delta(page: 1, epoch: 2, offset: 0, bytes: [1], source: .custom("")))
        }
        let long = String(repeating: "q", count: 300)
        #expect(throws: DeltaError.invalidSource(long)) {
            try bus.apply(try Delta(page: 1, epoch: 2, offset: 0, bytes: [1], source: .custom(long)))
        }
        #expect(try StateBusSnapshot(bus) == before)
    }

    @Test func applyWritesOnlyTheRuns() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 12)
        try bus.write(page: page, offset: 0, bytes: [UInt8](repeating: 0xAA, count: 12))
        try bus.apply(try Delta(page: page, epoch: 2, runs: [(offset: 1, bytes: [1, 2]), (offset: 8, bytes: [3])]))
        #expect(try bus.read(page: page) == [0xAA, 1, 2, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 3, 0xAA, 0xAA, 0xAA])
        let sparse = try Delta.sparse(page: page, epoch: 3, mask: [true, false, true, false, true], payload: [10, 50, 90])
        try bus.apply(sparse)
        #expect(try bus.read(page: page).prefix(5) == [10, 1, 50, 0xAA, 90])
        let dense = try Delta.dense(page: page, epoch: 4, mask: [false, true, true], payload: [7, 8, 9])
        try bus.apply(dense)
        #expect(try bus.read(page: page).prefix(5) == [10, 8, 9, 0xAA, 90])
        #expect(try bus.info(page: page).epoch == 4)
    }

    // MARK: Dirty ranges

    @Test func dirtyRangesFollowWritesAtSixtyFourByteGranularity() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 256)
        #expect(try bus.dirtyRanges(of: page) == [])
        try bus.write(page: page, offset: 0, bytes: [1])
        #expect(try bus.dirtyRanges(of: page) == [0..<64])
        try bus.write(page: page, offset: 63, bytes: [1, 2])
        #expect(try bus.dirtyRanges(of: page) == [0..<128])
        try bus.write(page: page, offset: 200, bytes: [1])
        #expect(try bus.dirtyRanges(of: page) == [0..<128, 192..<256])
        #expect(try bus.info(page: page).dirtyChunks == 3)
        try bus.clearDirty(page: page)
        #expect(try bus.dirtyRanges(of: page) == [])
        #expect(try bus.info(page: page).dirtyChunks == 0)
        try bus.write(page: page, offset: 128, bytes: [UInt8](repeating: 1, count: 64))
        #expect(try bus.dirtyRanges(of: page) == [128..<192])
        try bus.apply(try Delta(page: page, epoch: 10, runs: [(offset: 0, bytes: [1]), (offset: 255, bytes: [2])]))
        #expect(try bus.dirtyRanges(of: page) == [0..<64, 128..<256])
    }

    @Test func dirtyRangesAreClippedToThePage() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 100)
        try bus.write(page: page, offset: 99, bytes: [1])
        #expect(try bus.dirtyRanges(of: page) == [64..<100])
        let tiny = try bus.createPage(size: 1)
        try bus.write(page: tiny, offset: 0, bytes: [1])
        #expect(try bus.dirtyRanges(of: tiny) == [0..<1])
        #expect(try bus.dirtyRanges(of: page) == [64..<100])
    }

    @Test(arguments: [
        (4_096, [3_968..<4_096]),
        (4_097, [3_968..<4_097]),
        (10_000, [3_968..<4_096, 9_984..<10_000]),
        (1 << 20, [3_968..<4_096, (1 << 20) - 64..<(1 << 20)]),
    ])
    func dirtyRangesOfLargerPages(size: Int, expected: [Range<Int>]) throws {
        let bus = StateBus()
        let page = try bus.createPage(size: size)
        try bus.write(page: page, offset: 4_000, bytes: [UInt8](repeating: 1, count: 96))  // chunks 62…63
        try bus.write(page: page, offset: size - 1, bytes: [1])
        #expect(try bus.dirtyRanges(of: page) == expected)
        #expect(try bus.info(page: page).dirtyChunks == expected.reduce(0) { $0 + ($1.count + 63) / 64 })
        try bus.clearDirty(page: page)
        #expect(try bus.dirtyRanges(of: page) == [])
        #expect(try bus.info(page: page).dirtyChunks == 0)
        if size > 8_192 {
            try bus.write(page: page, offset: 4_090, bytes: [UInt8](repeating: 2, count: 4_200))  // bytes 4_090…8_289: chunks 63…129
            #expect(try bus.dirtyRanges(of: page) == [4_032..<8_320])
            #expect(try bus.info(page: page).dirtyChunks == 129 - 63 + 1)
        }
    }

    @Test func failedWritesLeaveDirtyBitsAlone() throws {
        let bus = try Self.busWithPages()
        try bus.clearDirty(page: 1)
        _ = try? bus.write(page: 1, offset: 10, bytes: [1, 2, 3, 4, 5, 6, 7])
        _ = try? bus.apply(try Delta(page: 1, epoch: 0, offset: 0, bytes: [1]))
        _ = try? bus.update(page: 1, to: [1])
        #expect(try bus.dirtyRanges(of: 1) == [])
    }
}
