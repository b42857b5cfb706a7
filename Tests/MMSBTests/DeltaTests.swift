import MMSB
import Testing

/// The bytes a delta writes, as `(offset, bytes)` pairs read through ``Delta/forEachRun(_:)``.
private func runBytes(_ delta: Delta) -> [(offset: Int, bytes: [UInt8])] {
    var result: [(offset: Int, bytes: [UInt8])] = []
    delta.forEachRun { offset, bytes in result.append((offset, Array(bytes))) }
    return result
}

/// Whether two run lists are equal (tuples of arrays are not Equatable).
private func sameRuns(_ lhs: [(offset: Int, bytes: [UInt8])], _ rhs: [(offset: Int, bytes: [UInt8])]) -> Bool {
    lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0.offset == $1.offset && $0.bytes == $1.bytes }
}

@Suite struct DeltaConstructorTests {
    @Test func rangedDeltaHoldsOneRun() throws {
        let delta = try Delta(page: 7, epoch: 3, offset: 10, bytes: [1, 2, 3])
        #expect(delta.page == PageID(7))
        #expect(delta.epoch == Epoch(3))
        #expect(delta.id == DeltaID.unassigned)
        #expect(delta.source == .user)
        #expect(delta.timestamp == 0)
        #expect(delta.intent == nil)
        #expect(delta.runs == [DeltaRun(offset: 10, length: 3)])
        #expect(delta.payload == [1, 2, 3])
        #expect(delta.byteCount == 3)
        #expect(delta.extent == 13)
    }

    @Test func rangedDeltaKeepsSourceAndIntent() throws {
        let delta = try Delta(page: 1, epoch: 0, offset: 0, bytes: [9], source: .custom("sensor"), intent: "calibrate")
        #expect(delta.source == .custom("sensor"))
        #expect(delta.source.label == "sensor")
        #expect(delta.intent == "calibrate")
        #expect(delta.extent == 1)
    }

