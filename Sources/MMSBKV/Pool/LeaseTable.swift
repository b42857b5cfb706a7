/// The live leases on registered blocks: one entry per `ImmutableBlock` handle handed out.
///
/// A lease is (index, generation); ending it bumps the generation and recycles the index, so any copy
/// of the ended handle is refused afterwards. Entries live in flat arrays with a free list: a lease
/// costs no allocation once the table has grown to the pool's working set.
struct LeaseTable {
    private(set) var slots: [Int32] = []
    private(set) var generations: [UInt32] = []
    private var free: [UInt32] = []
    private(set) var live = 0
    /// Per-lease marks for `BlockPoolCore.release`'s duplicate check.
    private var stamps: [UInt32] = []

    init(capacity: Int) {
        slots.reserveCapacity(capacity)
        generations.reserveCapacity(capacity)
        free.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func open(slot: Int32) -> (index: UInt32, generation: UInt32) {
        live += 1
        if let index = free.popLast() {
            slots[Int(index)] = slot
            return (index, generations[Int(index)])
        }
        slots.append(slot)
        generations.append(0)
        stamps.append(0)
        return (UInt32(slots.count - 1), 0)
    }

    /// The slot of a live lease, or nil when the lease has ended (or never existed).
    @inline(__always)
    func slot(of index: UInt32, generation: UInt32) -> Int32? {
        let i = Int(index)
        guard i < slots.count, generations[i] == generation, slots[i] >= 0 else { return nil }
        return slots[i]
    }

    /// Marks the lease with `stamp`; false when it already carried it (the lease was given twice).
    @inline(__always)
    mutating func mark(_ index: UInt32, _ stamp: UInt32) -> Bool {
        let i = Int(index)
        guard stamps[i] != stamp else { return false }
        stamps[i] = stamp
        return true
    }

    @inline(__always)
    mutating func close(_ index: UInt32) {
        let i = Int(index)
        generations[i] &+= 1
        slots[i] = -1
        free.append(index)
        live -= 1
    }
}
