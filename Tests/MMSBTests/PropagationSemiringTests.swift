import MMSB
import Testing

@Suite struct PropagationSemiringTests {
    static func doubles(_ values: [Double]) -> [UInt8] {
        values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt64($0))) } }
    }

    static func doubles(_ bytes: [UInt8]) -> [Double] {
        stride(from: 0, to: bytes.count, by: 8).map { start in
            Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[start + $1]) << (8 * UInt64($1)) })
        }
    }

    /// s → a (4), s → b (1), b → a (2), a → c (1), b → c (5), c → d (3); and an unrelated branch s → e (2) → f (1).
    /// Pages hold two elements: distances from s (s = 0) and from a second source (s = 10).
    struct ShortestPaths {
        let bus = StateBus()
        let s: PageID, a: PageID, b: PageID, c: PageID, d: PageID, e: PageID, f: PageID

        init() throws {
            s = try bus.createPage(size: 16)
            a = try bus.createPage(size: 16)
            b = try bus.createPage(size: 16)
            c = try bus.createPage(size: 16)
            d = try bus.createPage(size: 16)
            e = try bus.createPage(size: 16)
            f = try bus.createPage(size: 16)
            for (from, to, weight) in [(s, a, 4.0), (s, b, 1), (b, a, 2), (a, c, 1), (b, c, 5), (c, d, 3), (s, e, 2), (e, f, 1)] {
                try bus.addEdge(from: from, to: to)
                try bus.setWeight(EdgeWeight(weight), from: from, to: to)
            }
            for page in [a, b, c, d, e, f] { try bus.setRule(.semiring(TropicalSemiring.self), for: page) }
            try bus.write(page: s, offset: 0, bytes: PropagationSemiringTests.doubles([0, 10]))
        }

        func distances(_ page: PageID) throws -> [Double] { PropagationSemiringTests.doubles(try bus.read(page: page)) }
    }

    @Test func tropicalShortestPathsOnADAG() throws {
        let graph = try ShortestPaths()
        #expect(try graph.distances(graph.a) == [3, 13])
        #expect(try graph.distances(graph.b) == [1, 11])
        #expect(try graph.distances(graph.c) == [4, 14])
        #expect(try graph.distances(graph.d) == [7, 17])
        #expect(try graph.distances(graph.e) == [2, 12])
        #expect(try graph.distances(graph.f) == [3, 13])
        #expect(graph.bus.dependencyGraph.weight(from: graph.b, to: graph.a) == EdgeWeight(2.0))
    }

    @Test func changingOneWeightRecomputesOnlyDownstreamPages() throws {
        let graph = try ShortestPaths()
        let bus = graph.bus
        let epochs = bus.pages().reduce(into: [PageID: Epoch]()) { $0[$1.id] = $1.epoch }
        // b → a from 2 to 0.5: a, c and d get shorter; s, b, e and f are not touched.
        try bus.setWeight(EdgeWeight(0.5), from: graph.b, to: graph.a)
        #expect(try graph.distances(graph.a) == [1.5, 11.5])
        #expect(try graph.distances(graph.c) == [2.5, 12.5])
        #expect(try graph.distances(graph.d) == [5.5, 15.5])
        for page in [graph.s, graph.b, graph.e, graph.f] {
            #expect(try bus.info(page: page).epoch == epochs[page], "page \(page) was recomputed")
        }
        for page in [graph.a, graph.c, graph.d] {
            #expect(try bus.info(page: page).epoch == epochs[page]!.next, "page \(page)")
        }
        // s → b up to 10: b becomes 10, a = min(4, 10.5) = 4, c = 5, d = 8; e and f still untouched.
        try bus.setWeight(EdgeWeight(10.0), from: graph.s, to: graph.b)
        #expect(try graph.distances(graph.b) == [10, 20])
        #expect(try graph.distances(graph.a) == [4, 14])
        #expect(try graph.distances(graph.d) == [8, 18])
        #expect(try bus.info(page: graph.e).epoch == epochs[graph.e])
        #expect(try bus.info(page: graph.f).epoch == epochs[graph.f])
        // Clearing a weight makes the edge count as `one` (0 in the tropical semiring).
        try bus.setWeight(nil, from: graph.s, to: graph.b)
        #expect(try graph.distances(graph.b) == [0, 10])
        #expect(bus.dependencyGraph.weight(from: graph.s, to: graph.b) == nil)
        // A weight equal to the one set changes nothing and runs no wave.
        let next = bus.nextDeltaID
        try bus.setWeight(EdgeWeight(2.0), from: graph.e, to: graph.f)
        try bus.setWeight(EdgeWeight(2.0), from: graph.e, to: graph.f)
        #expect(try graph.distances(graph.f) == [4, 14])
        #expect(bus.nextDeltaID == DeltaID(next.rawValue + 1))
    }

    @Test func removingAnEdgeRecomputesTheChild() throws {
        let graph = try ShortestPaths()
        try graph.bus.removeEdge(from: graph.b, to: graph.a)
        #expect(try graph.distances(graph.a) == [4, 14])
        #expect(try graph.distances(graph.d) == [8, 18])
        #expect(graph.bus.dependencyGraph.weight(from: graph.b, to: graph.a) == nil)
    }

    @Test func weightOnAMissingDataEdgeIsRefused() throws {
        let graph = try ShortestPaths()
        try graph.bus.addEdge(from: graph.d, to: graph.f, type: .control)
        let before = graph.bus.dependencyGraph
        #expect(throws: GraphError.noDataEdge(from: graph.d, to: graph.f)) { try graph.bus.setWeight(EdgeWeight(1.0), from: graph.d, to: graph.f) }
        #expect(throws: GraphError.noDataEdge(from: graph.a, to: graph.b)) { try graph.bus.setWeight(EdgeWeight(1.0), from: graph.a, to: graph.b) }
        #expect(graph.bus.dependencyGraph == before)
    }

    @Test func booleanReachability() throws {
        let bus = StateBus()
        // 1 → 2 → 4, 1 → 3 → 4, 5 → 6; page i holds 4 flags: reachability from 4 sources at once.
        for _ in 0..<6 { try bus.createPage(size: 4) }
        for (from, to) in [(1, 2), (2, 4), (1, 3), (3, 4), (5, 6)] { try bus.addEdge(from: PageID(UInt64(from)), to: PageID(UInt64(to))) }
        for page in [2, 3, 4, 6] { try bus.setRule(.semiring(BooleanSemiring.self), for: PageID(UInt64(page))) }
        try bus.write(page: 1, offset: 0, bytes: [1, 0, 1, 0])
        try bus.write(page: 5, offset: 0, bytes: [0, 1, 0, 0])
        #expect(try bus.read(page: 4) == [1, 0, 1, 0])
        #expect(try bus.read(page: 6) == [0, 1, 0, 0])
        // A false weight cuts an edge: 4 is still reached through 3.
        try bus.setWeight(EdgeWeight(false, in: BooleanSemiring.self), from: 1, to: 2)
        #expect(try bus.read(page: 2) == [0, 0, 0, 0])
        #expect(try bus.read(page: 4) == [1, 0, 1, 0])
        try bus.setWeight(EdgeWeight(false, in: BooleanSemiring.self), from: 3, to: 4)
        #expect(try bus.read(page: 4) == [0, 0, 0, 0])
        try bus.write(page: 1, offset: 3, bytes: [7])
        #expect(try bus.read(page: 3) == [1, 0, 1, 1])
        #expect(try bus.read(page: 4) == [0, 0, 0, 0])
    }

    @Test func countingPaths() throws {
        let bus = StateBus()
        // A diamond twice over: 1 → {2, 3} → 4 → {5, 6} → 7: four paths from 1 to 7.
        for _ in 0..<7 { try bus.createPage(size: 8) }
        for (from, to) in [(1, 2), (1, 3), (2, 4), (3, 4), (4, 5), (4, 6), (5, 7), (6, 7)] {
            try bus.addEdge(from: PageID(UInt64(from)), to: PageID(UInt64(to)))
        }
        for page in 2...7 { try bus.setRule(.semiring(CountingSemiring.self), for: PageID(UInt64(page))) }
        try bus.write(page: 1, offset: 0, bytes: [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(try bus.read(page: 7) == [4, 0, 0, 0, 0, 0, 0, 0])
        try bus.setWeight(EdgeWeight(bits: 3), from: 1, to: 2)
        #expect(try bus.read(page: 7) == [8, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func incompatibleSizesAreRefusedAtSetRule() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 12)
        #expect(throws: RuleError.self) { try bus.setRule(.semiring(TropicalSemiring.self), for: page) }
        do {
            try bus.setRule(.semiring(TropicalSemiring.self), for: page)
        } catch let error as RuleError {
            guard case .incompatibleSize(let failed, _) = error else {
                Issue.record("expected incompatibleSize, got \(error)")
                return
            }
            #expect(failed == page)
        }
        #expect(bus.rule(for: page) == nil)
        #expect(bus.pagesWithRules == [])
        #expect(throws: PageError.notFound(99)) { try bus.setRule(.passthrough(), for: 99) }
        // A boolean rule fits any size.
        try bus.setRule(.semiring(BooleanSemiring.self), for: page)
        #expect(bus.pagesWithRules == [page])
    }

    @Test func incompatibleSizesAreRefusedAtTheWaveWithNothingApplied() throws {
        let bus = StateBus()
        let parent = try bus.createPage(size: 16)
        let child = try bus.createPage(size: 8)
        let other = try bus.createPage(size: 8)
        try bus.addEdge(from: parent, to: child)
        try bus.setRule(.semiring(TropicalSemiring.self), for: child)
        let before = try StateBusSnapshot(bus)
        do {
            try bus.write(page: parent, offset: 0, bytes: [1])
            Issue.record("the write succeeded")
        } catch let error as RuleError {
            guard case .incompatibleSize(let page, _) = error else {
                Issue.record("expected incompatibleSize, got \(error)")
                return
            }
            #expect(page == child)
        }
        #expect(try StateBusSnapshot(bus) == before)
        // A new data edge from a page of the wrong size: refused, and the graph unchanged.
        let graph = bus.dependencyGraph
        #expect(throws: RuleError.self) { try bus.addEdge(from: other, to: child) }
        #expect(bus.dependencyGraph == graph)
        #expect(try StateBusSnapshot(bus) == before)
        // The bus keeps working once the rule goes.
        #expect(bus.removeRule(for: child))
        try bus.write(page: parent, offset: 0, bytes: [1])
        #expect(try bus.marks(of: child) == .stale)
        #expect(try bus.read(page: parent)[0] == 1)
    }
}
