/// A set of edge types in four bits.
struct EdgeTypeSet: Equatable, Sendable {
    private(set) var bits: UInt8 = 0

    init() {}
    init(bits: UInt8) { self.bits = bits }
    init(_ types: [EdgeType]) { for type in types { insert(type) } }

    var isEmpty: Bool { bits == 0 }
    var count: Int { bits.nonzeroBitCount }
    @inline(__always) func contains(_ type: EdgeType) -> Bool { bits & (1 << type.rawValue) != 0 }
    mutating func insert(_ type: EdgeType) { bits |= 1 << type.rawValue }
    mutating func remove(_ type: EdgeType) { bits &= ~(1 << type.rawValue) }
    var elements: [EdgeType] { EdgeType.allCases.filter(contains) }
}

/// A binary min-heap of small integers ordered by a key array, for topological orders with ties
/// broken by page id and for waves that visit pages by rank.
struct IndexHeap {
    private var items: [Int32] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    /// Inserts `item`, whose key is `keys[item]`.
    @inline(__always)
    mutating func insert(_ item: Int32, keys: UnsafePointer<UInt64>) {
        items.append(item)
        var child = items.count - 1
        let key = keys[Int(item)]
        while child > 0 {
            let parent = (child - 1) / 2
            guard key < keys[Int(items[parent])] else { break }
            items[child] = items[parent]
            child = parent
        }
        items[child] = item
    }

    /// Removes and returns the item with the smallest key.
    @inline(__always)
    mutating func popMin(keys: UnsafePointer<UInt64>) -> Int32? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        let key = keys[Int(last)]
        var parent = 0
        let count = items.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var smallest = left
            let right = left + 1
            if right < count, keys[Int(items[right])] < keys[Int(items[left])] { smallest = right }
            guard keys[Int(items[smallest])] < key else { break }
            items[parent] = items[smallest]
            parent = smallest
        }
        items[parent] = last
        return first
    }
}