    @Test func rangedDeltaRejectsEmptyBytes() {
        #expect(throws: DeltaError.empty(PageID(4))) {
            try Delta(page: 4, epoch: 0, offset: 0, bytes: [])
        }
    }

    @Test func rangedDeltaRejectsNegativeOffset() {
        #expect(throws: DeltaError.invalidRun(offset: -1, length: 2)) {
            try Delta(page: 4, epoch: 0, offset: -1, bytes: [1, 2])
        }
    }

    @Test func rangedDeltaRejectsAnEndPastIntMax() {
        #expect(throws: DeltaError.invalidRun(offset: Int.max, length: 1)) {
            try Delta(page: 4, epoch: 0, offset: Int.max, bytes: [1])
        }
        #expect(throws: DeltaError.invalidRun(offset: Int.max - 1, length: 2)) {
            try Delta(page: 4, epoch: 0, offset: Int.max - 1, bytes: [1, 2])
        }
    }

    @Test func runListDeltaPacksPayloadInRunOrder() throws {
        let delta = try Delta(page: 2, epoch: 9, runs: [(offset: 0, bytes: [1]), (offset: 5, bytes: [2, 3]), (offset: 100, bytes: [4, 5, 6])])
        #expect(delta.runs == [DeltaRun(offset: 0, length: 1), DeltaRun(offset: 5, length: 2), DeltaRun(offset: 100, length: 3)])
        #expect(delta.payload == [1, 2, 3, 4, 5, 6])
        #expect(delta.byteCount == 6)
        #expect(delta.extent == 103)
    }

    @Test func runListDeltaAcceptsAdjacentRunsAndKeepsThemApart() throws {
        let delta = try Delta(page: 2, epoch: 0, runs: [(offset: 3, bytes: [1, 2]), (offset: 5, bytes: [3])])
        #expect(delta.runs == [DeltaRun(offset: 3, length: 2), DeltaRun(offset: 5, length: 1)])
        #expect(delta.payload == [1, 2, 3])
        #expect(delta.extent == 6)
    }

    @Test func runListDeltaRejectsAnEmptyList() {
        #expect(throws: DeltaError.empty(PageID(8))) {
            try Delta(page: 8, epoch: 0, runs: [])
        }
    }

    @Test func runListDeltaRejectsAnEmptyRun() {
        #expect(throws: DeltaError.invalidRun(offset: 4, length: 0)) {
            try Delta(page: 8, epoch: 0, runs: [(offset: 0, bytes: [1]), (offset: 4, bytes: [])])
        }
    }

    @Test func runListDeltaRejectsANegativeOffset() {
        #expect(throws: DeltaError.invalidRun(offset: -5, length: 1)) {
            try Delta(page: 8, epoch: 0, runs: [(offset: -5, bytes: [1])])
        }
    }

    @Test func runListDeltaRejectsARunEndingPastIntMax() {
        #expect(throws: DeltaError.invalidRun(offset: Int.max, length: 1)) {
            try Delta(page: 8, epoch: 0, runs: [(offset: 0, bytes: [1]), (offset: Int.max, bytes: [1])])
        }
    }

    @Test func runListDeltaRejectsOverlappingRuns() {
        #expect(throws: DeltaError.overlappingRuns(previousEnd: 3, offset: 2)) {
            try Delta(page: 8, epoch: 0, runs: [(offset: 0, bytes: [1, 2, 3]), (offset: 2, bytes: [4])])
        }
    }

    @Test func runListDeltaRejectsUnsortedRuns() {
        #expect(throws: DeltaError.overlappingRuns(previousEnd: 11, offset: 0)) {
            try Delta(page: 8, epoch: 0, runs: [(offset: 10, bytes: [1]), (offset: 0, bytes: [2])])
        }
    }

    @Test func runListDeltaRejectsARepeatedRun() {
        #expect(throws: DeltaError.overlappingRuns(previousEnd: 6, offset: 4)) {
            try Delta(page: 8, epoch: 0, runs: [(offset: 4, bytes: [1, 2]), (offset: 4, bytes: [1, 2])])
        }
    }

    @Test func denseDeltaKeepsOnlyMaskedBytesAsRuns() throws {
        let delta = try Delta.dense(
            page: 3, epoch: 2, mask: [true, true, false, false, true, false], payload: [10, 11, 12, 13, 14, 15])
        #expect(delta.runs == [DeltaRun(offset: 0, length: 2), DeltaRun(offset: 4, length: 1)])
        #expect(delta.payload == [10, 11, 14])
        #expect(delta.extent == 6)
        #expect(delta.page == PageID(3))
        #expect(delta.epoch == Epoch(2))
    }

    @Test func denseDeltaExtentIsTheMaskLengthEvenWithTrailingFalseEntries() throws {
        let delta = try Delta.dense(page: 3, epoch: 0, mask: [true, false, false, false], payload: [1, 2, 3, 4])
        #expect(delta.runs == [DeltaRun(offset: 0, length: 1)])
        #expect(delta.extent == 4)
    }

    @Test func denseDeltaRejectsLengthMismatch() {
        #expect(throws: DeltaError.sizeMismatch(maskLength: 3, payloadLength: 2)) {
            try Delta.dense(page: 1, epoch: 0, mask: [true, true, true], payload: [1, 2])
        }
        #expect(throws: DeltaError.sizeMismatch(maskLength: 1, payloadLength: 4)) {
            try Delta.dense(page: 1, epoch: 0, mask: [true], payload: [1, 2, 3, 4])
        }
    }

    @Test func denseDeltaRejectsAnAllFalseMask() {
        #expect(throws: DeltaError.empty(PageID(6))) {
            try Delta.dense(page: 6, epoch: 0, mask: [false, false, false], payload: [1, 2, 3])
        }
    }

    @Test func denseDeltaRejectsAnEmptyMask() {
        #expect(throws: DeltaError.empty(PageID(6))) {
            try Delta.dense(page: 6, epoch: 0, mask: [], payload: [])
        }
    }

    @Test func sparseDeltaTakesPayloadBytesInMaskOrder() throws {
        let delta = try Delta.sparse(page: 5, epoch: 1, mask: [false, true, true, false, true], payload: [7, 8, 9])
        #expect(delta.runs == [DeltaRun(offset: 1, length: 2), DeltaRun(offset: 4, length: 1)])
        #expect(delta.payload == [7, 8, 9])
        #expect(delta.extent == 5)
    }

    @Test func sparseDeltaRejectsMismatchWithTheSelectedCount() {
        // The error's maskLength is the number of set entries (2), not the mask's length (4).
        #expect(throws: DeltaError.sizeMismatch(maskLength: 2, payloadLength: 3)) {
            try Delta.sparse(page: 1, epoch: 0, mask: [true, false, true, false], payload: [1, 2, 3])
        }
        #expect(throws: DeltaError.sizeMismatch(maskLength: 2, payloadLength: 1)) {
            try Delta.sparse(page: 1, epoch: 0, mask: [true, false, true, false], payload: [1])
        }
        #expect(throws: DeltaError.sizeMismatch(maskLength: 0, payloadLength: 1)) {
            try Delta.sparse(page: 1, epoch: 0, mask: [false, false], payload: [1])
        }
    }

    @Test func sparseDeltaRejectsAnAllFalseMask() {
        #expect(throws: DeltaError.empty(PageID(2))) {
            try Delta.sparse(page: 2, epoch: 0, mask: [false, false], payload: [])
        }
        #expect(throws: DeltaError.empty(PageID(2))) {
            try Delta.sparse(page: 2, epoch: 0, mask: [], payload: [])
        }
    }

    @Test func maskConstructorsKeepSourceAndIntent() throws {
        let dense = try Delta.dense(page: 1, epoch: 0, mask: [true], payload: [1], source: .propagation, intent: "why")
        let sparse = try Delta.sparse(page: 1, epoch: 0, mask: [true], payload: [1], source: .replay, intent: "because")
        #expect(dense.source == .propagation)
        #expect(dense.intent == "why")
        #expect(sparse.source == .replay)
        #expect(sparse.intent == "because")
    }
}

