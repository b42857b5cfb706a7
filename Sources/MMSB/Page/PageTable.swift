/// The pages of a bus: their identity, size, location, epoch, dirty chunks and bytes.
///
/// Slots are stored column by column in chunks of 4,096 (ids, epochs, data pointers, dirty bits, and
/// size with location packed in one word: 36 bytes a page), found by id through a ``PageIndex`` (≈ 4–8 bytes a page).
/// Chunks are mapped from the kernel and never move, so growth copies nothing and leaves no heap
/// fragments; a deleted page's slot is reused by the next page created. Page bytes come from the
/// table's own ``PageMemoryPool``.
///
/// Dirty tracking: one bit per 64-byte chunk of a page. Pages of up to 4 KiB keep their 64 bits inline;
/// larger pages keep a pointer to a bitmap in the same column.
///
/// A noncopyable value that is not thread-safe: the bus owns it behind its lock.
struct PageTable: ~Copyable {
    typealias Slot = Int

    static let chunkShift = 12
    static let chunkSlots = 1 << chunkShift
    static let dirtyGranule = 64
    /// Largest page whose dirty bits fit inline (64 chunks of 64 bytes).
    static let inlineDirtyLimit = 4_096

    // Column byte offsets inside a chunk.
    private static let idsOffset = 0
    private static let epochsOffset = chunkSlots * 8
    private static let dataOffset = chunkSlots * 16
    private static let dirtyOffset = chunkSlots * 24
    /// `size - 1` in the low 30 bits (sizes run 1 … 2³⁰), the location's raw value in the top 2.
    private static let sizesOffset = chunkSlots * 32
    static let chunkBytes = chunkSlots * 36
    private static let sizeMask: UInt32 = (1 << 30) - 1

    private var chunks: UnsafeMutablePointer<UnsafeMutableRawPointer>
    private var chunkCapacity = 0
    private var chunkCount = 0
    /// Slots ever used; slots at or beyond it are untouched.
    private var highWater = 0
    /// Head of the list of freed slots (linked through their epoch column), or -1.
    private var freeSlotHead = -1
    private var index = PageIndex()
    private(set) var pool = PageMemoryPool()
    private var dirtyBitmapBytes = 0

    init() {
        chunks = .allocate(capacity: 0)
    }

    deinit {
        // Page bytes need no release here: the pool's own deinit unmaps every slab and large mapping.
        for slot in 0..<highWater where ids(slot) != 0 && size(slot) > Self.inlineDirtyLimit {
            UnsafeMutablePointer<UInt64>(bitPattern: UInt(column(Self.dirtyOffset, slot, UInt64.self).pointee))?.deallocate()
        }
        for chunk in 0..<chunkCount { SystemMemory.unmap(chunks[chunk], bytes: Self.chunkBytes) }
        chunks.deallocate()
    }

    /// Pages in the table.
    var count: Int { index.count }

    // MARK: Columns

    @inline(__always)
    private func column<T>(_ offset: Int, _ slot: Slot, _: T.Type) -> UnsafeMutablePointer<T> {
        (chunks[slot &>> Self.chunkShift] + offset).assumingMemoryBound(to: T.self) + (slot & (Self.chunkSlots - 1))
    }

    @inline(__always) func ids(_ slot: Slot) -> UInt64 { Self.id(in: chunks, slot) }

    /// The id column read through a copy of the chunk table, for closures that run while `index` is mutated.
    @inline(__always)
    private static func id(in chunks: UnsafeMutablePointer<UnsafeMutableRawPointer>, _ slot: Slot) -> UInt64 {
        (chunks[slot &>> chunkShift] + idsOffset).assumingMemoryBound(to: UInt64.self)[slot & (chunkSlots - 1)]
    }
    @inline(__always) func id(_ slot: Slot) -> PageID { PageID(ids(slot)) }
    @inline(__always) func size(_ slot: Slot) -> Int { Int(column(Self.sizesOffset, slot, UInt32.self).pointee & Self.sizeMask) + 1 }
    @inline(__always) func epoch(_ slot: Slot) -> Epoch { Epoch(column(Self.epochsOffset, slot, UInt64.self).pointee) }
    @inline(__always) func location(_ slot: Slot) -> PageLocation {
        PageLocation(rawValue: UInt8(column(Self.sizesOffset, slot, UInt32.self).pointee >> 30)) ?? .cpu
    }
    @inline(__always) func data(_ slot: Slot) -> UnsafeMutableRawPointer {
        column(Self.dataOffset, slot, UnsafeMutableRawPointer.self).pointee
    }

