/// Which pages depend on which, as typed edges from parent to child; always acyclic.
///
/// A value type: copies are independent. Every query returns pages in increasing id order, so no
/// hash-map order ever reaches a caller (the original's graph answered in hash-map order). An edge that
/// would close a cycle is refused before it is inserted, by a search from the new edge's child that
/// only visits what the child reaches (the original inserted first and scanned the whole graph after).
/// Every traversal is iterative, so a chain of a million pages cannot overflow the stack.
public struct DependencyGraph: Equatable, Sendable {
    /// Children of each page, with the types of the edges to each, sorted by child id.
    private var children: [PageID: [(page: PageID, types: EdgeTypeSet)]] = [:]
    /// Parents of each page, sorted by parent id (the types live in `children`).
    private var parents: [PageID: [PageID]] = [:]
    /// Number of (parent, child, type) edges.
    public private(set) var edgeCount = 0

    public init() {}

    public static func == (lhs: DependencyGraph, rhs: DependencyGraph) -> Bool { lhs.edges() == rhs.edges() }

    /// One typed edge from a parent page to a child page.
    public struct Edge: Hashable, Sendable, CustomStringConvertible {
        public let from: PageID
        public let to: PageID
        public let type: EdgeType

        public init(from: PageID, to: PageID, type: EdgeType) {
            self.from = from
            self.to = to
            self.type = type
        }

        public var description: String { "\(from) → \(to) (\(type))" }
    }

    // MARK: Edges

    /// Adds `from → to` of `type`. Adding an edge that exists does nothing and returns false.
    ///
    /// - Throws: ``GraphError/selfLoop(_:)``; ``GraphError/cycle(from:to:cycle:)`` when `to` already
    ///   reaches `from`, with that path. The graph is unchanged when it throws.
    /// - Complexity: O(log d) for an edge between pages already linked; otherwise O(r), where r is the part
    ///   of the graph `to` reaches.
    @discardableResult
    public mutating func addEdge(from: PageID, to: PageID, type: EdgeType) throws(GraphError) -> Bool {
        guard from != to else { throw .selfLoop(from) }
        // The lists are read and changed in place (never bound to a local), so no insert copies them.
        let index = Self.insertionIndex(of: to, in: children[from] ?? [])
        if let existing = children[from]?[safe: index], existing.page == to {
            guard !existing.types.contains(type) else { return false }
            children[from]![index].types.insert(type)
            edgeCount += 1
            return true
        }
        if let path = path(from: to, to: from) { throw .cycle(from: from, to: to, cycle: path) }
        children[from, default: []].insert((to, EdgeTypeSet([type])), at: index)
        let parentIndex = Self.insertionIndex(of: from, in: parents[to] ?? [])
        parents[to, default: []].insert(from, at: parentIndex)
        edgeCount += 1
        return true
    }

    /// Removes the `type` edge `from → to`, or every edge between them when `type` is nil. Returns how
    /// many edges went.
    @discardableResult
    public mutating func removeEdge(from: PageID, to: PageID, type: EdgeType? = nil) -> Int {
        guard var list = children[from] else { return 0 }
        let index = Self.insertionIndex(of: to, in: list)
        guard index < list.count, list[index].page == to else { return 0 }
        var removed = 0
        if let type {
            guard list[index].types.contains(type) else { return 0 }
            list[index].types.remove(type)
            removed = 1
        } else {
            removed = list[index].types.count
            list[index].types = EdgeTypeSet()
        }
        if list[index].types.isEmpty {
            list.remove(at: index)
            if var up = parents[to], let position = up.firstIndex(of: from) {
                up.remove(at: position)
                parents[to] = up.isEmpty ? nil : up
            }
        }
        children[from] = list.isEmpty ? nil : list
        edgeCount -= removed
        return removed
    }

    /// Removes every edge into or out of `page` (when the page is deleted). Returns how many edges went.
    @discardableResult
    public mutating func removePage(_ page: PageID) -> Int {
        var removed = 0
        for child in (children[page] ?? []).map(\.page) { removed += removeEdge(from: page, to: child) }
        for parent in parents[page] ?? [] { removed += removeEdge(from: parent, to: page) }
        return removed
    }

    /// The types of the edges `from → to`, in code order.
    public func edgeTypes(from: PageID, to: PageID) -> [EdgeType] {
        guard let list = children[from] else { return [] }
        let index = Self.insertionIndex(of: to, in: list)
        return index < list.count && list[index].page == to ? list[index].types.elements : []
    }

    /// Every edge, sorted by parent, child, then type.
    public func edges() -> [Edge] {
        children.keys.sorted().flatMap { from in
            (children[from] ?? []).flatMap { child in child.types.elements.map { Edge(from: from, to: child.page, type: $0) } }
        }
    }