@Suite struct DeltaToDenseTests {
    @Test func toDenseOfARangedDeltaPadsTheFrontWithUnsetEntries() throws {
        let delta = try Delta(page: 1, epoch: 0, offset: 2, bytes: [0xAA, 0xBB])
        let dense = delta.toDense()
        #expect(dense.mask == [false, false, true, true])
        #expect(dense.payload == [0, 0, 0xAA, 0xBB])
    }

    @Test func toDenseOfADenseDeltaZeroesUnmaskedPositions() throws {
        let delta = try Delta.dense(page: 1, epoch: 0, mask: [false, true, false, true], payload: [5, 6, 7, 8])
        let dense = delta.toDense()
        #expect(dense.mask == [false, true, false, true])
        #expect(dense.payload == [0, 6, 0, 8])
    }

    @Test func toDenseOfARunListDelta() throws {
        let delta = try Delta(page: 1, epoch: 0, runs: [(offset: 1, bytes: [1]), (offset: 3, bytes: [2, 3])])
        let dense = delta.toDense()
        #expect(dense.mask == [false, true, false, true, true])
        #expect(dense.payload == [0, 1, 0, 2, 3])
    }
}

@Suite struct DeltaApplyTests {
    @Test func applyToArrayWritesEveryRunAndNothingElse() throws {
        let delta = try Delta(page: 1, epoch: 0, runs: [(offset: 1, bytes: [0xA1, 0xA2]), (offset: 6, bytes: [0xB6])])
        var page = [UInt8](repeating: 0xEE, count: 8)
        try delta.apply(to: &page)
        #expect(page == [0xEE, 0xA1, 0xA2, 0xEE, 0xEE, 0xEE, 0xB6, 0xEE])
    }

    @Test func applyToArrayOfExactlyTheExtent() throws {
        let delta = try Delta(page: 1, epoch: 0, offset: 2, bytes: [1, 2])
        var page: [UInt8] = [9, 9, 9, 9]
        try delta.apply(to: &page)
        #expect(page == [9, 9, 1, 2])
    }

    @Test func applyToRawBufferWritesEveryRun() throws {
        let delta = try Delta.sparse(page: 1, epoch: 0, mask: [true, false, true], payload: [4, 5])
        var page: [UInt8] = [1, 1, 1, 1]
        try page.withUnsafeMutableBytes { buffer in try delta.apply(to: buffer) }
        #expect(page == [4, 1, 5, 1])
    }

