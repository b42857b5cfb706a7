extension DependencyGraph {
    /// Direct children of `page`, by id.
    public func children(of page: PageID) -> [PageID] {
        guard let node = nodeOfPage[page] else { return [] }
        return nodes[Int(node)].children.map(\.page)
    }

    /// Direct children of `page` joined by an edge of `type`, by id.
    public func children(of page: PageID, type: EdgeType) -> [PageID] {
        guard let node = nodeOfPage[page] else { return [] }
        return nodes[Int(node)].children.filter { $0.types.contains(type) }.map(\.page)
    }

    /// Direct parents of `page`, by id.
    public func parents(of page: PageID) -> [PageID] {
        guard let node = nodeOfPage[page] else { return [] }
        return nodes[Int(node)].parents.map(\.page)
    }

    /// Direct parents of `page` joined by an edge of `type`, by id.
    public func parents(of page: PageID, type: EdgeType) -> [PageID] {
        guard let node = nodeOfPage[page] else { return [] }
        return nodes[Int(node)].parents.filter { $0.types.contains(type) }.map(\.page)
    }

    /// Every page `page` reaches (not `page` itself), by id.
    public func descendants(of page: PageID) -> [PageID] { reach(from: page, \.children) }

    /// Every page that reaches `page` (not `page` itself), by id.
    public func ancestors(of page: PageID) -> [PageID] { reach(from: page, \.parents) }

    /// Every page with an edge, by id.
    public var pages: [PageID] { nodeOfPage.keys.sorted() }

    /// Every edge, sorted by parent, child, then type.
    public func edges() -> [Edge] {
        pages.flatMap { from in
            nodes[Int(nodeOfPage[from]!)].children.flatMap { link in
                link.types.elements.map { Edge(from: from, to: link.page, type: $0) }
            }
        }
    }

    /// Every weighted data edge with its weight, sorted by parent then child.
    public func weights() -> [WeightedEdge] {
        pages.flatMap { from in
            nodes[Int(nodeOfPage[from]!)].children.compactMap { link in
                link.weight.map { WeightedEdge(from: from, to: link.page, weight: $0) }
            }
        }
    }

    /// The pages in topological order (parents before children), ties broken by smaller page id.
    ///
    /// - Complexity: O((V + E) log V), or O(V) when the order is already known.
    public func topologicalOrder() -> [PageID] {
        (canonical?.order ?? kahnOrder()).map { nodes[Int($0)].page }
    }

    /// The pages of `subset` in topological order of the graph restricted to them, ties by page id.
    public func topologicalOrder(of subset: [PageID]) -> [PageID] {
        let members = Array(Set(subset)).sorted()
        var local: [PageID: Int32] = [:]
        for (position, page) in members.enumerated() { local[page] = Int32(position) }
        let keys = members.map(\.rawValue)
        var inDegree = members.map { page in Int32(parents(of: page).count { local[$0] != nil }) }
        var ready = IndexHeap()
        var order: [PageID] = []
        order.reserveCapacity(members.count)
        keys.withUnsafeBufferPointer { keys in
            let keys = keys.baseAddress!
            for position in members.indices where inDegree[position] == 0 { ready.insert(Int32(position), keys: keys) }
            while let position = ready.popMin(keys: keys) {
                let page = members[Int(position)]
                order.append(page)
                for child in children(of: page) {
                    guard let childPosition = local[child] else { continue }
                    inDegree[Int(childPosition)] -= 1
                    if inDegree[Int(childPosition)] == 0 { ready.insert(childPosition, keys: keys) }
                }
            }
        }
        return order
    }

    /// Checks the graph, iteratively: that it has no cycle, and that each edge is recorded identically
    /// at both ends.
    ///
    /// Acyclicity is proven by the kept topological labelling: when every edge goes from a smaller to
    /// a larger label, there can be no cycle (a certificate checked in O(E), whoever computed it). Only
    /// if some edge goes backwards does Kahn's algorithm run, to find the cycle.
    public func validate() -> GraphValidationReport {
        let linked = nodeOfPage.count
        var forward = true
        var sorted = true
        var counted = 0
        // Each edge is summed once from its parent's list and once from its child's, as a strong hash
        // of (parent, child, types, weight): equal sums mean the two views agree (up to a 2⁻⁶⁴ chance),
        // and every list is read in order, so the check costs sequential scans, not a search per edge.
        var fromChildren: UInt64 = 0
        var fromParents: UInt64 = 0
        var childLinks = 0
        var parentLinks = 0
        nodes.withUnsafeBufferPointer { nodes in
            label.withUnsafeBufferPointer { label in
                for node in nodes.indices where pageKeys[node] != .max {
                    let page = nodes[node].page.rawValue
                    var previous: UInt64 = 0
                    for link in nodes[node].children {
                        counted += link.types.count
                        if label[node] >= label[Int(link.node)] { forward = false }
                        if link.page.rawValue <= previous || link.types.isEmpty { sorted = false }
                        previous = link.page.rawValue
                        fromChildren &+= Self.edgeHash(page, link.page.rawValue, link)
                    }
                    previous = 0
                    for link in nodes[node].parents {
                        if link.page.rawValue <= previous { sorted = false }
                        previous = link.page.rawValue
                        fromParents &+= Self.edgeHash(link.page.rawValue, page, link)
                    }
                    childLinks += nodes[node].children.count
                    parentLinks += nodes[node].parents.count
                }
            }
        }
        let consistent = sorted && counted == edgeCount && childLinks == parentLinks && fromChildren == fromParents
        var cycle: [PageID] = []
        if !forward { cycle = findCycle() }
        return GraphValidationReport(pages: linked, edges: edgeCount, isAcyclic: cycle.isEmpty, cycle: cycle, isConsistent: consistent)
    }

    /// A 64-bit mix of one linked pair (SplitMix64's finaliser over its fields).
    @inline(__always)
    private static func edgeHash(_ from: UInt64, _ to: UInt64, _ link: Link) -> UInt64 {
        var value = from &* 0x9E37_79B9_7F4A_7C15 ^ to
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value ^= UInt64(link.types.bits) << 56 ^ (link.weight.map { $0.bits ^ 0xA5A5 } ?? 0)
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// A cycle found by Kahn's algorithm (pages it cannot order), or none.
    private func findCycle() -> [PageID] {
        let order = kahnOrder()
        guard order.count < nodeOfPage.count else { return [] }
        // Walk parent links from a page Kahn could not order until a page repeats: that loop is a cycle.
        var ordered = [Bool](repeating: false, count: nodes.count)
        for node in order { ordered[Int(node)] = true }
        let left = nodes.indices.filter { pageKeys[$0] != .max && !ordered[$0] }
        var seenAt: [Int: Int] = [:]
        var walk: [Int] = []
        var node = left.min { pageKeys[$0] < pageKeys[$1] }!
        while seenAt[node] == nil {
            seenAt[node] = walk.count
            walk.append(node)
            node = nodes[node].parents.first { !ordered[Int($0.node)] }.map { Int($0.node) } ?? node
        }
        return walk[seenAt[node]!...].reversed().map { nodes[$0].page }
    }

    // MARK: Helpers

    private func reach(from page: PageID, _ next: KeyPath<Node, [Link]>) -> [PageID] {
        guard let start = nodeOfPage[page] else { return [] }
        var seen = [Bool](repeating: false, count: nodes.count)
        seen[Int(start)] = true
        var stack = [start]
        var reached: [PageID] = []
        while let node = stack.popLast() {
            for link in nodes[Int(node)][keyPath: next] where !seen[Int(link.node)] {
                seen[Int(link.node)] = true
                reached.append(link.page)
                stack.append(link.node)
            }
        }
        return reached.sorted()
    }
}

extension DependencyGraph {
    /// The graph as a checkpoint's graph section stores it (see ``CheckpointFile``): every linked pair in
    /// increasing (parent, child) order, so that equal graphs give equal bytes.
    func checkpointPayload() -> [UInt8] {
        var out = ByteWriter(capacity: 8 + edgeCount * CheckpointFile.graphLinkSize)
        var links: [(PageID, Link)] = []
        for from in pages { for link in nodes[Int(nodeOfPage[from]!)].children { links.append((from, link)) } }
        out.uint64(UInt64(links.count))
        for (from, link) in links {
            out.uint64(from.rawValue)
            out.uint64(link.page.rawValue)
            out.uint8(link.types.bits)
            out.uint8(link.weight == nil ? 0 : 1)
            out.uint64(link.weight?.bits ?? 0)
        }
        return out.bytes
    }
}
