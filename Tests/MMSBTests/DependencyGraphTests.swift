import MMSB
import Testing

@Suite struct DependencyGraphTests {
    @Test func theOriginalChainOrdersAndReaches() throws {
        var graph = DependencyGraph()
        try graph.addEdge(from: 1, to: 2, type: .data)
        try graph.addEdge(from: 2, to: 3, type: .data)
        #expect(graph.topologicalOrder() == [1, 2, 3])
        #expect(graph.descendants(of: 1) == [2, 3])
        #expect(graph.ancestors(of: 3) == [1, 2])
        #expect(graph.children(of: 2) == [3])
        #expect(graph.parents(of: 2) == [1])
        let report = graph.validate()
        #expect(report.pages == 3 && report.edges == 2 && report.isAcyclic && report.cycle.isEmpty && report.isConsistent)
        #expect(report.description == "3 pages, 2 edges, acyclic")
    }

    @Test func edgesClosingACycleAreRefusedWithTheCycleAndChangeNothing() throws {
        var graph = DependencyGraph()
        try graph.addEdge(from: 1, to: 2, type: .data)
        try graph.addEdge(from: 2, to: 3, type: .control)
        let before = graph
        #expect(throws: GraphError.cycle(from: 3, to: 1, cycle: [1, 2, 3])) { try graph.addEdge(from: 3, to: 1, type: .data) }
        #expect(throws: GraphError.selfLoop(2)) { try graph.addEdge(from: 2, to: 2, type: .compiler) }
        #expect(graph == before)
        #expect(graph.edgeCount == 2)
        #expect(GraphError.cycle(from: 3, to: 1, cycle: [1, 2, 3]).description == "the edge 3 → 1 would close a cycle: 1 → 2 → 3 → 1")
    }

    @Test func duplicatesAreStoredOnceAndTypesAreRemovedOneByOneOrAll() throws {
        var graph = DependencyGraph()
        #expect(try graph.addEdge(from: 1, to: 2, type: .data))
        #expect(try !graph.addEdge(from: 1, to: 2, type: .data))
        #expect(try graph.addEdge(from: 1, to: 2, type: .gpuSync))
        #expect(graph.edgeCount == 2)
        #expect(graph.edgeTypes(from: 1, to: 2) == [.data, .gpuSync])
        #expect(graph.children(of: 1, type: .gpuSync) == [2])
        #expect(graph.parents(of: 2, type: .control) == [])
        #expect(graph.removeEdge(from: 1, to: 2, type: .data) == 1)
        #expect(graph.removeEdge(from: 1, to: 2, type: .data) == 0)
        #expect(graph.edgeTypes(from: 1, to: 2) == [.gpuSync])
        try graph.addEdge(from: 1, to: 2, type: .compiler)
        #expect(graph.removeEdge(from: 1, to: 2) == 2)
        #expect(graph.edgeCount == 0)
        #expect(graph.parents(of: 2) == [])
        #expect(graph.pages == [])
    }

    @Test func removingAPageRemovesEveryEdgeTouchingIt() throws {
        var graph = DependencyGraph()
        for (from, to) in [(1, 5), (2, 5), (5, 7), (5, 8), (7, 8)] { try graph.addEdge(from: PageID(UInt64(from)), to: PageID(UInt64(to)), type: .data) }
        #expect(graph.removePage(5) == 4)
        #expect(graph.edges() == [DependencyGraph.Edge(from: 7, to: 8, type: .data)])
        #expect(graph.validate().isConsistent)
    }

    @Test func tiesAreBrokenByPageID() throws {
        var graph = DependencyGraph()
        try graph.addEdge(from: 9, to: 4, type: .data)
        try graph.addEdge(from: 3, to: 4, type: .data)
        try graph.addEdge(from: 5, to: 7, type: .data)
        try graph.addEdge(from: 4, to: 1, type: .data)
        #expect(graph.topologicalOrder() == [3, 5, 7, 9, 4, 1])
        #expect(graph.topologicalOrder(of: [1, 4, 9]) == [9, 4, 1])
    }

    @Test func equalEdgeSetsAreEqualGraphsWhateverTheOrder() throws {
        var a = DependencyGraph()
        var b = DependencyGraph()
        try a.addEdge(from: 1, to: 2, type: .data)
        try a.addEdge(from: 3, to: 2, type: .control)
        try b.addEdge(from: 3, to: 2, type: .control)
        try b.addEdge(from: 1, to: 2, type: .data)
        #expect(a == b)
    }

    /// Random DAGs against a naive model: order respects every edge, ties by id, refused cycles are real.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func randomGraphsBehaveLikeTheNaiveModel(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var graph = DependencyGraph()
        var model = Set<[UInt64]>()
        for _ in 0..<400 {
            let a = UInt64.random(in: 1...60, using: &random)
            let b = UInt64.random(in: 1...60, using: &random)
            let type = EdgeType.allCases[Int.random(in: 0...3, using: &random)]
            do {
                if try graph.addEdge(from: PageID(a), to: PageID(b), type: type) { model.insert([a, b, UInt64(type.rawValue)]) }
            } catch GraphError.cycle(let from, let to, let cycle) {
                #expect(cycle.first == to && cycle.last == from)
                for (x, y) in zip(cycle, cycle.dropFirst()) { #expect(!graph.edgeTypes(from: x, to: y).isEmpty) }
            } catch GraphError.selfLoop(let page) {
                #expect(page.rawValue == a && a == b)
            } catch {
                Issue.record("unexpected error \(error)")
            }
            if Int.random(in: 0...9, using: &random) == 0, let victim = model.randomElement(using: &random) {
                #expect(graph.removeEdge(from: PageID(victim[0]), to: PageID(victim[1]), type: EdgeType(rawValue: UInt8(victim[2]))) == 1)
                model.remove(victim)
            }
        }
        #expect(graph.edgeCount == model.count)
        #expect(Set(graph.edges().map { [$0.from.rawValue, $0.to.rawValue, UInt64($0.type.rawValue)] }) == model)
        let order = graph.topologicalOrder()
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        #expect(order.count == graph.pages.count)
        for edge in graph.edges() { #expect(position[edge.from]! < position[edge.to]!) }
        // Naive Kahn, smallest ready id first, over the model.
        var remaining = Set(graph.pages)
        var naive: [PageID] = []
        while let next = remaining.filter({ page in !model.contains { PageID($0[1]) == page && remaining.contains(PageID($0[0])) } }).min() {
            naive.append(next)
            remaining.remove(next)
        }
        #expect(order == naive)
        let report = graph.validate()
        #expect(report.isAcyclic && report.isConsistent)
    }

    /// A chain of a million pages: every traversal is iterative, so nothing overflows the stack.
    @Test func aMillionPageChainNeedsNoRecursion() throws {
        var graph = DependencyGraph()
        let count: UInt64 = 1_000_000
        for page in 1..<count { try graph.addEdge(from: PageID(page), to: PageID(page + 1), type: .data) }
        #expect(graph.validate().isAcyclic)
        #expect(graph.descendants(of: 1).count == Int(count) - 1)
        #expect(graph.topologicalOrder().first == 1)
        #expect(throws: GraphError.self) { try graph.addEdge(from: PageID(count), to: 1, type: .data) }
    }
}