    @inline(__always) func setEpoch(_ slot: Slot, _ epoch: Epoch) {
        column(Self.epochsOffset, slot, UInt64.self).pointee = epoch.rawValue
    }

    /// The slot of page `id`, or `nil`.
    @inline(__always)
    func slot(of id: PageID) -> Slot? {
        index.find(id.rawValue) { ids($0) }
    }

    // MARK: Insert and remove

    /// Adds page `id` with zero-filled bytes and epoch 0, and returns its slot.
    ///
    /// The caller has checked that `id` is new and non-zero and that `size` is valid.
    /// - Throws: ``PageError/memory(_:)`` when memory runs out; then nothing changed.
    mutating func insert(id: PageID, size: Int, location: PageLocation) throws(PageError) -> Slot {
        let bytes: UnsafeMutableRawPointer
        do { bytes = try pool.allocate(size: size) } catch { throw .memory(error) }
        var dirtyWord: UInt64 = 0
        if size > Self.inlineDirtyLimit {
            let words = Self.dirtyWords(size)
            let bitmap = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
            bitmap.initialize(repeating: 0, count: words)
            dirtyWord = UInt64(UInt(bitPattern: bitmap))
            dirtyBitmapBytes += words * 8
        }
        let slot: Slot
        do { slot = try takeSlot() } catch {
            releaseDirtyBitmap(dirtyWord: dirtyWord, size: size)
            pool.deallocate(bytes, size: size)
            throw .memory(error)
        }
        column(Self.idsOffset, slot, UInt64.self).pointee = id.rawValue
        column(Self.epochsOffset, slot, UInt64.self).pointee = 0
        column(Self.dataOffset, slot, UnsafeMutableRawPointer.self).pointee = bytes
        column(Self.dirtyOffset, slot, UInt64.self).pointee = dirtyWord
        column(Self.sizesOffset, slot, UInt32.self).pointee = UInt32(size - 1) | UInt32(location.rawValue) << 30
        do {
            let chunks = self.chunks
            try index.insert(id.rawValue, slot: slot) { Self.id(in: chunks, $0) }
        } catch {
            column(Self.idsOffset, slot, UInt64.self).pointee = 0
            releaseDirtyBitmap(slot)
            pool.deallocate(bytes, size: size)
            returnSlot(slot)
            throw .memory(error)
        }
        return slot
    }

    /// Removes the page in `slot` and returns its memory to the pool.
    mutating func remove(_ slot: Slot) {
        let chunks = self.chunks
        index.remove(ids(slot)) { Self.id(in: chunks, $0) }
        releaseDirtyBitmap(slot)
        pool.deallocate(data(slot), size: size(slot))
        column(Self.idsOffset, slot, UInt64.self).pointee = 0
        returnSlot(slot)
    }

    private mutating func takeSlot() throws(MemoryError) -> Slot {
        if freeSlotHead >= 0 {
            let slot = freeSlotHead
            freeSlotHead = Int(Int64(bitPattern: column(Self.epochsOffset, slot, UInt64.self).pointee))
            return slot
        }
        if highWater == chunkCount * Self.chunkSlots { try addChunk() }
        defer { highWater += 1 }
        return highWater
    }

    private mutating func returnSlot(_ slot: Slot) {
        column(Self.epochsOffset, slot, UInt64.self).pointee = UInt64(bitPattern: Int64(freeSlotHead))
        freeSlotHead = slot
    }

