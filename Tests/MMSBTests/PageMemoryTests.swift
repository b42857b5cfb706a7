import Synchronization
import Testing

@testable import MMSB

// MARK: Helpers

/// Bytes the pool sets aside for a buffer of `size`: its block, or its page-rounded mapping.
private func reservedBytes(forSize size: Int) -> Int {
    SizeClass.forSize(size)?.blockSize ?? SystemMemory.roundUp(size, to: SystemMemory.pageSize)
}

/// Sets every byte of `buffer` to `byte`.
private func fill(_ buffer: inout PageBuffer, with byte: UInt8) {
    buffer.withUnsafeMutableBytes { bytes in
        for index in bytes.indices { bytes[index] = byte }
    }
}

/// A page buffer kept alive on the heap, so that many can be held at once.
private final class HeldBuffer: Sendable {
    let buffer: PageBuffer
    let marker: UInt8

    init(_ buffer: consuming PageBuffer, marker: UInt8) {
        self.buffer = buffer
        self.marker = marker
    }

    var holdsOnlyMarker: Bool { buffer.withUnsafeBytes { bytes in bytes.allSatisfy { $0 == marker } } }
}

/// Buffers shared between tasks.
private final class Shelf: Sendable {
    let held = Locked<[HeldBuffer]>([])
}

// MARK: Size classes

@Suite struct SizeClassTests {
    @Test func tableHasSixtyFourSmallAndFifteenMediumClasses() {
        #expect(SizeClass.count == 79)
        #expect(SizeClass.smallClassCount == 64)
        #expect(SizeClass.mediumClassCount == 15)
        #expect(SizeClass.slabBytes == 1_048_576)
        #expect(SizeClass.at(0).blockSize == 64)
        #expect(SizeClass.at(63).blockSize == 4_096)
        #expect(SizeClass.at(64).blockSize == 8_192)
        #expect(SizeClass.at(78).blockSize == 65_536)
    }

    @Test func everyClassIsFoundByItsOwnBlockSizeAndBlockSizesIncrease() {
        var previous = 0
        for index in 0..<SizeClass.count {
            let sizeClass = SizeClass.at(index)
            #expect(sizeClass.index == index)
            #expect(sizeClass.blockSize > previous)
            #expect(SizeClass.forSize(sizeClass.blockSize) == sizeClass)
            #expect(SizeClass.forSize(previous + 1) == sizeClass, "smallest size of class \(index)")
            previous = sizeClass.blockSize
        }
    }

    /// Every size 1 … 70,000: a slab class up to 64 KiB whose block holds the size with less than one
    /// granule of waste, and no class (an own mapping) above.
    @Test func everySizeUpTo70000MapsToATightBlock() {
        var failures: [Int] = []
        var previousIndex = 0
        for size in 1...70_000 {
            guard let sizeClass = SizeClass.forSize(size) else {
                if size <= SizeClass.largestSlabBlock { failures.append(size) }
                continue
            }
            let granule = size <= 4_096 ? 64 : 4_096
            let tight = sizeClass.blockSize >= size
                && sizeClass.blockSize - size < granule
                && sizeClass.blockSize % granule == 0
                && size <= SizeClass.largestSlabBlock
                && (0..<SizeClass.count).contains(sizeClass.index)
                && SizeClass.at(sizeClass.index) == sizeClass
                && sizeClass.index >= previousIndex
            if !tight { failures.append(size) }
            previousIndex = sizeClass.index
        }
        #expect(failures.isEmpty, "sizes with a wrong class: \(failures.prefix(10))")
        #expect(SizeClass.forSize(65_536) != nil)
        #expect(SizeClass.forSize(65_537) == nil)
    }

    @Test(arguments: [
        (1, 64), (63, 64), (64, 64), (65, 64), (4_095, 64),
        (4_096, 4_096), (4_097, 4_096), (65_536, 4_096), (65_537, 4_096), (1 << 30, 4_096),
    ])
    func alignmentIs64BelowFourKiBAnd4096From(size: Int, alignment: Int) {
        #expect(SizeClass.alignment(forSize: size) == alignment)
    }

