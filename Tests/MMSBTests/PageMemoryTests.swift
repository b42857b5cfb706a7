import Synchronization
import Testing

@testable import MMSB

// MARK: Helpers

/// Bookkeeping of a fresh pool: three per-class pointer tables.
private let poolTableBytes = 3 * SizeClass.count * MemoryLayout<UnsafeMutableRawPointer?>.stride

/// Bytes the pool sets aside for a buffer of `size`: its block, or its page-rounded mapping.
private func reservedBytes(forSize size: Int) -> Int {
    SizeClass.forSize(size)?.blockSize ?? SystemMemory.roundUp(size, to: SystemMemory.pageSize)
}

private func isZeroFilled(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.allSatisfy { $0 == 0 }
}

private func isZeroFilled(_ pointer: UnsafeMutableRawPointer, count: Int) -> Bool {
    isZeroFilled(UnsafeRawBufferPointer(start: pointer, count: count))
}

/// Sets every byte of `buffer` to `byte`.
private func fill(_ buffer: inout PageBuffer, with byte: UInt8) {
    buffer.withUnsafeMutableBytes { bytes in
        for index in bytes.indices { bytes[index] = byte }
    }
}

private func statistics(live: Int, requested: Int, reserved: Int, mapped: Int, bookkeeping: Int) -> MemoryStatistics {
    var statistics = MemoryStatistics()
    statistics.liveBuffers = live
    statistics.bytesRequested = requested
    statistics.bytesReserved = reserved
    statistics.bytesMapped = mapped
    statistics.bookkeepingBytes = bookkeeping
    return statistics
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
    let held = Mutex<[HeldBuffer]>([])
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
