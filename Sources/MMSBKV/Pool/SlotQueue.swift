/// A fixed-capacity FIFO ring of slot indices: the pool's queue of Reset blocks, which are handed out
/// before any cached block is evicted (spec §1.4, vLLM#42656).
struct SlotQueue {
    private var ring: [Int32]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        ring = Array(repeating: -1, count: max(1, capacity))
    }

    @inline(__always)
    mutating func push(_ slot: Int32) {
        var tail = head + count
        if tail >= ring.count { tail -= ring.count }
        ring[tail] = slot
        count += 1
    }

    @inline(__always)
    mutating func pop() -> Int32? {
        guard count > 0 else { return nil }
        let slot = ring[head]
        head += 1
        if head == ring.count { head = 0 }
        count -= 1
        return slot
    }

    /// The queued slots, oldest first (for tests and invariants).
    var contents: [Int32] {
        (0..<count).map { ring[(head + $0) % ring.count] }
    }
}
