import MMSB
import Testing

/// The maximal spans where `old` and `new` differ, found one byte at a time.
private func naiveDiffRuns(_ old: [UInt8], _ new: [UInt8]) -> [DeltaRun] {
    var runs: [DeltaRun] = []
    var index = 0
    while index < old.count {
        guard old[index] != new[index] else { index += 1; continue }
        let start = index
        while index < old.count, old[index] != new[index] { index += 1 }
        runs.append(DeltaRun(offset: start, length: index - start))
    }
    return runs
}

/// `base` with byte `i` flipped wherever `flip(i)` is true.
private func flipped(_ base: [UInt8], where flip: (Int) -> Bool) -> [UInt8] {
    var bytes = base
    for index in bytes.indices where flip(index) { bytes[index] ^= 0x5A }
    return bytes
}

@Suite struct DeltaOriginalExampleTests {
    /// Spec §4.3: sparse mask [T,F,T,F,T] with payload [0x10,0x50,0x90].
    @Test func toDenseOfTheOriginalSparseExample() throws {
        let delta = try Delta.sparse(page: 1, epoch: 0, mask: [true, false, true, false, true], payload: [0x10, 0x50, 0x90])
        let dense = delta.toDense()
        #expect(dense.mask == [true, false, true, false, true])
        #expect(dense.payload == [0x10, 0x00, 0x50, 0x00, 0x90])
    }

    /// Spec §4.4: d1 dense [T,F,T,F]/[1,2,3,4] epoch 5, then d2 sparse [F,T,T,F]/[9,8] epoch 3.
    ///
    /// The original's merged payload is `[1,9,8,4]`: unmasked position 3 keeps d1's dense byte 4.
    /// Ours does not keep bytes under a false mask entry at all, so ``Delta/toDense()`` shows 0 there.
    /// Only masked bytes are ever written, so both agree on what the merge does to a page.
    @Test func mergeOfTheOriginalDenseAndSparseExample() throws {
        let d1 = try Delta.dense(page: 4, epoch: 5, mask: [true, false, true, false], payload: [1, 2, 3, 4])
        let d2 = try Delta.sparse(page: 4, epoch: 3, mask: [false, true, true, false], payload: [9, 8])
        let merged = try d1.merging(d2)
        let dense = merged.toDense()
        #expect(dense.mask == [true, true, true, false])
        #expect(dense.payload == [1, 9, 8, 0])
        #expect(merged.runs == [DeltaRun(offset: 0, length: 3)])
        #expect(merged.payload == [1, 9, 8])
        #expect(merged.epoch == Epoch(5))
        #expect(merged.extent == 4)
        #expect(merged.page == PageID(4))

        var page: [UInt8] = [0xF0, 0xF1, 0xF2, 0xF3]
        try merged.apply(to: &page)
        #expect(page == [1, 9, 8, 0xF3])
    }

    /// Spec §4.8: three dense 128-byte full-mask deltas 0x11, 0x22, 0x33 for one page compact to one.
    @Test func compactOfThreeFullPageDeltas() throws {
        let full = [Bool](repeating: true, count: 128)
        let deltas = try [0x11, 0x22, 0x33].enumerated().map { index, value in
            try Delta.dense(page: 9, epoch: Epoch(UInt64(index + 1)), mask: full, payload: [UInt8](repeating: UInt8(value), count: 128))
        }
        let compacted = Delta.compact(deltas)
        #expect(compacted.count == 1)
        let only = try #require(compacted.first)
        #expect(only.runs == [DeltaRun(offset: 0, length: 128)])
        #expect(only.payload == [UInt8](repeating: 0x33, count: 128))
        #expect(only.epoch == Epoch(3))
        #expect(only.page == PageID(9))
        #expect(only.extent == 128)
    }
}

