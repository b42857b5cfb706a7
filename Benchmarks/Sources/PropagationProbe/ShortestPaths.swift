import BenchmarkSupport
import MMSB

/// Single-source shortest paths (tropical semiring) on a 10,000-page DAG: one edge-weight change
/// propagated incrementally, against recomputing every page.
func shortestPaths() throws {
    let bus = StateBus()
    let count = 10_000
    var pages: [PageID] = []
    for _ in 0..<count { pages.append(try bus.createPage(size: 8)) }
    let edges = randomDAG(pages: count, edges: 40_000, seed: 21)
    var random = SplitMix64(seed: 22)
    for (from, to) in edges {
        try bus.addEdge(from: PageID(from), to: PageID(to), type: .data)
        try bus.setWeight(EdgeWeight(Double(random.next() % 100 + 1)), from: PageID(from), to: PageID(to))
    }
    // Page 1 is the source at distance 0; every other page with parents computes its distance.
    try bus.write(page: pages[0], offset: 0, bytes: withUnsafeBytes(of: Double(0).bitPattern.littleEndian, Array.init))
    for page in pages.dropFirst() where !bus.dependencyGraph.parents(of: page).isEmpty {
        try bus.setRule(.semiring(TropicalSemiring.self), for: page)
    }
    _ = try bus.recomputeAll()
    var full: [Double] = []
    var incremental: [Double] = []
    var touched: [Double] = []
    for _ in 0..<runs {
        full.append(try nanoseconds { _ = try bus.recomputeAll() })
        var samples: [Double] = []
        for sample in 0..<50 {
            // Alternately the lightest and the heaviest weight, so that most changes move distances.
            let (from, to) = edges[Int(random.next() % UInt64(edges.count))]
            let weight = EdgeWeight(sample % 2 == 0 ? 1 : 100)
            let before = bus.nextDeltaID
            samples.append(try nanoseconds { try bus.setWeight(weight, from: PageID(from), to: PageID(to)) })
            touched.append(Double(bus.nextDeltaID.rawValue - before.rawValue))
        }
        incremental.append(samples.reduce(0, +) / Double(samples.count))
    }
    report("SSSP 10,000 pages: full recompute", "\(format(median(full) / 1e6, 2)) ms")
    let meanTouched = touched.reduce(0, +) / Double(touched.count)
    report(
        "SSSP 10,000 pages: one weight change",
        "\(format(median(incremental) / 1e3, 1)) µs mean (\(format(meanTouched, 1)) pages changed on average, at most \(format(touched.max() ?? 0, 0)))")
    report("SSSP incremental speed-up", "\(format(median(full) / median(incremental), 0))×")
}