    /// Checks the graph, iteratively: every page is ordered by Kahn's algorithm (so there is no cycle),
    /// and the parent lists mirror the child lists.
    public func validate() -> GraphValidationReport {
        let all = pages
        let order = topologicalOrder(of: all)
        var cycle: [PageID] = []
        if order.count < all.count {
            // Walk parent links from a page Kahn could not order until a page repeats: that loop is a cycle.
            let ordered = Set(order)
            let left = Set(all).subtracting(ordered)
            var seenAt: [PageID: Int] = [:]
            var walk: [PageID] = []
            var page = left.min()!
            while seenAt[page] == nil {
                seenAt[page] = walk.count
                walk.append(page)
                page = parents(of: page).first(where: left.contains) ?? page
            }
            cycle = Array(walk[seenAt[page]!...]).reversed()
        }
        let mirrored = children.allSatisfy { from, list in list.allSatisfy { parents(of: $0.page).contains(from) } }
            && parents.allSatisfy { to, list in list.allSatisfy { !edgeTypes(from: $0, to: to).isEmpty } }
        return GraphValidationReport(pages: all.count, edges: edgeCount, isAcyclic: cycle.isEmpty, cycle: cycle, isConsistent: mirrored)
    }

    // MARK: Queries

    /// Direct children of `page`, by id.
    public func children(of page: PageID) -> [PageID] { (children[page] ?? []).map(\.page) }

    /// Direct children of `page` joined by an edge of `type`, by id.
    public func children(of page: PageID, type: EdgeType) -> [PageID] {
        (children[page] ?? []).filter { $0.types.contains(type) }.map(\.page)
    }

    /// Direct parents of `page`, by id.
    public func parents(of page: PageID) -> [PageID] { parents[page] ?? [] }

    /// Direct parents of `page` joined by an edge of `type`, by id.
    public func parents(of page: PageID, type: EdgeType) -> [PageID] {
        (parents[page] ?? []).filter { edgeTypes(from: $0, to: page).contains(type) }
    }

    /// Every page `page` reaches (not `page` itself), by id.
    public func descendants(of page: PageID) -> [PageID] { reach(from: [page]) { children(of: $0) }.sorted() }

    /// Every page that reaches `page` (not `page` itself), by id.
    public func ancestors(of page: PageID) -> [PageID] { reach(from: [page]) { parents(of: $0) }.sorted() }

    /// Every page with an edge, by id.
    public var pages: [PageID] { Set(children.keys).union(parents.keys).sorted() }

    /// The pages in topological order (parents before children), ties broken by smaller page id.
    ///
    /// - Complexity: O((V + E) log V).
    public func topologicalOrder() -> [PageID] { topologicalOrder(of: pages) }

    /// The pages of `subset` in topological order of the graph restricted to them, ties by page id.
    public func topologicalOrder(of subset: [PageID]) -> [PageID] {
        let members = Set(subset)
        var inDegree: [PageID: Int] = [:]
        for page in members { inDegree[page] = parents(of: page).filter(members.contains).count }
        var ready = MinHeap(members.filter { inDegree[$0] == 0 })
        var order: [PageID] = []
        order.reserveCapacity(members.count)
        while let page = ready.popMin() {
            order.append(page)
            for child in children(of: page) where members.contains(child) {
                inDegree[child]! -= 1
                if inDegree[child] == 0 { ready.insert(child) }
            }
        }
        return order
    }

    // MARK: Helpers

    /// A path `start → … → goal` along child edges, found by an iterative search; nil if none.
    private func path(from start: PageID, to goal: PageID) -> [PageID]? {
        var cameFrom: [PageID: PageID] = [start: start]
        var stack = [start]
        while let page = stack.popLast() {
            if page == goal {
                var path = [goal]
                var current = goal
                while current != start {
                    current = cameFrom[current]!
                    path.append(current)
                }
                return path.reversed()
            }
            for child in children(of: page).reversed() where cameFrom[child] == nil {
                cameFrom[child] = page
                stack.append(child)
            }
        }
        return nil
    }

    /// Every page reached from `starts` (excluding the starts) along `next`, iteratively.
    private func reach(from starts: [PageID], _ next: (PageID) -> [PageID]) -> Set<PageID> {
        var seen = Set(starts)
        var stack = starts
        var reached = Set<PageID>()
        while let page = stack.popLast() {
            for neighbour in next(page) where seen.insert(neighbour).inserted {
                reached.insert(neighbour)
                stack.append(neighbour)
            }
        }
        return reached
    }

    private static func insertionIndex(of page: PageID, in list: [(page: PageID, types: EdgeTypeSet)]) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].page < page { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func insertionIndex(of page: PageID, in list: [PageID]) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < page { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension Array {
    /// The element at `index`, or nil past either end.
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// A set of edge types in four bits.
struct EdgeTypeSet: Equatable, Sendable {
    private var bits: UInt8 = 0

    init() {}
    init(_ types: [EdgeType]) { for type in types { insert(type) } }

    var isEmpty: Bool { bits == 0 }
    var count: Int { bits.nonzeroBitCount }
    func contains(_ type: EdgeType) -> Bool { bits & (1 << type.rawValue) != 0 }
    mutating func insert(_ type: EdgeType) { bits |= 1 << type.rawValue }
    mutating func remove(_ type: EdgeType) { bits &= ~(1 << type.rawValue) }
    var elements: [EdgeType] { EdgeType.allCases.filter(contains) }
}

/// A binary min-heap of page ids, for topological order with ties broken by id.
struct MinHeap {
    private var items: [PageID] = []

    init(_ pages: some Sequence<PageID>) { for page in pages { insert(page) } }

    mutating func insert(_ page: PageID) {
        items.append(page)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> PageID? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            guard smallest != parent else { return first }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