@Suite struct DeltaMergeTests {
    @Test func mergeTakesIdSourceAndPageOfTheLaterDelta() throws {
        var earlier = try Delta(page: 2, epoch: 1, offset: 0, bytes: [1], source: .user)
        var later = try Delta(page: 2, epoch: 1, offset: 1, bytes: [2], source: .network)
        earlier.id = DeltaID(10)
        later.id = DeltaID(11)
        let merged = try earlier.merging(later)
        #expect(merged.id == DeltaID(11))
        #expect(merged.source == .network)
        #expect(merged.page == PageID(2))
        // The other way round, the other delta's fields win.
        let reversed = try later.merging(earlier)
        #expect(reversed.id == DeltaID(10))
        #expect(reversed.source == .user)
    }

    @Test func mergeTakesTheLargerEpochAndTimestamp() throws {
        var earlier = try Delta(page: 2, epoch: 8, offset: 0, bytes: [1])
        var later = try Delta(page: 2, epoch: 3, offset: 0, bytes: [2])
        earlier.timestamp = 100
        later.timestamp = 900
        let merged = try earlier.merging(later)
        #expect(merged.epoch == Epoch(8))
        #expect(merged.timestamp == 900)

        earlier.timestamp = 1_000
        later.epoch = 20
        let again = try earlier.merging(later)
        #expect(again.epoch == Epoch(20))
        #expect(again.timestamp == 1_000)
    }

    @Test func mergeTakesTheLaterIntentOrElseTheEarlierOne() throws {
        let withA = try Delta(page: 1, epoch: 0, offset: 0, bytes: [1], intent: "a")
        let withB = try Delta(page: 1, epoch: 0, offset: 0, bytes: [2], intent: "b")
        let without = try Delta(page: 1, epoch: 0, offset: 0, bytes: [3])
        #expect(try withA.merging(withB).intent == "b")
        #expect(try withA.merging(without).intent == "a")
        #expect(try without.merging(withB).intent == "b")
        #expect(try without.merging(without).intent == nil)
    }

    @Test func mergeTakesTheLargerExtent() throws {
        // A mask-built delta's extent (10) exceeds the end of its last run (1).
        let wide = try Delta.dense(page: 1, epoch: 0, mask: [true] + [Bool](repeating: false, count: 9), payload: [UInt8](repeating: 1, count: 10))
        let narrow = try Delta(page: 1, epoch: 0, offset: 3, bytes: [2, 2])
        #expect(wide.extent == 10)
        #expect(narrow.extent == 5)
        #expect(try wide.merging(narrow).extent == 10)
        #expect(try narrow.merging(wide).extent == 10)
    }

    @Test func laterBytesWinWhereBothWrite() throws {
        let earlier = try Delta(page: 1, epoch: 0, offset: 2, bytes: [1, 1, 1, 1])
        let later = try Delta(page: 1, epoch: 0, offset: 4, bytes: [2, 2, 2, 2])
        let merged = try earlier.merging(later)
        #expect(merged.runs == [DeltaRun(offset: 2, length: 6)])
        #expect(merged.payload == [1, 1, 2, 2, 2, 2])
        #expect(merged.extent == 8)
    }

    @Test func mergeKeepsGapsBetweenDisjointRuns() throws {
        let earlier = try Delta(page: 1, epoch: 0, runs: [(offset: 0, bytes: [1]), (offset: 10, bytes: [2])])
        let later = try Delta(page: 1, epoch: 0, offset: 5, bytes: [3, 3])
        let merged = try earlier.merging(later)
        #expect(merged.runs == [DeltaRun(offset: 0, length: 1), DeltaRun(offset: 5, length: 2), DeltaRun(offset: 10, length: 1)])
        #expect(merged.payload == [1, 3, 3, 2])
        #expect(merged.extent == 11)
    }

