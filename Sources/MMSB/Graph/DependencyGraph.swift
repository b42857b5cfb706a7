/// Which pages depend on which, as typed edges from parent to child; always acyclic.
///
/// A value type: copies are independent. Every query returns pages in increasing id order, so no
/// hash-map order ever reaches a caller (the original's graph answered in hash-map order). An edge that
/// would close a cycle is refused before it is inserted (the original inserted first and scanned the
/// whole graph after): the graph keeps a topological labelling up to date with the Pearce–Kelly
/// algorithm, so an edge that agrees with it costs O(1) and one that does not searches only the pages
/// between its ends. Every traversal is iterative, so a chain of a million pages cannot overflow the stack.
///
/// Pages are stored densely: a dictionary maps a page id to a node number once, and everything else
/// works on arrays indexed by node number.
public struct DependencyGraph: Sendable {
    /// One end of an edge as seen from the other: the node and page at that end, the edge types
    /// between the two, and the weight of the data edge (kept identical in both nodes' lists).
    struct Link: Sendable {
        var node: Int32
        var page: PageID
        var types: EdgeTypeSet
        var weight: EdgeWeight?
    }

    struct Node: Sendable {
        var page: PageID
        /// Children sorted by page id.
        var children: [Link] = []
        /// Parents sorted by page id.
        var parents: [Link] = []
        var isLinked: Bool { !children.isEmpty || !parents.isEmpty }
    }

    var nodes: [Node] = []
    var nodeOfPage: [PageID: Int32] = [:]
    private var freeNodes: [Int32] = []
    /// Page id of each node (`UInt64.max` for a free node): the tie-break key of topological orders.
    var pageKeys: [UInt64] = []
    /// Pearce–Kelly labels: a topological order of the nodes, unique integers, kept after every change.
    private(set) var label: [Int64] = []
    private var nextLabel: Int64 = 0
    private var firstLabel: Int64 = 0
    /// Search marks: a node is marked when `marks[node] == markStamp` (no clearing between searches).
    private var marks: [UInt32] = []
    private var markStamp: UInt32 = 0
    private var cameFrom: [Int32] = []
    /// The canonical order (Kahn's algorithm, smallest page id first among ready pages) and each node's
    /// rank in it, computed on demand; `nil` after a change that may alter it.
    private(set) var canonical: CanonicalOrder?

    /// Number of (parent, child, type) edges.
    public private(set) var edgeCount = 0

    public init() {}

    struct CanonicalOrder: Sendable {
        var order: [Int32]
        /// Rank of each node in `order` (`UInt64.max` for free nodes).
        var rank: [UInt64]
    }

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

    /// The weight of one data edge.
    public struct WeightedEdge: Hashable, Sendable {
        public let from: PageID
        public let to: PageID
        public let weight: EdgeWeight

        public init(from: PageID, to: PageID, weight: EdgeWeight) {
            self.from = from
            self.to = to
            self.weight = weight
        }
    }

    // MARK: Edges

    /// Adds `from → to` of `type`. Adding an edge that exists does nothing and returns false.
    ///
    /// - Throws: ``GraphError/selfLoop(_:)``; ``GraphError/cycle(from:to:cycle:)`` when `to` already
    ///   reaches `from`, with that path. The graph is unchanged when it throws.
    /// - Complexity: O(log d) when the pages are already linked or the edge agrees with the kept
    ///   topological labelling; otherwise proportional to the pages labelled between `to` and `from`.
    @discardableResult
    public mutating func addEdge(from: PageID, to: PageID, type: EdgeType) throws(GraphError) -> Bool {
        guard from != to else { throw .selfLoop(from) }
        if let parent = nodeOfPage[from], let child = nodeOfPage[to] {
            let position = Self.position(of: to, in: nodes[Int(parent)].children)
            if position.found {
                guard !nodes[Int(parent)].children[position.index].types.contains(type) else { return false }
                nodes[Int(parent)].children[position.index].types.insert(type)
                let back = Self.position(of: from, in: nodes[Int(child)].parents).index
                nodes[Int(child)].parents[back].types.insert(type)
                edgeCount += 1
                return true
            }
            if label[Int(parent)] > label[Int(child)] { try reorder(parent: parent, child: child) }
            if let canonical, canonical.rank[Int(parent)] > canonical.rank[Int(child)] { self.canonical = nil }
            link(parent: parent, child: child, type: type)
            return true
        }
        // A new page is isolated before the edge: labelling a new parent before every page and a new
        // child after every page keeps the labelling topological without any search.
        let parent = node(for: from, labelFirst: true)
        let child = node(for: to, labelFirst: false)
        if label[Int(parent)] > label[Int(child)] { try reorder(parent: parent, child: child) }
        canonical = nil
        link(parent: parent, child: child, type: type)
        return true
    }

