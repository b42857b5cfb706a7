/// A size-class allocator for page buffers: zero-filled, 64-byte aligned (4,096 for 4 KiB and more).
///
/// Buffers of up to 64 KiB are cut from 1 MiB slabs mapped from the kernel; a freed buffer goes on
/// its class's free list and is zeroed when handed out again. Larger buffers get their own mapping,
/// which is unmapped when freed. Every figure of ``statistics`` is kept exactly.
///
/// The pool is a noncopyable value and **not** thread-safe: it belongs to one owner that serialises access (the
/// ``StateBus`` write path, or ``PageAllocator``'s lock). That single owner is also what keeps the
/// free lists free of ABA and use-after-free hazards: no block is ever linked or unlinked concurrently.
/// Slabs and large mappings are returned to the system when the pool is deinitialised, so nothing leaks.
struct PageMemoryPool: ~Copyable {
    /// The largest buffer the pool hands out: 1 GiB.
    static let maximumBufferSize = 1 << 30

    /// Per class: head of the intrusive free list (the next pointer lives in a free block's first word).
    private let freeHeads: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Per class: next never-used block of the class's current slab, and that slab's end.
    private let bumpNext: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    private let bumpEnd: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Every slab mapped, so deinit can unmap them.
    private var slabs: [UnsafeMutableRawPointer] = []
    /// Large mappings by address, with their mapped length.
    private var largeMappings: [UInt: Int] = [:]

    private(set) var statistics = MemoryStatistics()

    init() {
        freeHeads = .allocate(capacity: SizeClass.count)
        freeHeads.initialize(repeating: nil, count: SizeClass.count)
        bumpNext = .allocate(capacity: SizeClass.count)
        bumpNext.initialize(repeating: nil, count: SizeClass.count)
        bumpEnd = .allocate(capacity: SizeClass.count)
        bumpEnd.initialize(repeating: nil, count: SizeClass.count)
        statistics.bookkeepingBytes = 3 * SizeClass.count * MemoryLayout<UnsafeMutableRawPointer?>.stride
    }

    deinit {
        for slab in slabs { SystemMemory.unmap(slab, bytes: SizeClass.slabBytes) }
        for (address, length) in largeMappings {
            SystemMemory.unmap(UnsafeMutableRawPointer(bitPattern: address)!, bytes: length)
        }
        freeHeads.deallocate()
        bumpNext.deallocate()
        bumpEnd.deallocate()
    }

    /// Hands out a zero-filled buffer of `size` bytes.
    ///
    /// - Throws: ``MemoryError/invalidSize(requested:)`` unless `1 ... 1 GiB`;
    ///   ``MemoryError/outOfMemory(bytes:errno:)`` when the kernel refuses a mapping.
    /// - Complexity: O(1); O(`size`) to zero a reused block.
    @inline(__always)
    mutating func allocate(size: Int) throws(MemoryError) -> UnsafeMutableRawPointer {
        guard size > 0, size <= Self.maximumBufferSize else { throw .invalidSize(requested: size) }
        guard let sizeClass = SizeClass.forSize(size) else { return try allocateLarge(size: size) }
        let pointer: UnsafeMutableRawPointer
        if let head = freeHeads[sizeClass.index] {
            freeHeads[sizeClass.index] = head.load(as: UnsafeMutableRawPointer?.self)
            // Only the first `size` bytes are ever readable through this buffer, so only they need zeroing.
            head.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            pointer = head
        } else {
            pointer = try carve(sizeClass)
        }
        statistics.liveBuffers += 1
        statistics.bytesRequested += size
        statistics.bytesReserved += sizeClass.blockSize
        return pointer
    }

    /// Returns a buffer obtained from ``allocate(size:)`` with the same `size`.
    ///
    /// The caller must own the buffer and must not touch it afterwards; the page table and
    /// ``PageBuffer`` guarantee this by construction.
    @inline(__always)
    mutating func deallocate(_ pointer: UnsafeMutableRawPointer, size: Int) {
        statistics.liveBuffers -= 1
        statistics.bytesRequested -= size
        guard let sizeClass = SizeClass.forSize(size) else {
            deallocateLarge(pointer, size: size)
            return
        }
        statistics.bytesReserved -= sizeClass.blockSize
        pointer.storeBytes(of: freeHeads[sizeClass.index], as: UnsafeMutableRawPointer?.self)
        freeHeads[sizeClass.index] = pointer
    }

    /// Takes the next never-used block of `sizeClass`, mapping a new slab when the current one is spent.
    private mutating func carve(_ sizeClass: SizeClass) throws(MemoryError) -> UnsafeMutableRawPointer {
        let index = sizeClass.index
        if let next = bumpNext[index], let end = bumpEnd[index], next + sizeClass.blockSize <= end {
            bumpNext[index] = next + sizeClass.blockSize
            return next
        }
        let slab = try SystemMemory.map(bytes: SizeClass.slabBytes, alignment: SystemMemory.pageSize)
        slabs.append(slab)
        statistics.bytesMapped += SizeClass.slabBytes
        statistics.bookkeepingBytes += MemoryLayout<UnsafeMutableRawPointer>.stride
        bumpNext[index] = slab + sizeClass.blockSize
        bumpEnd[index] = slab + SizeClass.slabBytes
        return slab
    }

    private mutating func allocateLarge(size: Int) throws(MemoryError) -> UnsafeMutableRawPointer {
        let length = SystemMemory.roundUp(size, to: SystemMemory.pageSize)
        let pointer = try SystemMemory.map(bytes: length, alignment: SizeClass.mediumGranule)
        largeMappings[UInt(bitPattern: pointer)] = length
        statistics.liveBuffers += 1
        statistics.bytesRequested += size
        statistics.bytesReserved += length
        statistics.bytesMapped += length
        statistics.bookkeepingBytes += Self.largeEntryBytes
        return pointer
    }

    private mutating func deallocateLarge(_ pointer: UnsafeMutableRawPointer, size: Int) {
        let length = largeMappings.removeValue(forKey: UInt(bitPattern: pointer)) ?? SystemMemory.roundUp(size, to: SystemMemory.pageSize)
        SystemMemory.unmap(pointer, bytes: length)
        statistics.bytesReserved -= length
        statistics.bytesMapped -= length
        statistics.bookkeepingBytes -= Self.largeEntryBytes
    }

    private static let largeEntryBytes = MemoryLayout<UInt>.stride + MemoryLayout<Int>.stride
}
