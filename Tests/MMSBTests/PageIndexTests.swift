import Synchronization
import Testing

@testable import MMSB

// MARK: PageIndex

@Suite struct PageIndexTests {
    /// The index under test plus the id column it reads slots through.
    struct Harness: ~Copyable {
        var index = PageIndex()
        var ids: [UInt64] = []
        var freeSlots: [Int] = []
        var model: [UInt64: Int] = [:]

        mutating func insert(_ id: UInt64) throws {
            let slot: Int
            if let free = freeSlots.popLast() {
                slot = free
                ids[slot] = id
            } else {
                slot = ids.count
                ids.append(id)
            }
            let column = ids
            try index.insert(id, slot: slot) { column[$0] }
            model[id] = slot
        }

        mutating func remove(_ id: UInt64) {
            let slot = model.removeValue(forKey: id)!
            let column = ids
            index.remove(id) { column[$0] }
            ids[slot] = 0
            freeSlots.append(slot)
        }

        func find(_ id: UInt64) -> Int? {
            index.find(id) { ids[$0] }
        }

        /// Ids in the model whose slot the index gets wrong, and a count check.
        func mismatches(absent: [UInt64] = []) -> [UInt64] {
            var wrong = model.filter { find($0.key) != $0.value }.map(\.key)
            wrong += absent.filter { find($0) != nil }
            if index.count != model.count { wrong.append(UInt64.max) }
            return wrong
        }
    }

    /// The bucket a Fibonacci hash picks for `id` in a table of `capacity` buckets.
    static func home(_ id: UInt64, capacity: Int) -> Int {
        Int((id &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - capacity.trailingZeroBitCount))
    }

    @Test func emptyIndexFindsNothingAndCostsNothing() {
        let index = PageIndex()
        #expect(index.count == 0)
        #expect(index.bookkeepingBytes == 0)
        #expect(index.find(1) { _ in 1 } == nil)
    }

    @Test func growsFromOneThousandTwentyFourBucketsAtThreeQuartersLoad() throws {
        var harness = Harness()
        try harness.insert(1)
        #expect(harness.index.bookkeepingBytes == SystemMemory.roundUp(1_024 * 4, to: SystemMemory.pageSize))
        for id in 2...768 { try harness.insert(UInt64(id)) }
        #expect(harness.index.bookkeepingBytes == SystemMemory.roundUp(1_024 * 4, to: SystemMemory.pageSize))
        try harness.insert(769)
        #expect(harness.index.bookkeepingBytes == SystemMemory.roundUp(2_048 * 4, to: SystemMemory.pageSize))
        #expect(harness.index.count == 769)
        #expect(harness.mismatches(absent: [0, 770, UInt64.max]).isEmpty)
    }

    @Test func sequentialIdsWithInterleavedDeletes() throws {
        var harness = Harness()
        var removed: [UInt64] = []
        for id in UInt64(1)...6_000 {
            try harness.insert(id)
            if id % 3 == 0 {
                harness.remove(id - 1)
                removed.append(id - 1)
            }
        }
        #expect(harness.index.count == 4_000)
        #expect(harness.mismatches(absent: removed + [6_001, 0]).isEmpty)
    }

    @Test(arguments: [1, 2, 3])
    func randomIdsAgainstADictionary(seed: UInt64) throws {
        var harness = Harness()
        var random = SplitMix64(seed: seed)
        var removed: [UInt64] = []
        for step in 0..<8_000 {
            if harness.model.isEmpty || Int.random(in: 0..<10, using: &random) < 7 {
                let id = random.next() | 1
                guard harness.model[id] == nil else { continue }
                try harness.insert(id)
            } else {
                let id = harness.model.keys.randomElement(using: &random)!
                harness.remove(id)
                removed.append(id)
            }
            if step % 1_000 == 999 {
                let stillRemoved = removed.filter { harness.model[$0] == nil }
                #expect(harness.mismatches(absent: stillRemoved).isEmpty, "step \(step)")
            }
        }
        #expect(harness.mismatches().isEmpty)
        for id in Array(harness.model.keys) { harness.remove(id) }
        #expect(harness.index.count == 0)
        #expect(harness.mismatches(absent: removed).isEmpty)
    }

    /// Ids that all hash to the last bucket form a probe run that wraps around to bucket 0; deleting
    /// from its middle must shift later entries back without losing any.
    @Test func collidingIdsWrappingAroundTheTableSurviveDeletes() throws {
        var colliding: [UInt64] = []
        var neighbours: [UInt64] = []
        var candidate: UInt64 = 1
        while colliding.count < 40 || neighbours.count < 20 {
            let bucket = Self.home(candidate, capacity: 1_024)
            if bucket == 1_023, colliding.count < 40 { colliding.append(candidate) }
            if bucket == 0 || bucket == 1, neighbours.count < 20 { neighbours.append(candidate) }
            candidate += 1
        }
        var harness = Harness()
        for (position, id) in colliding.enumerated() {
            try harness.insert(id)
            if position < neighbours.count { try harness.insert(neighbours[position]) }
        }
        #expect(harness.index.bookkeepingBytes == SystemMemory.roundUp(1_024 * 4, to: SystemMemory.pageSize))
        #expect(harness.mismatches().isEmpty)
        var removed: [UInt64] = []
        for (position, id) in colliding.enumerated() where position % 2 == 1 {
            harness.remove(id)
            removed.append(id)
            #expect(harness.mismatches(absent: removed).isEmpty, "after removing \(id)")
        }
        for id in neighbours.prefix(10) {
            harness.remove(id)
            removed.append(id)
        }
        #expect(harness.mismatches(absent: removed).isEmpty)
        for id in removed.prefix(15) { try harness.insert(id) }
        #expect(harness.mismatches(absent: Array(removed.dropFirst(15))).isEmpty)
    }
}