    @Test func boundaryClasses() {
        #expect(SizeClass.forSize(1) == SizeClass(index: 0, blockSize: 64))
        #expect(SizeClass.forSize(64) == SizeClass(index: 0, blockSize: 64))
        #expect(SizeClass.forSize(65) == SizeClass(index: 1, blockSize: 128))
        #expect(SizeClass.forSize(4_096) == SizeClass(index: 63, blockSize: 4_096))
        #expect(SizeClass.forSize(4_097) == SizeClass(index: 64, blockSize: 8_192))
        #expect(SizeClass.forSize(8_193) == SizeClass(index: 65, blockSize: 12_288))
        #expect(SizeClass.forSize(65_535) == SizeClass(index: 78, blockSize: 65_536))
    }
}

// MARK: PageAllocator and PageBuffer

@Suite struct PageAllocatorTests {
    static let sizes = [1, 7, 63, 64, 65, 1_000, 4_095, 4_096, 4_097, 12_288, 65_535, 65_536, 65_537, 100_000, 1 << 20]

    @Test(arguments: sizes)
    func buffersAreZeroFilledAndAligned(size: Int) throws {
        let allocator = PageAllocator()
        let buffer = try allocator.allocate(size: size)
        #expect(buffer.count == size)
        #expect(buffer.withUnsafeBytes { $0.count } == size)
        #expect(buffer.withUnsafeBytes { isZeroFilled($0) })
        #expect(buffer.baseAddress % 64 == 0)
        if size >= 4_096 { #expect(buffer.baseAddress % 4_096 == 0) }
        #expect(buffer.baseAddress % UInt(SizeClass.alignment(forSize: size)) == 0)
    }

    @Test(arguments: [0, -1, -4_096, Int.min, (1 << 30) + 1, Int.max])
    func invalidSizesAreRefusedAndChangeNothing(size: Int) {
        let allocator = PageAllocator()
        let before = allocator.statistics
        #expect(throws: MemoryError.invalidSize(requested: size)) {
            _ = try allocator.allocate(size: size)
        }
        #expect(allocator.statistics == before)
    }

    @Test func oneGibibyteIsTheLargestBuffer() throws {
        let allocator = PageAllocator()
        var buffer = try allocator.allocate(size: 1 << 30)
        #expect(buffer.count == 1 << 30)
        #expect(buffer.baseAddress % 4_096 == 0)
        #expect(allocator.statistics.bytesReserved == 1 << 30)
        #expect(allocator.statistics.bytesMapped == 1 << 30)
        // Touch only the first and last bytes so the test stays light.
        buffer.withUnsafeMutableBytes { bytes in
            #expect(bytes[0] == 0)
            #expect(bytes[(1 << 30) - 1] == 0)
            bytes[(1 << 30) - 1] = 0xFF
            #expect(bytes[(1 << 30) - 1] == 0xFF)
        }
    }

    @Test func freshAllocatorHoldsOnlyItsTables() {
        let allocator = PageAllocator()
        #expect(allocator.statistics == statistics(live: 0, requested: 0, reserved: 0, mapped: 0, bookkeeping: poolTableBytes))
        #expect(allocator.statistics.internalWaste == 0)
    }