    private mutating func addChunk() throws(MemoryError) {
        if chunkCount == chunkCapacity {
            let newCapacity = max(8, chunkCapacity * 2)
            let grown = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: newCapacity)
            grown.moveInitialize(from: chunks, count: chunkCount)
            chunks.deallocate()
            chunks = grown
            chunkCapacity = newCapacity
        }
        let chunk = try SystemMemory.map(bytes: Self.chunkBytes, alignment: SystemMemory.pageSize)
        (chunks + chunkCount).initialize(to: chunk)
        chunkCount += 1
    }

    // MARK: Dirty chunks

    @inline(__always)
    private static func dirtyWords(_ size: Int) -> Int { (size + 64 * 64 - 1) / (64 * 64) }

    /// Marks the 64-byte chunks covering `[offset, offset + length)` dirty; `length` must be at least 1.
    @inline(__always)
    func markDirty(_ slot: Slot, offset: Int, length: Int) {
        let first = offset &>> 6
        let last = (offset + length - 1) &>> 6
        let word = column(Self.dirtyOffset, slot, UInt64.self)
        if size(slot) <= Self.inlineDirtyLimit {
            word.pointee |= (UInt64.max &<< UInt64(first)) & (UInt64.max &>> UInt64(63 - last))
            return
        }
        let bitmap = UnsafeMutablePointer<UInt64>(bitPattern: UInt(word.pointee))!
        for chunk in first...last { bitmap[chunk &>> 6] |= 1 &<< UInt64(chunk & 63) }
    }

    /// The dirty byte ranges of the page in `slot`, in order, each clipped to the page's size.
    func dirtyRanges(_ slot: Slot) -> [Range<Int>] {
        let size = size(slot)
        let chunkCount = (size + Self.dirtyGranule - 1) / Self.dirtyGranule
        var ranges: [Range<Int>] = []
        var chunk = 0
        while chunk < chunkCount {
            guard isDirty(slot, chunk: chunk) else { chunk += 1; continue }
            let start = chunk
            while chunk < chunkCount, isDirty(slot, chunk: chunk) { chunk += 1 }
            ranges.append((start * Self.dirtyGranule)..<min(size, chunk * Self.dirtyGranule))
        }
        return ranges
    }

    /// The number of dirty 64-byte chunks of the page in `slot`.
    func dirtyChunkCount(_ slot: Slot) -> Int {
        let word = column(Self.dirtyOffset, slot, UInt64.self).pointee
        if size(slot) <= Self.inlineDirtyLimit { return word.nonzeroBitCount }
        let bitmap = UnsafeMutablePointer<UInt64>(bitPattern: UInt(word))!
        return (0..<Self.dirtyWords(size(slot))).reduce(0) { $0 + bitmap[$1].nonzeroBitCount }
    }

    /// Clears the dirty bits of the page in `slot`.
    func clearDirty(_ slot: Slot) {
        let word = column(Self.dirtyOffset, slot, UInt64.self)
        if size(slot) <= Self.inlineDirtyLimit {
            word.pointee = 0
        } else {
            UnsafeMutablePointer<UInt64>(bitPattern: UInt(word.pointee))!.update(repeating: 0, count: Self.dirtyWords(size(slot)))
        }
    }

    @inline(__always)
    private func isDirty(_ slot: Slot, chunk: Int) -> Bool {
        let word = column(Self.dirtyOffset, slot, UInt64.self).pointee
        if size(slot) <= Self.inlineDirtyLimit { return word & (1 &<< UInt64(chunk)) != 0 }
        return UnsafeMutablePointer<UInt64>(bitPattern: UInt(word))![chunk &>> 6] & (1 &<< UInt64(chunk & 63)) != 0
    }

    private mutating func releaseDirtyBitmap(_ slot: Slot) {
        releaseDirtyBitmap(dirtyWord: column(Self.dirtyOffset, slot, UInt64.self).pointee, size: size(slot))
    }

    private mutating func releaseDirtyBitmap(dirtyWord: UInt64, size: Int) {
        guard size > Self.inlineDirtyLimit, let bitmap = UnsafeMutablePointer<UInt64>(bitPattern: UInt(dirtyWord)) else { return }
        bitmap.deallocate()
        dirtyBitmapBytes -= Self.dirtyWords(size) * 8
    }

    // MARK: Iteration and accounting

    /// The slots of all pages, ordered by page id.
    func slotsByID() -> [Slot] {
        var slots: [Slot] = []
        slots.reserveCapacity(count)
        for slot in 0..<highWater where ids(slot) != 0 { slots.append(slot) }
        slots.sort { ids($0) < ids($1) }
        return slots
    }

    /// Memory accounting: the pool's figures plus the table's own bookkeeping.
    var statistics: MemoryStatistics {
        var statistics = pool.statistics
        statistics.bookkeepingBytes += chunkCount * Self.chunkBytes + chunkCapacity * 8 + index.bookkeepingBytes + dirtyBitmapBytes
        statistics.bytesMapped += chunkCount * Self.chunkBytes + index.bookkeepingBytes
        return statistics
    }
}
