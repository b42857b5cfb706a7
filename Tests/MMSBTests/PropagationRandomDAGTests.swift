import MMSB
import Testing

/// A random DAG of pages with rules, and a model that computes what the bus must hold.
private struct RandomDAG {
    enum RuleKind { case xor, sum, passthrough }

    struct Node {
        var page: PageID
        var size: Int
        /// Parents with the edge types to each, by increasing page id.
        var parents: [(page: PageID, types: Set<EdgeType>)] = []
        var rule: RuleKind?
        var dataParents: [PageID] { parents.filter { $0.types.contains(.data) }.map(\.page) }
    }

    var nodes: [PageID: Node] = [:]
    /// Pages in an order where every parent comes before its children (the creation permutation).
    var order: [PageID] = []
    var values: [PageID: [UInt8]] = [:]
    var marks: [PageID: PageMarks] = [:]

    /// What a rule of `kind` on `page` makes of its parents' bytes.
    static func output(_ kind: RuleKind, page: PageID, size: Int, parents: [[UInt8]]) -> [UInt8] {
        switch kind {
        case .xor:
            (0..<size).map { index in
                parents.reduce(UInt8(truncatingIfNeeded: page.rawValue &* 31)) { $0 ^ $1[index % $1.count] } &+ UInt8(index)
            }
        case .sum:
            (0..<size).map { index in
                var sum = UInt8(0)
                for (rank, parent) in parents.enumerated() { sum = sum &+ parent[(index * 3 + 1) % parent.count] &* UInt8(rank + 1) }
                return sum ^ 0x5A
            }
        case .passthrough:
            parents[0]
        }
    }

    static func rule(_ kind: RuleKind, page: PageID) -> RecomputeRule {
        switch kind {
        case .passthrough: .passthrough()
        case .xor, .sum: .function { inputs in output(kind, page: page, size: inputs.pageSize, parents: inputs.all.map(\.array)) }
        }
    }

    /// Builds the pages and edges on `buses`, with the same calls on each.
    init(seed: UInt64, buses: [StateBus]) throws {
        var random = SplitMix64(seed: seed)
        let count = random.int(30...200)
        var created: [PageID] = []
        for _ in 0..<count {
            let size = [8, 16, 32][random.int(0...2)]
            var page = PageID(0)
            for bus in buses { page = try bus.createPage(size: size) }
            created.append(page)
            nodes[page] = Node(page: page, size: size)
            values[page] = [UInt8](repeating: 0, count: size)
        }
        order = created.shuffled(using: &random)
        let types: [EdgeType] = [.data, .data, .data, .data, .data, .data, .control, .control, .gpuSync, .compiler]
        for (position, child) in order.enumerated() where position > 0 {
            for _ in 0..<random.int(0...3) {
                let parent = order[random.int(0...(position - 1))]
                let type = types[random.int(0...(types.count - 1))]
                for bus in buses { try bus.addEdge(from: parent, to: child, type: type) }
                if let index = nodes[child]!.parents.firstIndex(where: { $0.page == parent }) {
                    nodes[child]!.parents[index].types.insert(type)
                } else {
                    nodes[child]!.parents.append((parent, [type]))
                }
            }
            nodes[child]!.parents.sort { $0.page < $1.page }
            let node = nodes[child]!
            guard !node.dataParents.isEmpty, random.chance(75) else { continue }
            let onlyParent = node.dataParents.count == 1 ? nodes[node.dataParents[0]]! : nil
            let kind: RuleKind = onlyParent?.size == node.size && random.chance(50) ? .passthrough : (random.chance(50) ? .xor : .sum)
            nodes[child]!.rule = kind
            for bus in buses { try bus.setRule(Self.rule(kind, page: child), for: child) }
        }
    }

    /// The naive full recompute: every rule page from its parents, in topological order.
    mutating func recomputeAll() {
        for page in order {
            guard let rule = nodes[page]!.rule else { continue }
            let node = nodes[page]!
            values[page] = Self.output(rule, page: page, size: node.size, parents: node.dataParents.map { values[$0]! })
        }
    }

    /// What a wave after user writes to `written` (their values already set) does; returns the rule
    /// pages whose bytes changed.
    @discardableResult
    mutating func wave(written: Set<PageID>) -> Int {
        var changed = written
        var recomputed = 0
        for page in order {
            let node = nodes[page]!
            let types = node.parents.filter { changed.contains($0.page) }.reduce(into: Set<EdgeType>()) { $0.formUnion($1.types) }
            guard !types.isEmpty else { continue }
            var mark = marks[page] ?? []
            if types.contains(.control) { mark.insert(.stale) }
            if types.contains(.gpuSync) { mark.insert(.needsDeviceSync) }
            if types.contains(.compiler) { mark.insert(.artefactsInvalid) }
            if let rule = node.rule {
                if types.contains(.data) {
                    mark.remove(.stale)
                    let new = Self.output(rule, page: page, size: node.size, parents: node.dataParents.map { values[$0]! })
                    if new != values[page] {
                        values[page] = new
                        changed.insert(page)
                        recomputed += 1
                    }
                }
            } else if types.contains(.data) {
                mark.insert(.stale)
            }
            marks[page] = mark.isEmpty ? nil : mark
        }
        return recomputed
    }

    var writablePages: [PageID] { order.filter { nodes[$0]!.rule == nil }.sorted() }
}

@Suite struct PropagationRandomDAGTests {
    private static func expectEqual(_ bus: StateBus, _ model: RandomDAG, marks: Bool, _ context: String) throws {
        for page in model.order {
            let bytes = try bus.read(page: page)
            guard bytes == model.values[page] else {
                Issue.record("\(context): page \(page) holds \(bytes), the model \(model.values[page]!)")
                return
            }
            if marks {
                let found = try bus.marks(of: page)
                guard found == (model.marks[page] ?? []) else {
                    Issue.record("\(context): page \(page) is marked \(found), the model says \(model.marks[page] ?? [])")
                    return
                }
            }
        }
    }

