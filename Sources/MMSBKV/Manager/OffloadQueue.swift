/// Pending write-through offloads, higher priority first, then first come first served (spec §1.8,
/// Dynamo's `OffloadRequestKey`).
struct OffloadQueue {
    struct Request: Sendable {
        var from: KVTier
        var block: RegisteredBlock
        var sequence: UInt64

        /// True when `self` should be processed before `other`.
        func precedes(_ other: Request) -> Bool {
            block.priority != other.block.priority ? block.priority > other.block.priority : sequence < other.sequence
        }
    }

    private var heap: [Request] = []
    private var nextSequence: UInt64 = 0
    /// True while a background drain is scheduled or running.
    var drainScheduled = false

    var count: Int { heap.count }

    mutating func push(from tier: KVTier, _ block: RegisteredBlock) {
        heap.append(Request(from: tier, block: block, sequence: nextSequence))
        nextSequence += 1
        var index = heap.count - 1
        while index > 0 {
            let parent = (index - 1) / 2
            guard heap[index].precedes(heap[parent]) else { break }
            heap.swapAt(index, parent)
            index = parent
        }
    }

    mutating func pop() -> Request? {
        guard !heap.isEmpty else { return nil }
        return remove(at: 0)
    }

    /// The first request (in queue order) of blocks of `tier`, removed; nil when there is none.
    mutating func pop(from tier: KVTier) -> Request? {
        var best: Int?
        for index in heap.indices where heap[index].from == tier {
            if let current = best, !heap[index].precedes(heap[current]) { continue }
            best = index
        }
        guard let best else { return nil }
        return remove(at: best)
    }

    private mutating func remove(at position: Int) -> Request {
        heap.swapAt(position, heap.count - 1)
        let removed = heap.removeLast()
        guard position < heap.count else { return removed }
        var index = position
        while true {
            let left = 2 * index + 1
            guard left < heap.count else { break }
            var child = left
            if left + 1 < heap.count && heap[left + 1].precedes(heap[left]) { child = left + 1 }
            guard heap[child].precedes(heap[index]) else { break }
            heap.swapAt(index, child)
            index = child
        }
        while index > 0 {
            let parent = (index - 1) / 2
            guard heap[index].precedes(heap[parent]) else { break }
            heap.swapAt(index, parent)
            index = parent
        }
        return removed
    }
}
