import Synchronization
import Testing

@testable import MMSB

// MARK: PageTable

@Suite struct PageTableTests {
    struct Expected: Equatable {
        var slot: Int
        var size: Int
        var location: PageLocation
    }

    static func check(_ table: borrowing PageTable, _ model: [UInt64: Expected], absent: [UInt64] = []) -> [String] {
        var problems: [String] = []
        if table.count != model.count { problems.append("count \(table.count) != \(model.count)") }
        for (id, expected) in model {
            guard let slot = table.slot(of: PageID(id)) else { problems.append("\(id) missing"); continue }
            let actual = Expected(slot: slot, size: table.size(slot), location: table.location(slot))
            if actual != expected || table.id(slot) != PageID(id) { problems.append("\(id): \(actual) != \(expected)") }
        }
        for id in absent where model[id] == nil && table.slot(of: PageID(id)) != nil { problems.append("\(id) still found") }
        let byID = table.slotsByID().map { table.ids($0) }
        if byID != model.keys.sorted() { problems.append("slotsByID out of order or incomplete") }
        return problems
    }

    @Test func insertedPagesAreZeroFilledAtEpochZeroWithTheirSizeAndLocation() throws {
        var table = PageTable()
        let cases: [(PageID, Int, PageLocation)] = [(1, 1, .cpu), (2, 100, .gpu), (3, 4_096, .unified), (4, 70_000, .cpu), (5, 1 << 30, .unified)]
        for (id, size, location) in cases {
            let slot = try table.insert(id: id, size: size, location: location)
            #expect(table.slot(of: id) == slot)
            #expect(table.id(slot) == id)
            #expect(table.size(slot) == size)
            #expect(table.location(slot) == location)
            #expect(table.epoch(slot) == .zero)
            #expect(table.dirtyChunkCount(slot) == 0)
            #expect(UInt(bitPattern: table.data(slot)) % UInt(SizeClass.alignment(forSize: size)) == 0)
            #expect(isZeroFilled(table.data(slot), count: min(size, 100_000)))
        }
        #expect(table.count == 5)
        #expect(table.slot(of: 6) == nil)
        #expect(table.slot(of: 0) == nil)
    }

    @Test func slotsAreHandedOutInOrderAndReusedLastFreedFirst() throws {
        var table = PageTable()
        #expect(try table.insert(id: 10, size: 64, location: .cpu) == 0)
        #expect(try table.insert(id: 20, size: 64, location: .cpu) == 1)
        #expect(try table.insert(id: 30, size: 64, location: .cpu) == 2)
        table.remove(1)
        #expect(table.slot(of: 20) == nil)
        #expect(try table.insert(id: 40, size: 64, location: .cpu) == 1)
        table.remove(0)
        table.remove(2)
        #expect(try table.insert(id: 50, size: 64, location: .cpu) == 2)
        #expect(try table.insert(id: 60, size: 64, location: .cpu) == 0)
        #expect(try table.insert(id: 70, size: 64, location: .cpu) == 3)
        #expect(table.slotsByID() == [1, 2, 0, 3])
        #expect(table.slotsByID().map { table.id($0) } == [40, 50, 60, 70])
    }

    @Test func aReusedSlotStartsClean() throws {
        var table = PageTable()
        let first = try table.insert(id: 1, size: 4_000, location: .gpu)
        table.setEpoch(first, 99)
        table.data(first).initializeMemory(as: UInt8.self, repeating: 0xAA, count: 4_000)
        table.markDirty(first, offset: 0, length: 4_000)
        _ = try table.insert(id: 2, size: 8, location: .cpu)
        table.remove(first)
        let reused = try table.insert(id: 3, size: 4_000, location: .cpu)
        #expect(reused == first)
        #expect(table.epoch(reused) == .zero)
        #expect(table.location(reused) == .cpu)
        #expect(table.dirtyChunkCount(reused) == 0)
        #expect(table.dirtyRanges(reused).isEmpty)
        #expect(isZeroFilled(table.data(reused), count: 4_000))
        #expect(table.slot(of: 1) == nil)
        #expect(table.slot(of: 3) == reused)
    }