    /// Removes the `type` edge `from → to`, or every edge between them when `type` is nil. Returns how
    /// many edges went.
    @discardableResult
    public mutating func removeEdge(from: PageID, to: PageID, type: EdgeType? = nil) -> Int {
        guard let parent = nodeOfPage[from], let child = nodeOfPage[to] else { return 0 }
        let forward = Self.position(of: to, in: nodes[Int(parent)].children)
        guard forward.found else { return 0 }
        let back = Self.position(of: from, in: nodes[Int(child)].parents).index
        var types = nodes[Int(parent)].children[forward.index].types
        let removed: Int
        if let type {
            guard types.contains(type) else { return 0 }
            types.remove(type)
            removed = 1
        } else {
            removed = types.count
            types = EdgeTypeSet()
        }
        edgeCount -= removed
        if types.isEmpty {
            nodes[Int(parent)].children.remove(at: forward.index)
            nodes[Int(child)].parents.remove(at: back)
            canonical = nil
            releaseIfUnlinked(parent)
            releaseIfUnlinked(child)
        } else {
            if !types.contains(.data) {
                nodes[Int(parent)].children[forward.index].weight = nil
                nodes[Int(child)].parents[back].weight = nil
            }
            nodes[Int(parent)].children[forward.index].types = types
            nodes[Int(child)].parents[back].types = types
        }
        return removed
    }

    /// Removes every edge into or out of `page` (when the page is deleted). Returns how many edges went.
    @discardableResult
    public mutating func removePage(_ page: PageID) -> Int {
        guard let node = nodeOfPage[page] else { return 0 }
        var removed = 0
        for child in nodes[Int(node)].children.map(\.page) { removed += removeEdge(from: page, to: child) }
        for parent in nodes[Int(node)].parents.map(\.page) { removed += removeEdge(from: parent, to: page) }
        return removed
    }

    /// Sets (or with `nil` clears) the weight of the data edge `from → to`.
    ///
    /// - Throws: ``GraphError/noDataEdge(from:to:)`` when there is no such data edge.
    public mutating func setWeight(_ weight: EdgeWeight?, from: PageID, to: PageID) throws(GraphError) {
        guard let parent = nodeOfPage[from], let child = nodeOfPage[to] else { throw .noDataEdge(from: from, to: to) }
        let forward = Self.position(of: to, in: nodes[Int(parent)].children)
        guard forward.found, nodes[Int(parent)].children[forward.index].types.contains(.data) else {
            throw .noDataEdge(from: from, to: to)
        }
        nodes[Int(parent)].children[forward.index].weight = weight
        nodes[Int(child)].parents[Self.position(of: from, in: nodes[Int(child)].parents).index].weight = weight
    }

    /// The weight of the data edge `from → to`, if one was set.
    public func weight(from: PageID, to: PageID) -> EdgeWeight? {
        guard let parent = nodeOfPage[from] else { return nil }
        let forward = Self.position(of: to, in: nodes[Int(parent)].children)
        return forward.found ? nodes[Int(parent)].children[forward.index].weight : nil
    }

    /// The types of the edges `from → to`, in code order.
    public func edgeTypes(from: PageID, to: PageID) -> [EdgeType] {
        guard let parent = nodeOfPage[from] else { return [] }
        let forward = Self.position(of: to, in: nodes[Int(parent)].children)
        return forward.found ? nodes[Int(parent)].children[forward.index].types.elements : []
    }

    // MARK: Storage

    private mutating func node(for page: PageID, labelFirst: Bool) -> Int32 {
        if let node = nodeOfPage[page] { return node }
        let newLabel: Int64
        if labelFirst {
            firstLabel -= 1
            newLabel = firstLabel
        } else {
            newLabel = nextLabel
            nextLabel += 1
        }
        let node: Int32
        if let free = freeNodes.popLast() {
            node = free
            nodes[Int(node)] = Node(page: page)
            pageKeys[Int(node)] = page.rawValue
            label[Int(node)] = newLabel
        } else {
            node = Int32(nodes.count)
            nodes.append(Node(page: page))
            pageKeys.append(page.rawValue)
            label.append(newLabel)
            marks.append(0)
            cameFrom.append(-1)
        }
        nodeOfPage[page] = node
        return node
    }

    private mutating func releaseIfUnlinked(_ node: Int32) {
        guard !nodes[Int(node)].isLinked else { return }
        nodeOfPage[nodes[Int(node)].page] = nil
        pageKeys[Int(node)] = .max
        freeNodes.append(node)
    }