    @Test func applyToArrayOutOfBoundsThrowsAndLeavesBytesUntouched() throws {
        let delta = try Delta(page: 12, epoch: 0, runs: [(offset: 0, bytes: [1]), (offset: 4, bytes: [2, 3])])
        var page: [UInt8] = [7, 7, 7, 7, 7]
        #expect(throws: DeltaError.outOfBounds(page: 12, end: 6, pageSize: 5)) {
            try delta.apply(to: &page)
        }
        #expect(page == [7, 7, 7, 7, 7])
    }

    @Test func applyToRawBufferOutOfBoundsThrowsAndLeavesBytesUntouched() throws {
        let delta = try Delta(page: 12, epoch: 0, runs: [(offset: 0, bytes: [1]), (offset: 4, bytes: [2, 3])])
        var page: [UInt8] = [7, 7, 7, 7, 7]
        let error = page.withUnsafeMutableBytes { buffer in
            #expect(throws: DeltaError.self) { try delta.apply(to: buffer) }
        }
        #expect(error == .outOfBounds(page: 12, end: 6, pageSize: 5))
        #expect(page == [7, 7, 7, 7, 7])
    }

    @Test func applyToAnEmptyBufferIsOutOfBounds() throws {
        let delta = try Delta(page: 3, epoch: 0, offset: 0, bytes: [1])
        var page: [UInt8] = []
        #expect(throws: DeltaError.outOfBounds(page: 3, end: 1, pageSize: 0)) {
            try delta.apply(to: &page)
        }
        #expect(page.isEmpty)
    }

    @Test func maskBuiltDeltaNeedsAPageAsLongAsItsMask() throws {
        // The mask's trailing false entries still count towards the extent.
        let delta = try Delta.dense(page: 2, epoch: 0, mask: [true, false, false, false], payload: [5, 0, 0, 0])
        var short: [UInt8] = [0, 0, 0]
        #expect(throws: DeltaError.outOfBounds(page: 2, end: 4, pageSize: 3)) {
            try delta.apply(to: &short)
        }
        #expect(short == [0, 0, 0])
        var exact: [UInt8] = [0, 9, 9, 9]
        try delta.apply(to: &exact)
        #expect(exact == [5, 9, 9, 9])
    }
}

@Suite struct DeltaRunIterationTests {
    @Test func forEachRunVisitsRunsInOrderWithTheirBytes() throws {
        let delta = try Delta(page: 1, epoch: 0, runs: [(offset: 2, bytes: [1, 2]), (offset: 9, bytes: [3]), (offset: 20, bytes: [4, 5, 6])])
        #expect(sameRuns(runBytes(delta), [(2, [1, 2]), (9, [3]), (20, [4, 5, 6])]))
    }

    @Test func forEachRunRethrowsAndStops() throws {
        struct Stop: Error, Equatable {}
        let delta = try Delta(page: 1, epoch: 0, runs: [(offset: 0, bytes: [1]), (offset: 5, bytes: [2]), (offset: 9, bytes: [3])])
        var visited: [Int] = []
        #expect(throws: Stop()) {
            try delta.forEachRun { offset, _ in
                visited.append(offset)
                if offset == 5 { throw Stop() }
            }
        }
        #expect(visited == [0, 5])
    }

    @Test func deltaRunEndAndDescription() {
        let run = DeltaRun(offset: 4, length: 3)
        #expect(run.end == 7)
        #expect(run.description == "[4, 7)")
    }
}

@Suite struct DeltaDescriptionTests {
    @Test func descriptionNamesIdPageEpochSourceRunsAndBytes() throws {
        var delta = try Delta(page: 7, epoch: 3, runs: [(offset: 0, bytes: [1, 2]), (offset: 4, bytes: [3, 4, 5])], source: .compute)
        #expect(delta.description == "Delta(id: 0, page: 7, epoch: 3, source: compute, runs: 2, bytes: 5)")
        delta.id = DeltaID(42)
        #expect(String(describing: delta) == "Delta(id: 42, page: 7, epoch: 3, source: compute, runs: 2, bytes: 5)")
    }

    @Test func descriptionShowsCustomSourceLabel() throws {
        let delta = try Delta(page: 1, epoch: 0, offset: 0, bytes: [1], source: .custom("edge-7"))
        #expect(delta.description == "Delta(id: 0, page: 1, epoch: 0, source: edge-7, runs: 1, bytes: 1)")
    }

    @Test func errorDescriptionsCarryTheirValues() {
        #expect(DeltaError.sizeMismatch(maskLength: 3, payloadLength: 2).description
            == "mask and payload do not match: the mask selects 3 bytes but the payload has 2")
        #expect(DeltaError.empty(PageID(4)).description == "empty delta for page 4: a delta must write at least one byte")
        #expect(DeltaError.overlappingRuns(previousEnd: 11, offset: 0).description
            == "runs must be sorted and must not overlap: a run starts at 0, before the previous one ends at 11")
        #expect(DeltaError.outOfBounds(page: 12, end: 6, pageSize: 5).description
            == "delta for page 12 reaches byte 6 but the page holds 5 bytes")
        #expect(DeltaError.invalidRun(offset: -1, length: 2).description.contains("offset -1 of 2 bytes"))
        #expect(DeltaError.pageMismatch(expected: 1, found: 2).description
            == "deltas for different pages: expected page 1, found page 2")
        #expect(DeltaError.lengthMismatch(expected: 4, found: 5).description == "length mismatch: expected 4 bytes, found 5")
    }
}