    @Test func mergeJoinsRunsThatTouch() throws {
        let earlier = try Delta(page: 1, epoch: 0, offset: 0, bytes: [1, 1])
        let later = try Delta(page: 1, epoch: 0, offset: 2, bytes: [2])
        let merged = try earlier.merging(later)
        #expect(merged.runs == [DeltaRun(offset: 0, length: 3)])
        #expect(merged.payload == [1, 1, 2])
    }

    @Test func mergeOfARunStartingLaterThanTheOtherDelta() throws {
        let earlier = try Delta(page: 1, epoch: 0, offset: 50, bytes: [1])
        let later = try Delta(page: 1, epoch: 0, offset: 40, bytes: [2])
        let merged = try earlier.merging(later)
        #expect(merged.runs == [DeltaRun(offset: 40, length: 1), DeltaRun(offset: 50, length: 1)])
        #expect(merged.payload == [2, 1])
        #expect(merged.extent == 51)
    }

    @Test func mergeOfDeltasForDifferentPagesThrows() throws {
        let a = try Delta(page: 1, epoch: 0, offset: 0, bytes: [1])
        let b = try Delta(page: 2, epoch: 0, offset: 0, bytes: [1])
        #expect(throws: DeltaError.pageMismatch(expected: 1, found: 2)) {
            try a.merging(b)
        }
        #expect(throws: DeltaError.pageMismatch(expected: 2, found: 1)) {
            try b.merging(a)
        }
    }
}

@Suite struct DeltaCompactTests {
    @Test func compactOfNothingIsNothing() {
        #expect(Delta.compact([]).isEmpty)
    }

    @Test func compactOfOneDeltaIsThatDelta() throws {
        let delta = try Delta(page: 1, epoch: 2, offset: 3, bytes: [4])
        #expect(Delta.compact([delta]) == [delta])
    }

    @Test func compactKeepsDifferentPagesSeparateAndInOrder() throws {
        let p1a = try Delta(page: 1, epoch: 1, offset: 0, bytes: [0xA1])
        let p1b = try Delta(page: 1, epoch: 2, offset: 1, bytes: [0xA2])
        let p2 = try Delta(page: 2, epoch: 1, offset: 0, bytes: [0xB1])
        let p1c = try Delta(page: 1, epoch: 3, offset: 2, bytes: [0xA3])
        let p3a = try Delta(page: 3, epoch: 1, offset: 0, bytes: [0xC1])
        let p3b = try Delta(page: 3, epoch: 2, offset: 0, bytes: [0xC2])
        let compacted = Delta.compact([p1a, p1b, p2, p1c, p3a, p3b])
        #expect(compacted.map(\.page) == [1, 2, 1, 3])
        #expect(compacted.count == 4)
        guard compacted.count == 4 else { return }
        #expect(try compacted[0] == p1a.merging(p1b))
        #expect(compacted[0].payload == [0xA1, 0xA2])
        #expect(compacted[1] == p2)
        #expect(compacted[2] == p1c)
        #expect(compacted[3].payload == [0xC2])
        #expect(compacted[3].epoch == Epoch(2))
    }

    @Test func compactedListAppliesLikeTheOriginalList() throws {
        let deltas = [
            try Delta(page: 1, epoch: 1, offset: 0, bytes: [1, 1, 1]),
            try Delta(page: 1, epoch: 2, offset: 2, bytes: [2, 2]),
            try Delta(page: 2, epoch: 1, offset: 1, bytes: [3]),
            try Delta(page: 2, epoch: 2, offset: 0, bytes: [4, 4, 4, 4]),
            try Delta(page: 1, epoch: 3, offset: 1, bytes: [5]),
        ]
        var sequential: [PageID: [UInt8]] = [1: [UInt8](repeating: 0, count: 6), 2: [UInt8](repeating: 0, count: 6)]
        for delta in deltas { try delta.apply(to: &sequential[delta.page]!) }
        var compactedPages: [PageID: [UInt8]] = [1: [UInt8](repeating: 0, count: 6), 2: [UInt8](repeating: 0, count: 6)]
        let compacted = Delta.compact(deltas)
        #expect(compacted.count == 3)
        for delta in compacted { try delta.apply(to: &compactedPages[delta.page]!) }
        #expect(compactedPages == sequential)
        #expect(sequential[1] == [1, 5, 2, 2, 0, 0])
        #expect(sequential[2] == [4, 4, 4, 4, 0, 0])
    }
}