    @Test func epochsAreStoredPerSlot() throws {
        var table = PageTable()
        let a = try table.insert(id: 1, size: 10, location: .cpu)
        let b = try table.insert(id: 2, size: 10, location: .cpu)
        table.setEpoch(a, 5)
        table.setEpoch(b, Epoch(UInt64.max))
        #expect(table.epoch(a) == Epoch(5))
        #expect(table.epoch(b) == Epoch(UInt64.max))
        table.remove(a)
        #expect(table.epoch(b) == Epoch(UInt64.max))
    }

    @Test func sequentialIdsAcrossSeveralChunks() throws {
        var table = PageTable()
        var model: [UInt64: Expected] = [:]
        for id in UInt64(1)...9_000 {
            let size = Int(id % 200) + 1
            let location = PageLocation.allCases[Int(id % 3)]
            let slot = try table.insert(id: PageID(id), size: size, location: location)
            #expect(slot == Int(id) - 1)
            model[id] = Expected(slot: slot, size: size, location: location)
        }
        #expect(Self.check(table, model, absent: [0, 9_001]).isEmpty)
        // Three chunks of 4,096 slots, a chunk table of 8 entries, and an index grown to 16,384 buckets
        // (9,000 ids exceed three quarters of 8,192).
        let indexBytes = SystemMemory.roundUp(16_384 * 4, to: SystemMemory.pageSize)
        let statistics = table.statistics
        let pool = table.pool.statistics
        #expect(statistics.bytesMapped - pool.bytesMapped == 3 * PageTable.chunkBytes + indexBytes)
        #expect(statistics.bookkeepingBytes - pool.bookkeepingBytes == 3 * PageTable.chunkBytes + 8 * 8 + indexBytes)
        #expect(statistics.liveBuffers == 9_000)
    }