    private mutating func link(parent: Int32, child: Int32, type: EdgeType) {
        let childPage = nodes[Int(child)].page
        let parentPage = nodes[Int(parent)].page
        let types = EdgeTypeSet([type])
        nodes[Int(parent)].children.insert(
            Link(node: child, page: childPage, types: types), at: Self.position(of: childPage, in: nodes[Int(parent)].children).index)
        nodes[Int(child)].parents.insert(
            Link(node: parent, page: parentPage, types: types), at: Self.position(of: parentPage, in: nodes[Int(child)].parents).index)
        edgeCount += 1
    }

    /// Pearce–Kelly: makes room for `parent → child` where `child` is labelled before `parent`, or
    /// throws the cycle the edge would close. Only pages labelled between the two are searched.
    private mutating func reorder(parent: Int32, child: Int32) throws(GraphError) {
        let lower = label[Int(child)]
        let upper = label[Int(parent)]
        // Forward from the child over pages labelled up to the parent's label.
        let forwardMark = nextMark()
        var forward: [Int32] = [child]
        var stack: [Int32] = [child]
        marks[Int(child)] = forwardMark
        cameFrom[Int(child)] = -1
        while let node = stack.popLast() {
            for link in nodes[Int(node)].children {
                let next = link.node
                if next == parent {
                    var path = [nodes[Int(parent)].page]
                    var current = node
                    while current != -1 {
                        path.append(nodes[Int(current)].page)
                        current = cameFrom[Int(current)]
                    }
                    throw .cycle(from: nodes[Int(parent)].page, to: nodes[Int(child)].page, cycle: path.reversed())
                }
                guard marks[Int(next)] != forwardMark, label[Int(next)] < upper else { continue }
                marks[Int(next)] = forwardMark
                cameFrom[Int(next)] = node
                forward.append(next)
                stack.append(next)
            }
        }
        // Backward from the parent over pages labelled from the child's label on.
        let backwardMark = nextMark()
        var backward: [Int32] = [parent]
        stack = [parent]
        marks[Int(parent)] = backwardMark
        while let node = stack.popLast() {
            for link in nodes[Int(node)].parents where marks[Int(link.node)] != backwardMark && label[Int(link.node)] > lower {
                marks[Int(link.node)] = backwardMark
                backward.append(link.node)
                stack.append(link.node)
            }
        }
        // The ancestors of the parent take the smallest of the freed labels, then the descendants of the child.
        backward.sort { label[Int($0)] < label[Int($1)] }
        forward.sort { label[Int($0)] < label[Int($1)] }
        let freed = (backward + forward).map { label[Int($0)] }.sorted()
        for (position, node) in (backward + forward).enumerated() { label[Int(node)] = freed[position] }
    }

    private mutating func nextMark() -> UInt32 {
        if markStamp == .max {
            for index in marks.indices { marks[index] = 0 }
            markStamp = 0
        }
        markStamp += 1
        return markStamp
    }

    /// Where `page` is or would go in a list sorted by page id.
    @inline(__always)
    static func position(of page: PageID, in list: [Link]) -> (index: Int, found: Bool) {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].page < page { low = middle + 1 } else { high = middle }
        }
        return (low, low < list.count && list[low].page == page)
    }

    // MARK: Canonical order

    /// Computes the canonical topological order if a change invalidated it (waves visit pages by it, so
    /// that the same graph always gives the same order, however it was built).
    mutating func updateCanonicalOrder() {
        guard canonical == nil else { return }
        let order = kahnOrder()
        var rank = [UInt64](repeating: .max, count: nodes.count)
        for (position, node) in order.enumerated() { rank[Int(node)] = UInt64(position) }
        canonical = CanonicalOrder(order: order, rank: rank)
    }

    /// Kahn's algorithm over every linked node, smallest page id first among ready nodes.
    func kahnOrder() -> [Int32] {
        var inDegree = [Int32](repeating: 0, count: nodes.count)
        var ready = IndexHeap()
        var order: [Int32] = []
        order.reserveCapacity(nodeOfPage.count)
        pageKeys.withUnsafeBufferPointer { keys in
            let keys = keys.baseAddress!
            for node in nodes.indices where pageKeys[node] != .max {
                inDegree[node] = Int32(nodes[node].parents.count)
                if inDegree[node] == 0 { ready.insert(Int32(node), keys: keys) }
            }
            while let node = ready.popMin(keys: keys) {
                order.append(node)
                for link in nodes[Int(node)].children {
                    inDegree[Int(link.node)] -= 1
                    if inDegree[Int(link.node)] == 0 { ready.insert(link.node, keys: keys) }
                }
            }
        }
        return order
    }
}

extension DependencyGraph: Equatable {
    /// Graphs are equal when they hold the same typed edges with the same weights.
    public static func == (lhs: DependencyGraph, rhs: DependencyGraph) -> Bool {
        lhs.edgeCount == rhs.edgeCount && lhs.edges() == rhs.edges() && lhs.weights() == rhs.weights()
    }
}