    /// Waves after random writes, batches and updates leave every page as the naive full recompute of
    /// the model does; a deferred bus fed the same calls and `propagate()`d now and then ends equal.
    @Test(arguments: 0..<8)
    func wavesEqualANaiveFullRecompute(seed: Int) throws {
        let immediate = StateBus()
        let deferred = StateBus(configuration: .init(propagation: .deferred))
        var model = try RandomDAG(seed: 0xDA6_0000 + UInt64(seed), buses: [immediate, deferred])
        var random = SplitMix64(seed: 0x3A7E_0000 + UInt64(seed))

        // Bring every rule page up to date from the all-zero start, then forget the marks that left.
        try immediate.recomputeAll()
        try deferred.recomputeAll()
        model.recomputeAll()
        for bus in [immediate, deferred] {
            for page in model.order { try bus.clearMarks([.stale, .needsDeviceSync, .artefactsInvalid], of: page) }
            #expect(bus.pendingPropagation == [])
        }
        try Self.expectEqual(immediate, model, marks: true, "seed \(seed) after recomputeAll")
        try Self.expectEqual(deferred, model, marks: false, "seed \(seed) deferred after recomputeAll")

        let writable = model.writablePages
        for step in 0..<60 {
            let kind = random.int(0...3)
            var written: Set<PageID> = []
            let count = kind == 3 ? random.int(2...5) : 1
            var writes: [(page: PageID, offset: Int, bytes: [UInt8])] = []
            for _ in 0..<count {
                let page = writable[random.int(0...(writable.count - 1))]
                let size = model.nodes[page]!.size
                let offset = random.int(0...(size - 1))
                writes.append((page, offset, random.bytes(random.int(1...(size - offset)))))
            }
            for write in writes {
                model.values[write.page]!.replaceSubrange(write.offset..<(write.offset + write.bytes.count), with: write.bytes)
                written.insert(write.page)
            }
            var propagated: [Int] = []
            for bus in [immediate, deferred] {
                switch kind {
                case 0:
                    propagated.append(try bus.write(page: writes[0].page, offset: writes[0].offset, bytes: writes[0].bytes).propagated)
                case 1:
                    let epoch = try bus.info(page: writes[0].page).epoch.next
                    propagated.append(try bus.apply(try Delta(page: writes[0].page, epoch: epoch, offset: writes[0].offset, bytes: writes[0].bytes)).propagated)
                case 2:
                    // `update` writes nothing when the bytes are equal: then no wave either.
                    let receipt = try bus.update(page: writes[0].page, to: model.values[writes[0].page]!)
                    if receipt == nil { written = [] }
                    propagated.append(receipt?.propagated ?? 0)
                default:
                    var batch = WriteBatch()
                    for write in writes { batch.write(page: write.page, offset: write.offset, bytes: write.bytes) }
                    propagated.append(try bus.apply(batch).propagated)
                }
            }
            let recomputed = model.wave(written: written)
            #expect(propagated[0] == recomputed, "seed \(seed) step \(step): propagation deltas")
            #expect(propagated[1] == 0, "seed \(seed) step \(step): a deferred bus propagated in the write")
            try Self.expectEqual(immediate, model, marks: true, "seed \(seed) step \(step)")
            if random.chance(20) {
                try deferred.propagate()
                #expect(deferred.pendingPropagation == [])
                try Self.expectEqual(deferred, model, marks: false, "seed \(seed) deferred step \(step)")
            }
        }
        try deferred.propagate()
        try Self.expectEqual(deferred, model, marks: false, "seed \(seed) deferred at the end")
        // A naive full recompute now changes nothing.
        #expect(try immediate.recomputeAll() == 0)
        #expect(try deferred.recomputeAll() == 0)
        try Self.expectEqual(immediate, model, marks: false, "seed \(seed) after a second recomputeAll")
    }

    /// Waves visit pages in the graph's topological order and never run a rule twice per wave, however
    /// many of its ancestors changed.
    @Test func eachRuleRunsAtMostOncePerWaveInTopologicalOrder() throws {
        let bus = StateBus()
        var random = SplitMix64(seed: 77)
        let count = 60
        for _ in 0..<count { try bus.createPage(size: 8) }
        let order = (1...UInt64(count)).map { PageID($0) }.shuffled(using: &random)
        for (position, child) in order.enumerated() where position > 0 {
            for _ in 0..<random.int(1...3) { try bus.addEdge(from: order[random.int(0...(position - 1))], to: child) }
        }
        let visits = PropagationRecorder<PageID>()
        for page in order.dropFirst() {
            try bus.setRule(.function { inputs in
                visits.append(inputs.page)
                return (0..<8).map { index in inputs.all.reduce(UInt8(index)) { $0 &+ $1.bytes[index] } }
            }, for: page)
        }
        try bus.recomputeAll()
        let topological = bus.dependencyGraph.topologicalOrder()
        for round in 0..<10 {
            visits.removeAll()
            var batch = WriteBatch()
            for _ in 0..<4 { batch.write(page: order[random.int(0...(count - 1))], offset: 0, bytes: [UInt8(round), 1]) }
            try bus.apply(batch)
            let seen = visits.all
            #expect(Set(seen).count == seen.count, "round \(round): a rule ran twice in one wave: \(seen)")
            let positions = seen.map { topological.firstIndex(of: $0)! }
            #expect(positions == positions.sorted(), "round \(round): rules ran out of topological order")
        }
    }
}