    @Test(arguments: [7, 8, 9])
    func randomIdsInsertsAndDeletesAgainstADictionary(seed: UInt64) throws {
        var table = PageTable()
        var random = SplitMix64(seed: seed)
        var model: [UInt64: Expected] = [:]
        var removed: [UInt64] = []
        var freed: [Int] = []
        for step in 0..<6_000 {
            if model.isEmpty || Int.random(in: 0..<10, using: &random) < 6 {
                let id = random.next() | 1
                guard model[id] == nil else { continue }
                let size = Int.random(in: 1...300, using: &random)
                let location = PageLocation.allCases.randomElement(using: &random)!
                let slot = try table.insert(id: PageID(id), size: size, location: location)
                // A freed slot is reused before a new one is taken, last freed first.
                if let expectedSlot = freed.popLast() { #expect(slot == expectedSlot, "step \(step)") }
                model[id] = Expected(slot: slot, size: size, location: location)
            } else {
                let id = model.keys.randomElement(using: &random)!
                let slot = model.removeValue(forKey: id)!.slot
                #expect(table.slot(of: PageID(id)) == slot)
                table.remove(slot)
                freed.append(slot)
                removed.append(id)
            }
            if step % 500 == 499 {
                let problems = Self.check(table, model, absent: removed)
                #expect(problems.isEmpty, "step \(step): \(problems.prefix(5))")
            }
        }
        #expect(Self.check(table, model, absent: removed).isEmpty)
        let live = model.values.reduce(0) { $0 + $1.size }
        #expect(table.statistics.liveBuffers == model.count)
        #expect(table.statistics.bytesRequested == live)
        for (_, expected) in model { table.remove(expected.slot) }
        #expect(table.count == 0)
        #expect(table.slotsByID().isEmpty)
        #expect(table.statistics.liveBuffers == 0)
        #expect(table.statistics.bytesRequested == 0)
    }

    @Test func statisticsAddTheTableBookkeepingToThePool() throws {
        var table = PageTable()
        let empty = table.statistics
        #expect(empty == statistics(live: 0, requested: 0, reserved: 0, mapped: 0, bookkeeping: poolTableBytes))
        let indexBytes = SystemMemory.roundUp(1_024 * 4, to: SystemMemory.pageSize)
        let small = try table.insert(id: 1, size: 100, location: .cpu)
        #expect(table.statistics == statistics(
            live: 1, requested: 100, reserved: 128, mapped: SizeClass.slabBytes + PageTable.chunkBytes + indexBytes,
            bookkeeping: poolTableBytes + 8 + PageTable.chunkBytes + 8 * 8 + indexBytes))
        // A page above 4 KiB carries a dirty bitmap: one word per 4,096 bytes (3 words for 10,000 bytes).
        let large = try table.insert(id: 2, size: 10_000, location: .cpu)
        #expect(table.statistics == statistics(
            live: 2, requested: 10_100, reserved: 128 + 12_288, mapped: 2 * SizeClass.slabBytes + PageTable.chunkBytes + indexBytes,
            bookkeeping: poolTableBytes + 16 + PageTable.chunkBytes + 8 * 8 + indexBytes + 3 * 8))
        table.remove(large)
        #expect(table.statistics == statistics(
            live: 1, requested: 100, reserved: 128, mapped: 2 * SizeClass.slabBytes + PageTable.chunkBytes + indexBytes,
            bookkeeping: poolTableBytes + 16 + PageTable.chunkBytes + 8 * 8 + indexBytes))
        table.remove(small)
        #expect(table.statistics.liveBuffers == 0)
        #expect(table.statistics.bytesReserved == 0)
        #expect(table.count == 0)
    }

    // MARK: Dirty tracking

    /// The dirty ranges a set of dirty chunk numbers gives for a page of `size` bytes.
    static func ranges(chunks: Set<Int>, size: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for chunk in chunks.sorted() {
            let range = (chunk * 64)..<min(size, chunk * 64 + 64)
            if let last = ranges.last, last.upperBound == range.lowerBound {
                ranges[ranges.count - 1] = last.lowerBound..<range.upperBound
            } else {
                ranges.append(range)
            }
        }
        return ranges
    }

    @Test func inlineDirtyBitsOfAFullInlinePage() throws {
        var table = PageTable()
        let slot = try table.insert(id: 1, size: 4_096, location: .cpu)
        #expect(table.dirtyRanges(slot).isEmpty)
        table.markDirty(slot, offset: 60, length: 10)
        #expect(table.dirtyRanges(slot) == [0..<128])
        #expect(table.dirtyChunkCount(slot) == 2)
        table.markDirty(slot, offset: 4_095, length: 1)
        #expect(table.dirtyRanges(slot) == [0..<128, 4_032..<4_096])
        #expect(table.dirtyChunkCount(slot) == 3)
        table.clearDirty(slot)
        #expect(table.dirtyRanges(slot).isEmpty)
        #expect(table.dirtyChunkCount(slot) == 0)
        table.markDirty(slot, offset: 0, length: 4_096)
        #expect(table.dirtyRanges(slot) == [0..<4_096])
        #expect(table.dirtyChunkCount(slot) == 64)
    }

    @Test func inlineDirtyRangesAreClippedToAPartialLastChunk() throws {
        var table = PageTable()
        let slot = try table.insert(id: 1, size: 100, location: .cpu)
        table.markDirty(slot, offset: 70, length: 30)
        #expect(table.dirtyRanges(slot) == [64..<100])
        #expect(table.dirtyChunkCount(slot) == 1)
        table.markDirty(slot, offset: 60, length: 10)
        #expect(table.dirtyRanges(slot) == [0..<100])
        #expect(table.dirtyChunkCount(slot) == 2)
        table.clearDirty(slot)
        table.markDirty(slot, offset: 0, length: 1)
        #expect(table.dirtyRanges(slot) == [0..<64])
    }

    @Test func inlineDirtyBitsOfAOneBytePage() throws {
        var table = PageTable()
        let slot = try table.insert(id: 1, size: 1, location: .cpu)
        table.markDirty(slot, offset: 0, length: 1)
        #expect(table.dirtyRanges(slot) == [0..<1])
        #expect(table.dirtyChunkCount(slot) == 1)
    }

    @Test func inlineDirtyBitsOfSingleChunksAndBoundaries() throws {
        var table = PageTable()
        let slot = try table.insert(id: 1, size: 4_096, location: .cpu)
        table.markDirty(slot, offset: 64, length: 64)
        #expect(table.dirtyRanges(slot) == [64..<128])
        table.markDirty(slot, offset: 127, length: 2)
        #expect(table.dirtyRanges(slot) == [64..<192])
        table.markDirty(slot, offset: 4_032, length: 64)
        #expect(table.dirtyRanges(slot) == [64..<192, 4_032..<4_096])
        #expect(table.dirtyChunkCount(slot) == 3)
    }

    @Test func bitmapDirtyBitsAcrossWordBoundariesAndTheLastPartialChunk() throws {
        var table = PageTable()
        // 10,000 bytes: 157 chunks, the last one 16 bytes; the bitmap has 3 words.
        let slot = try table.insert(id: 1, size: 10_000, location: .cpu)
        #expect(table.dirtyRanges(slot).isEmpty)
        // Chunks 63 and 64 straddle the first bitmap word boundary.
        table.markDirty(slot, offset: 4_090, length: 10)
        #expect(table.dirtyRanges(slot) == [4_032..<4_160])
        #expect(table.dirtyChunkCount(slot) == 2)
        table.markDirty(slot, offset: 9_999, length: 1)
        #expect(table.dirtyRanges(slot) == [4_032..<4_160, 9_984..<10_000])
        #expect(table.dirtyChunkCount(slot) == 3)
        // A range over chunks 120 … 140 crosses the second word boundary (chunk 128).
        table.markDirty(slot, offset: 120 * 64 + 5, length: 20 * 64)
        #expect(table.dirtyRanges(slot) == [4_032..<4_160, 7_680..<9_024, 9_984..<10_000])
        #expect(table.dirtyChunkCount(slot) == 3 + 21)
        table.clearDirty(slot)
        #expect(table.dirtyRanges(slot).isEmpty)
        #expect(table.dirtyChunkCount(slot) == 0)
        table.markDirty(slot, offset: 0, length: 10_000)
        #expect(table.dirtyRanges(slot) == [0..<10_000])
        #expect(table.dirtyChunkCount(slot) == 157)
    }

    @Test func dirtyBitsOfDifferentPagesAreIndependent() throws {
        var table = PageTable()
        let a = try table.insert(id: 1, size: 4_096, location: .cpu)
        let b = try table.insert(id: 2, size: 20_000, location: .cpu)
        let c = try table.insert(id: 3, size: 20_000, location: .cpu)
        table.markDirty(a, offset: 0, length: 1)
        table.markDirty(b, offset: 19_999, length: 1)
        #expect(table.dirtyRanges(a) == [0..<64])
        #expect(table.dirtyRanges(b) == [19_968..<20_000])
        #expect(table.dirtyRanges(c).isEmpty)
        table.clearDirty(b)
        #expect(table.dirtyRanges(a) == [0..<64])
        #expect(table.dirtyChunkCount(b) == 0)
    }

    @Test(arguments: [1, 63, 64, 65, 200, 4_095, 4_096, 4_097, 8_192, 10_000, 70_000])
    func randomDirtyMarksAgainstAChunkSet(size: Int) throws {
        var table = PageTable()
        let slot = try table.insert(id: 77, size: size, location: .cpu)
        var random = SplitMix64(seed: UInt64(size))
        for round in 0..<6 {
            var chunks = Set<Int>()
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                let offset = Int.random(in: 0..<size, using: &random)
                let length = Int.random(in: 1...min(size - offset, 300), using: &random)
                table.markDirty(slot, offset: offset, length: length)
                chunks.formUnion((offset / 64)...((offset + length - 1) / 64))
            }
            #expect(table.dirtyRanges(slot) == Self.ranges(chunks: chunks, size: size), "round \(round)")
            #expect(table.dirtyChunkCount(slot) == chunks.count)
            table.clearDirty(slot)
            #expect(table.dirtyChunkCount(slot) == 0)
        }
    }
}