/// A diff example: bytes at `differing` change in a buffer of `length`; `expected` lists (offset, length) runs.
struct DiffCase: Sendable, CustomTestStringConvertible {
    var length: Int
    var differing: [Int]
    var expected: [(Int, Int)]
    var testDescription: String { "length \(length), differing \(differing)" }
}

@Suite struct DeltaDiffTests {
    @Test func equalContentsGiveNoDelta() throws {
        #expect(try Delta.diff(page: 1, epoch: 1, from: [1, 2, 3], to: [1, 2, 3]) == nil)
        #expect(try Delta.diff(page: 1, epoch: 1, from: [], to: []) == nil)
        let long = [UInt8](repeating: 0xAB, count: 1_000)
        #expect(try Delta.diff(page: 1, epoch: 1, from: long, to: long) == nil)
    }

    @Test func lengthMismatchThrows() {
        #expect(throws: DeltaError.lengthMismatch(expected: 3, found: 4)) {
            try Delta.diff(page: 1, epoch: 1, from: [1, 2, 3], to: [1, 2, 3, 4])
        }
        #expect(throws: DeltaError.lengthMismatch(expected: 2, found: 0)) {
            try Delta.diff(page: 1, epoch: 1, from: [1, 2], to: [])
        }
    }

    @Test func diffCarriesPageEpochSourceAndIntent() throws {
        let delta = try #require(try Delta.diff(page: 6, epoch: 11, from: [0, 0], to: [0, 1], source: .disk, intent: "sync"))
        #expect(delta.page == PageID(6))
        #expect(delta.epoch == Epoch(11))
        #expect(delta.source == .disk)
        #expect(delta.intent == "sync")
        #expect(delta.id == DeltaID.unassigned)
        #expect(delta.runs == [DeltaRun(offset: 1, length: 1)])
        #expect(delta.payload == [1])
        #expect(delta.extent == 2)
    }

    @Test func extentIsTheEndOfTheLastDifference() throws {
        let old = [UInt8](repeating: 0, count: 32)
        var new = old
        new[5] = 1
        let delta = try #require(try Delta.diff(page: 1, epoch: 0, from: old, to: new))
        #expect(delta.extent == 6)
    }

    @Test(arguments: [
        DiffCase(length: 1, differing: [0], expected: [(0, 1)]),
        DiffCase(length: 16, differing: [0], expected: [(0, 1)]),
        DiffCase(length: 16, differing: [15], expected: [(15, 1)]),
        DiffCase(length: 17, differing: [16], expected: [(16, 1)]),
        DiffCase(length: 16, differing: [0, 15], expected: [(0, 1), (15, 1)]),
        DiffCase(length: 24, differing: [7, 8], expected: [(7, 2)]),
        DiffCase(length: 24, differing: [6, 7, 8, 9], expected: [(6, 4)]),
        DiffCase(length: 24, differing: Array(4..<20), expected: [(4, 16)]),
        DiffCase(length: 24, differing: [7, 9], expected: [(7, 1), (9, 1)]),
        DiffCase(length: 24, differing: [8], expected: [(8, 1)]),
        DiffCase(length: 24, differing: [15, 16], expected: [(15, 2)]),
        DiffCase(length: 32, differing: Array(0..<32), expected: [(0, 32)]),
        DiffCase(length: 33, differing: Array(0..<33), expected: [(0, 33)]),
        DiffCase(length: 40, differing: [0, 1, 2, 38, 39], expected: [(0, 3), (38, 2)]),
        DiffCase(length: 40, differing: [3, 11, 19, 27, 35], expected: [(3, 1), (11, 1), (19, 1), (27, 1), (35, 1)]),
        DiffCase(length: 13, differing: [12], expected: [(12, 1)]),
        DiffCase(length: 13, differing: [7, 8, 9, 10, 11, 12], expected: [(7, 6)]),
        DiffCase(length: 9, differing: [8], expected: [(8, 1)]),
        DiffCase(length: 7, differing: [0, 6], expected: [(0, 1), (6, 1)]),
    ])
    func diffRunsAreMaximalSpans(_ testCase: DiffCase) throws {
        let (length, differing, expected) = (testCase.length, testCase.differing, testCase.expected)
        let old = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let new = flipped(old) { differing.contains($0) }
        let delta = try #require(try Delta.diff(page: 3, epoch: 0, from: old, to: new))
        #expect(delta.runs == expected.map { DeltaRun(offset: $0.0, length: $0.1) })
        #expect(delta.payload == differing.map { new[$0] })
        var patched = old
        try delta.apply(to: &patched)
        #expect(patched == new)
    }

    /// Every pattern of differing bytes for lengths 0 … 14, checked against a byte-at-a-time reference.
    @Test func diffMatchesNaiveReferenceForEveryPatternUpTo14Bytes() throws {
        var mismatches = 0
        var checked = 0
        for length in 0...14 {
            let old = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 13 + 1) }
            for pattern in 0..<(1 << length) {
                let new = flipped(old) { pattern & (1 << $0) != 0 }
                let expected = naiveDiffRuns(old, new)
                let delta = try Delta.diff(page: 1, epoch: 0, from: old, to: new)
                checked += 1
                if pattern == 0 {
                    if delta != nil { mismatches += 1 }
                } else if delta?.runs != expected {
                    mismatches += 1
                }
            }
        }
        #expect(checked == (1 << 15) - 1)
        #expect(mismatches == 0)
    }

    /// Lengths 15 … 20: random patterns (seeded) against the reference, dense and sparse.
    @Test func diffMatchesNaiveReferenceForRandomPatternsUpTo20Bytes() throws {
        var random = SplitMix64(seed: 0x00D1_FF00)
        var mismatches: [String] = []
        var checked = 0
        for length in 15...20 {
            let old = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 29 + 3) }
            for round in 0..<600 {
                let bits = random.next()
                // Alternate between uniform patterns and patterns where few bytes differ.
                let pattern = round.isMultiple(of: 2) ? bits : bits & random.next() & random.next()
                let new = flipped(old) { pattern & (1 << UInt64($0)) != 0 }
                let expected = naiveDiffRuns(old, new)
                let delta = try Delta.diff(page: 1, epoch: 0, from: old, to: new)
                checked += 1
                if (delta?.runs ?? []) != expected {
                    mismatches.append("length \(length), pattern \(String(pattern, radix: 2)): \(delta?.runs ?? []) != \(expected)")
                }
            }
        }
        #expect(checked == 6 * 600)
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.first ?? "")")
    }

    @Test func diffAgainstAllDifferentAndAllEqualPrefixes() throws {
        // Every length 0 … 20 with a single difference at each position.
        for length in 1...20 {
            let old = [UInt8](repeating: 0x33, count: length)
            for position in 0..<length {
                var new = old
                new[position] = 0x34
                let delta = try #require(try Delta.diff(page: 1, epoch: 0, from: old, to: new))
                #expect(delta.runs == [DeltaRun(offset: position, length: 1)], "length \(length), position \(position)")
                #expect(delta.payload == [0x34])
            }
            let allNew = [UInt8](repeating: 0x44, count: length)
            let all = try #require(try Delta.diff(page: 1, epoch: 0, from: old, to: allNew))
            #expect(all.runs == [DeltaRun(offset: 0, length: length)])
            #expect(all.payload == allNew)
        }
    }
}
