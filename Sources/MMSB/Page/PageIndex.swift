/// An open-addressing hash index from page id to page-table slot.
///
/// Buckets hold only a 32-bit slot number (the id itself is read from the slot, which the caller
/// passes in as `idOf`), so the index costs 4 bytes per bucket: at most about 8.4 bytes per page at
/// the lowest load factor. Linear probing with Fibonacci hashing (sequential ids spread evenly) and
/// backward-shift deletion, so there are no tombstones. Buckets are mapped from the kernel so that a
/// grown-out table is returned to the system rather than left in the heap.
struct PageIndex: ~Copyable {
    private static let empty = UInt32.max
    private static let minimumCapacity = 1024

    /// The buckets; `nil` until the first insert, so an empty index costs nothing.
    private var buckets: UnsafeMutablePointer<UInt32>?
    private var capacity = 0
    private var shift = 64
    private(set) var count = 0

    init() {}

    deinit {
        if let buckets { SystemMemory.unmap(UnsafeMutableRawPointer(buckets), bytes: capacity * 4) }
    }

    /// Bytes the index holds.
    var bookkeepingBytes: Int { capacity == 0 ? 0 : SystemMemory.roundUp(capacity * 4, to: SystemMemory.pageSize) }

    @inline(__always)
    private func home(_ id: UInt64) -> Int { Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift)) }

    /// The slot holding `id`, or `nil`.
    @inline(__always)
    func find(_ id: UInt64, idOf: (Int) -> UInt64) -> Int? {
        guard let buckets else { return nil }
        let mask = capacity - 1
        var bucket = home(id)
        while true {
            let slot = buckets[bucket]
            if slot == Self.empty { return nil }
            if idOf(Int(slot)) == id { return Int(slot) }
            bucket = (bucket + 1) & mask
        }
    }

    /// Records `slot` for `id`, which must not be present.
    ///
    /// - Throws: ``MemoryError/outOfMemory(bytes:errno:)`` if the index must grow and cannot; then
    ///   the index is unchanged.
    mutating func insert(_ id: UInt64, slot: Int, idOf: (Int) -> UInt64) throws(MemoryError) {
        if (count + 1) * 4 > capacity * 3 { try grow(idOf: idOf) }
        place(id, slot: UInt32(slot))
        count += 1
    }

    /// Forgets `id`, which must be present.
    mutating func remove(_ id: UInt64, idOf: (Int) -> UInt64) {
        guard let buckets else { return }
        let mask = capacity - 1
        var hole = home(id)
        while idOf(Int(buckets[hole])) != id { hole = (hole + 1) & mask }
        // Backward-shift deletion: pull later entries of the probe run into the hole when their home allows.
        var next = (hole + 1) & mask
        while buckets[next] != Self.empty {
            let wanted = home(idOf(Int(buckets[next])))
            // Move `next` into `hole` unless its home lies cyclically in (hole, next].
            let distanceToHole = (next - wanted) & mask
            let distanceFromHole = (next - hole) & mask
            if distanceToHole >= distanceFromHole {
                buckets[hole] = buckets[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        buckets[hole] = Self.empty
        count -= 1
    }

    @inline(__always)
    private func place(_ id: UInt64, slot: UInt32) {
        guard let buckets else { return }
        let mask = capacity - 1
        var bucket = home(id)
        while buckets[bucket] != Self.empty { bucket = (bucket + 1) & mask }
        buckets[bucket] = slot
    }

    private mutating func grow(idOf: (Int) -> UInt64) throws(MemoryError) {
        let newCapacity = max(Self.minimumCapacity, capacity * 2)
        let raw = try SystemMemory.map(bytes: newCapacity * 4, alignment: SystemMemory.pageSize)
        let fresh = raw.bindMemory(to: UInt32.self, capacity: newCapacity)
        fresh.initialize(repeating: Self.empty, count: newCapacity)
        let old = buckets
        let oldCapacity = capacity
        buckets = fresh
        capacity = newCapacity
        shift = 64 - newCapacity.trailingZeroBitCount
        if let old {
            for bucket in 0..<oldCapacity where old[bucket] != Self.empty {
                place(idOf(Int(old[bucket])), slot: old[bucket])
            }
            SystemMemory.unmap(UnsafeMutableRawPointer(old), bytes: oldCapacity * 4)
        }
    }
}