    @Test func statisticsAreExactAcrossAllocateAndFree() throws {
        let allocator = PageAllocator()
        let slab = SizeClass.slabBytes
        let page = SystemMemory.pageSize
        do {
            let a = try allocator.allocate(size: 100)
            #expect(allocator.statistics == statistics(live: 1, requested: 100, reserved: 128, mapped: slab, bookkeeping: poolTableBytes + 8))
            #expect(allocator.statistics.internalWaste == 28)
            do {
                let b = try allocator.allocate(size: 100)
                // Same class: same slab, no new mapping.
                #expect(allocator.statistics == statistics(live: 2, requested: 200, reserved: 256, mapped: slab, bookkeeping: poolTableBytes + 8))
                let c = try allocator.allocate(size: 5_000)
                #expect(allocator.statistics == statistics(live: 3, requested: 5_200, reserved: 8_448, mapped: 2 * slab, bookkeeping: poolTableBytes + 16))
                do {
                    let large = try allocator.allocate(size: 70_000)
                    let largeLength = SystemMemory.roundUp(70_000, to: page)
                    #expect(allocator.statistics == statistics(
                        live: 4, requested: 75_200, reserved: 8_448 + largeLength, mapped: 2 * slab + largeLength,
                        bookkeeping: poolTableBytes + 16 + 16))
                    #expect(large.count == 70_000)
                }
                // The large mapping went back to the system at once.
                #expect(allocator.statistics == statistics(live: 3, requested: 5_200, reserved: 8_448, mapped: 2 * slab, bookkeeping: poolTableBytes + 16))
                #expect(b.count + c.count == 5_100)
            }
            #expect(allocator.statistics == statistics(live: 1, requested: 100, reserved: 128, mapped: 2 * slab, bookkeeping: poolTableBytes + 16))
            #expect(a.count == 100)
        }
        // Slabs stay mapped for reuse; nothing is live.
        #expect(allocator.statistics == statistics(live: 0, requested: 0, reserved: 0, mapped: 2 * slab, bookkeeping: poolTableBytes + 16))
        // Reusing a freed block maps nothing new.
        let again = try allocator.allocate(size: 128)
        #expect(allocator.statistics == statistics(live: 1, requested: 128, reserved: 128, mapped: 2 * slab, bookkeeping: poolTableBytes + 16))
        #expect(again.count == 128)
    }

    @Test func memoryReturnsWhenTheBufferGoesOutOfScope() throws {
        let allocator = PageAllocator()
        do {
            let buffer = try allocator.allocate(size: 300)
            #expect(allocator.statistics.liveBuffers == 1)
            #expect(allocator.statistics.bytesRequested == 300)
            #expect(buffer.count == 300)
        }
        #expect(allocator.statistics.liveBuffers == 0)
        #expect(allocator.statistics.bytesRequested == 0)
        #expect(allocator.statistics.bytesReserved == 0)
    }

    @Test func memoryReturnsWhenTheBufferIsConsumed() throws {
        let allocator = PageAllocator()
        let buffer = try allocator.allocate(size: 80_000)
        #expect(allocator.statistics.liveBuffers == 1)
        #expect(allocator.statistics.bytesMapped == SystemMemory.roundUp(80_000, to: SystemMemory.pageSize))
        _ = consume buffer
        #expect(allocator.statistics.liveBuffers == 0)
        #expect(allocator.statistics.bytesMapped == 0)
        #expect(allocator.statistics.bytesReserved == 0)
    }

    @Test func aFreedBlockIsReusedAndComesBackZeroed() throws {
        let allocator = PageAllocator()
        var first = try allocator.allocate(size: 256)
        let address = first.baseAddress
        fill(&first, with: 0xAB)
        #expect(first.withUnsafeBytes { $0.allSatisfy { $0 == 0xAB } })
        _ = consume first
        let second = try allocator.allocate(size: 256)
        #expect(second.baseAddress == address)
        #expect(second.withUnsafeBytes { isZeroFilled($0) })
    }

    @Test func aDirtiedBlockReusedForASmallerSizeOfItsClassIsZeroed() throws {
        let allocator = PageAllocator()
        var first = try allocator.allocate(size: 256)
        let address = first.baseAddress
        fill(&first, with: 0xCD)
        _ = consume first
        var smaller = try allocator.allocate(size: 200)
        #expect(smaller.baseAddress == address)
        #expect(smaller.withUnsafeBytes { isZeroFilled($0) })
        fill(&smaller, with: 0xEF)
        _ = consume smaller
        let full = try allocator.allocate(size: 256)
        #expect(full.baseAddress == address)
        #expect(full.withUnsafeBytes { isZeroFilled($0) })
    }

    /// Freed blocks hold the free-list link in their first word; it must not leak into a reused buffer.
    @Test func freeListLinksDoNotLeakIntoReusedBuffers() throws {
        let allocator = PageAllocator()
        var a = try allocator.allocate(size: 64)
        var b = try allocator.allocate(size: 64)
        let addressA = a.baseAddress
        let addressB = b.baseAddress
        #expect(addressA != addressB)
        fill(&a, with: 0x11)
        fill(&b, with: 0x22)
        _ = consume a
        _ = consume b
        // Last freed, first reused.
        let reusedB = try allocator.allocate(size: 64)
        let reusedA = try allocator.allocate(size: 64)
        #expect(reusedB.baseAddress == addressB)
        #expect(reusedA.baseAddress == addressA)
        #expect(reusedB.withUnsafeBytes { isZeroFilled($0) })
        #expect(reusedA.withUnsafeBytes { isZeroFilled($0) })
    }

    @Test func aFreedLargeBufferIsUnmappedAndANewOneIsZeroed() throws {
        let allocator = PageAllocator()
        var first = try allocator.allocate(size: 100_000)
        fill(&first, with: 0x5A)
        _ = consume first
        #expect(allocator.statistics.bytesMapped == 0)
        let second = try allocator.allocate(size: 100_000)
        #expect(second.withUnsafeBytes { isZeroFilled($0) })
        #expect(second.baseAddress % 4_096 == 0)
    }

    @Test func liveBuffersNeverShareBytes() throws {
        let allocator = PageAllocator()
        let shelf = Shelf()
        var marker: UInt8 = 1
        for size in Self.sizes + Self.sizes {
            var buffer = try allocator.allocate(size: size)
            fill(&buffer, with: marker)
            let held = HeldBuffer(buffer, marker: marker)
            shelf.held.withLock { $0.append(held) }
            marker &+= 1
        }
        let held = shelf.held.withLock { $0 }
        #expect(held.allSatisfy { $0.holdsOnlyMarker })
        let spans = held.map { ($0.buffer.baseAddress, UInt($0.buffer.count)) }.sorted { $0.0 < $1.0 }
        for (left, right) in zip(spans, spans.dropFirst()) { #expect(left.0 + left.1 <= right.0) }
    }

    /// Several tasks allocate, fill, check and free at once; the buffers stay private to their task and
    /// the statistics stay exact.
    @Test func concurrentAllocateAndFreeKeepStatisticsExact() async throws {
        let allocator = PageAllocator()
        let shelf = Shelf()
        let sizes = [24, 64, 100, 1_000, 4_096, 5_000, 20_000, 70_000]
        let taskCount = 8
        let keptPerTask = 40
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<taskCount {
                group.addTask {
                    var random = SplitMix64(seed: UInt64(task) &* 7_919 &+ 1)
                    var failures = 0
                    let marker = UInt8(task + 1)
                    for round in 0..<(keptPerTask * 3) {
                        let size = sizes[Int.random(in: 0..<sizes.count, using: &random)]
                        guard var buffer = try? allocator.allocate(size: size) else { failures += 1; continue }
                        if !buffer.withUnsafeBytes({ isZeroFilled($0) }) { failures += 1 }
                        fill(&buffer, with: marker)
                        let held = HeldBuffer(buffer, marker: marker)
                        // Keep one buffer in three; drop the others (freeing them) right away.
                        if round % 3 == 0 {
                            shelf.held.withLock { $0.append(held) }
                        } else if !held.holdsOnlyMarker {
                            failures += 1
                        }
                        await Task.yield()
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
        var held = shelf.held.withLock { $0 }
        #expect(held.count == taskCount * keptPerTask)
        #expect(held.allSatisfy { $0.holdsOnlyMarker })
        #expect(Set(held.map { $0.buffer.baseAddress }).count == held.count)
        let statistics = allocator.statistics
        #expect(statistics.liveBuffers == held.count)
        #expect(statistics.bytesRequested == held.reduce(0) { $0 + $1.buffer.count })
        #expect(statistics.bytesReserved == held.reduce(0) { $0 + reservedBytes(forSize: $1.buffer.count) })
        let largeBytes = held.filter { $0.buffer.count > SizeClass.largestSlabBlock }.reduce(0) { $0 + reservedBytes(forSize: $1.buffer.count) }
        #expect((statistics.bytesMapped - largeBytes) % SizeClass.slabBytes == 0)
        held.removeAll()
        shelf.held.withLock { $0.removeAll() }
        let after = allocator.statistics
        #expect(after.liveBuffers == 0)
        #expect(after.bytesRequested == 0)
        #expect(after.bytesReserved == 0)
        #expect(after.bytesMapped == statistics.bytesMapped - largeBytes)
    }

    @Test func statisticsDescriptionListsEveryFigure() {
        let text = statistics(live: 2, requested: 100, reserved: 128, mapped: 1_048_576, bookkeeping: 1_904).description
        #expect(text == "2 live buffers, 100 B requested, 128 B reserved, 1048576 B mapped, 1904 B bookkeeping")
    }

    @Test func memoryErrorDescriptions() {
        #expect(MemoryError.invalidSize(requested: 0).description
            == "invalid buffer size 0: sizes run from 1 byte to 1073741824 bytes (1 GiB)")
        #expect(MemoryError.outOfMemory(bytes: 4_096, errno: 12).description.contains("4096 bytes (errno 12)"))
    }
}

// MARK: PageMemoryPool

@Suite struct PageMemoryPoolTests {
    @Test func freshPoolStatistics() {
        let pool = PageMemoryPool()
        #expect(pool.statistics == statistics(live: 0, requested: 0, reserved: 0, mapped: 0, bookkeeping: poolTableBytes))
    }

    @Test func invalidSizesThrow() {
        var pool = PageMemoryPool()
        for size in [0, -1, PageMemoryPool.maximumBufferSize + 1] {
            #expect(throws: MemoryError.invalidSize(requested: size)) { _ = try pool.allocate(size: size) }
        }
        #expect(pool.statistics.liveBuffers == 0)
        #expect(PageMemoryPool.maximumBufferSize == 1 << 30)
    }

    /// A 1 MiB slab holds exactly `slab / block` blocks of a class; the next block needs a new slab.
    @Test(arguments: [64, 4_096, 12_288, 65_536])
    func slabsHoldWholeBlocksAndANewSlabIsMappedWhenFull(blockSize: Int) throws {
        var pool = PageMemoryPool()
        let perSlab = SizeClass.slabBytes / blockSize
        var pointers: [UnsafeMutableRawPointer] = []
        for _ in 0..<perSlab { pointers.append(try pool.allocate(size: blockSize)) }
        #expect(pool.statistics.bytesMapped == SizeClass.slabBytes)
        #expect(pool.statistics.bookkeepingBytes == poolTableBytes + 8)
        let sorted = pointers.map { UInt(bitPattern: $0) }.sorted()
        // Blocks are consecutive, inside the slab, aligned, and do not overlap.
        for (left, right) in zip(sorted, sorted.dropFirst()) { #expect(right - left == UInt(blockSize)) }
        #expect(sorted.last! + UInt(blockSize) - sorted.first! <= UInt(SizeClass.slabBytes))
        #expect(sorted.allSatisfy { $0 % UInt(SizeClass.alignment(forSize: blockSize)) == 0 })
        pointers.append(try pool.allocate(size: blockSize))
        #expect(pool.statistics.bytesMapped == 2 * SizeClass.slabBytes)
        #expect(pool.statistics.bookkeepingBytes == poolTableBytes + 16)
        #expect(pool.statistics.liveBuffers == perSlab + 1)
        #expect(pool.statistics.bytesReserved == (perSlab + 1) * blockSize)
        #expect(Set(pointers).count == pointers.count)
        for pointer in pointers { pool.deallocate(pointer, size: blockSize) }
        #expect(pool.statistics == statistics(live: 0, requested: 0, reserved: 0, mapped: 2 * SizeClass.slabBytes, bookkeeping: poolTableBytes + 16))
    }

    @Test func eachClassHasItsOwnSlab() throws {
        var pool = PageMemoryPool()
        let small = try pool.allocate(size: 10)
        let other = try pool.allocate(size: 70)
        let medium = try pool.allocate(size: 5_000)
        #expect(pool.statistics.bytesMapped == 3 * SizeClass.slabBytes)
        #expect(pool.statistics.bytesReserved == 64 + 128 + 8_192)
        #expect(pool.statistics.bytesRequested == 5_080)
        pool.deallocate(small, size: 10)
        pool.deallocate(other, size: 70)
        pool.deallocate(medium, size: 5_000)
        #expect(pool.statistics.liveBuffers == 0)
    }

    @Test func freedBlocksAreReusedLastInFirstOutAndZeroed() throws {
        var pool = PageMemoryPool()
        let a = try pool.allocate(size: 500)
        let b = try pool.allocate(size: 500)
        let c = try pool.allocate(size: 500)
        for pointer in [a, b, c] { pointer.initializeMemory(as: UInt8.self, repeating: 0x77, count: 512) }
        pool.deallocate(a, size: 500)
        pool.deallocate(c, size: 500)
        let first = try pool.allocate(size: 500)
        let second = try pool.allocate(size: 480)
        let fresh = try pool.allocate(size: 500)
        #expect(first == c)
        #expect(second == a)
        #expect(fresh != a && fresh != b && fresh != c)
        #expect(isZeroFilled(first, count: 500))
        #expect(isZeroFilled(second, count: 480))
        #expect(isZeroFilled(fresh, count: 500))
        #expect(pool.statistics.liveBuffers == 4)
        #expect(pool.statistics.bytesRequested == 500 * 3 + 480)
        #expect(pool.statistics.bytesReserved == 4 * 512)
        #expect(pool.statistics.bytesMapped == SizeClass.slabBytes)
    }

    @Test func largeBuffersGetTheirOwnAlignedMappings() throws {
        var pool = PageMemoryPool()
        let page = SystemMemory.pageSize
        let sizes = [65_537, 100_000, 3 << 20]
        var pointers: [UnsafeMutableRawPointer] = []
        for size in sizes {
            let pointer = try pool.allocate(size: size)
            #expect(UInt(bitPattern: pointer) % 4_096 == 0)
            #expect(isZeroFilled(pointer, count: size))
            pointer.initializeMemory(as: UInt8.self, repeating: 0x99, count: size)
            pointers.append(pointer)
        }
        let mapped = sizes.reduce(0) { $0 + SystemMemory.roundUp($1, to: page) }
        #expect(pool.statistics == statistics(
            live: 3, requested: sizes.reduce(0, +), reserved: mapped, mapped: mapped, bookkeeping: poolTableBytes + 3 * 16))
        pool.deallocate(pointers[1], size: sizes[1])
        let remaining = mapped - SystemMemory.roundUp(sizes[1], to: page)
        #expect(pool.statistics == statistics(
            live: 2, requested: sizes[0] + sizes[2], reserved: remaining, mapped: remaining, bookkeeping: poolTableBytes + 2 * 16))
        pool.deallocate(pointers[0], size: sizes[0])
        pool.deallocate(pointers[2], size: sizes[2])
        #expect(pool.statistics == statistics(live: 0, requested: 0, reserved: 0, mapped: 0, bookkeeping: poolTableBytes))
    }

    @Test func randomAllocateFreeSequenceKeepsExactFigures() throws {
        var pool = PageMemoryPool()
        var random = SplitMix64(seed: 42)
        var live: [(pointer: UnsafeMutableRawPointer, size: Int, fill: UInt8)] = []
        var slabClasses = Set<Int>()
        var problems: [String] = []
        for step in 0..<3_000 {
            if live.isEmpty || Int.random(in: 0..<10, using: &random) < 6 {
                let size = Int.random(in: 0..<20, using: &random) == 0
                    ? Int.random(in: 65_537...200_000, using: &random)
                    : Int.random(in: 1...20_000, using: &random)
                let pointer = try pool.allocate(size: size)
                if !isZeroFilled(pointer, count: size) { problems.append("step \(step): a buffer of \(size) bytes is not zeroed") }
                let fill = UInt8(truncatingIfNeeded: step | 1)
                pointer.initializeMemory(as: UInt8.self, repeating: fill, count: size)
                live.append((pointer, size, fill))
                if let sizeClass = SizeClass.forSize(size) { slabClasses.insert(sizeClass.index) }
            } else {
                let victim = live.remove(at: Int.random(in: 0..<live.count, using: &random))
                let intact = UnsafeRawBufferPointer(start: victim.pointer, count: victim.size).allSatisfy { $0 == victim.fill }
                if !intact { problems.append("step \(step): a live buffer was overwritten") }
                pool.deallocate(victim.pointer, size: victim.size)
            }
            let statistics = pool.statistics
            let large = live.filter { $0.size > SizeClass.largestSlabBlock }
            let largeBytes = large.reduce(0) { $0 + reservedBytes(forSize: $1.size) }
            let slabBytes = statistics.bytesMapped - largeBytes
            let exact = statistics.liveBuffers == live.count
                && statistics.bytesRequested == live.reduce(0) { $0 + $1.size }
                && statistics.bytesReserved == live.reduce(0) { $0 + reservedBytes(forSize: $1.size) }
                && slabBytes % SizeClass.slabBytes == 0
                && slabBytes >= slabClasses.count * SizeClass.slabBytes
                && statistics.bookkeepingBytes == poolTableBytes + slabBytes / SizeClass.slabBytes * 8 + large.count * 16
            if !exact { problems.append("step \(step): statistics \(statistics) do not match \(live.count) live buffers") }
        }
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(3))")
        for entry in live { pool.deallocate(entry.pointer, size: entry.size) }
        #expect(pool.statistics.liveBuffers == 0)
        #expect(pool.statistics.bytesRequested == 0)
        #expect(pool.statistics.bytesReserved == 0)
    }
}
