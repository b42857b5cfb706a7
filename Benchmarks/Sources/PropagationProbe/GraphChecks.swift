import BenchmarkSupport
import MMSB

/// A random DAG: `pages` pages, `edges` data edges from lower to higher ids, built in random order.
func randomDAG(pages: Int, edges: Int, seed: UInt64) -> [(UInt64, UInt64)] {
    var random = SplitMix64(seed: seed)
    var seen = Set<UInt64>()
    var list: [(UInt64, UInt64)] = []
    while list.count < edges {
        let a = random.next() % UInt64(pages) + 1
        let b = random.next() % UInt64(pages) + 1
        guard a != b else { continue }
        let (from, to) = (min(a, b), max(a, b))
        if seen.insert(from << 32 | to).inserted { list.append((from, to)) }
    }
    return list
}

func graphChecks() {
    let big = randomDAG(pages: 10_000, edges: 40_000, seed: 11)
    var build: [Double] = []
    var validate: [Double] = []
    var refuse: [Double] = []
    var graph = DependencyGraph()
    for _ in 0..<runs {
        graph = DependencyGraph()
        build.append(nanoseconds {
            for (from, to) in big { _ = try? graph.addEdge(from: PageID(from), to: PageID(to), type: .data) }
        })
        var ok = true
        validate.append(nanoseconds { ok = graph.validate().isAcyclic })
        precondition(ok)
        // Edges closing a cycle: each is refused after a search bounded by the topological labels.
        var random = SplitMix64(seed: 3)
        let attempts = 1_000
        refuse.append(nanoseconds {
            for _ in 0..<attempts {
                let (from, to) = big[Int(random.next() % UInt64(big.count))]
                _ = try? graph.addEdge(from: PageID(to), to: PageID(from), type: .data)
            }
        } / Double(attempts))
    }
    report("10,000-page DAG, 40,000 edges: insert all", "\(format(median(build) / 1e6, 2)) ms (\(format(median(build) / 40_000, 0)) ns per edge incl. cycle check)")
    report("10,000-page DAG, 40,000 edges: validate", "\(format(median(validate) / 1e6, 3)) ms")
    report("10,000-page DAG: refuse a cycle-closing edge", "\(format(median(refuse) / 1e3, 1)) µs per refused edge")

    let small = randomDAG(pages: 1_024, edges: 4_086, seed: 12)
    var order: [Double] = []
    var smallGraph = DependencyGraph()
    for (from, to) in small { _ = try? smallGraph.addEdge(from: PageID(from), to: PageID(to), type: .data) }
    for _ in 0..<max(runs, 20) {
        var count = 0
        order.append(nanoseconds { count = smallGraph.topologicalOrder().count })
        precondition(count == smallGraph.pages.count)
    }
    report("1,024 pages, 4,086 edges: topological order", "\(format(median(order) / 1e3, 1)) µs (computed from scratch each call)")
}
