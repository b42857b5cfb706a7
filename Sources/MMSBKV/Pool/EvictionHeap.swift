/// An indexed 4-ary min-heap of slot indices ordered by (priority, returned tick): the eviction
/// candidates of a pool, lowest priority first, then least recently returned (spec §1.5).
///
/// The keys live inline in the heap entries and the positions in their own compact array, so a sift
/// touches only these two arrays, never the (much larger) slot metadata. Four children per node
/// halve the depth of a binary heap and put a node's children in one 64-byte line, which is what the
/// eviction path's sift-down (the hottest loop of a full pool) pays for.
struct EvictionHeap: ~Copyable {
    struct Entry: BitwiseCopyable {
        var tick: UInt64
        var priority: UInt32
        var slot: Int32

        @inline(__always)
        func precedes(_ other: Entry) -> Bool {
            priority != other.priority ? priority < other.priority : tick < other.tick
        }
    }

    /// The heap; only `0 ..< count` is live. It never holds more entries than the pool has slots.
    private var items: FixedBuffer<Entry>
    private(set) var count = 0
    /// Heap position of each slot, or -1.
    private var positions: FixedBuffer<Int32>

    init(capacity: Int) {
        items = FixedBuffer(repeating: Entry(tick: 0, priority: 0, slot: -1), count: capacity)
        positions = FixedBuffer(repeating: -1, count: capacity)
    }

    var top: Int32? { count > 0 ? items[0].slot : nil }

    @inline(__always)
    func contains(_ slot: Int32) -> Bool { positions[Int(slot)] >= 0 }

    mutating func push(_ slot: Int32, priority: UInt32, tick: UInt64) {
        items[count] = Entry(tick: tick, priority: priority, slot: slot)
        count += 1
        siftUp(count - 1)
    }

    mutating func remove(_ slot: Int32) {
        let index = Int(positions[Int(slot)])
        guard index >= 0 else { return }
        positions[Int(slot)] = -1
        count -= 1
        let last = items[count]
        guard index < count else { return }
        items[index] = last
        positions[Int(last.slot)] = Int32(index)
        siftDown(index)
        siftUp(Int(positions[Int(last.slot)]))
    }

    /// Re-keys a slot already in the heap (a touch re-stamps it; a pin restores its old tick).
    mutating func update(_ slot: Int32, priority: UInt32, tick: UInt64) {
        let index = Int(positions[Int(slot)])
        guard index >= 0 else { return }
        items[index].priority = priority
        items[index].tick = tick
        siftDown(index)
        siftUp(Int(positions[Int(slot)]))
    }

    private mutating func siftUp(_ start: Int) {
        var index = start
        let moving = items[index]
        while index > 0 {
            let parent = (index - 1) >> 2
            let above = items[parent]
            guard moving.precedes(above) else { break }
            items[index] = above
            positions[Int(above.slot)] = Int32(index)
            index = parent
        }
        items[index] = moving
        positions[Int(moving.slot)] = Int32(index)
    }

    private mutating func siftDown(_ start: Int) {
        var index = start
        let moving = items[index]
        while true {
            let first = 4 * index + 1
            guard first < count else { break }
            var child = first
            var best = items[first]
            let end = min(first + 4, count)
            var next = first + 1
            while next < end {
                let candidate = items[next]
                if candidate.precedes(best) {
                    best = candidate
                    child = next
                }
                next += 1
            }
            let below = best
            guard below.precedes(moving) else { break }
            items[index] = below
            positions[Int(below.slot)] = Int32(index)
            index = child
        }
        items[index] = moving
        positions[Int(moving.slot)] = Int32(index)
    }
}
