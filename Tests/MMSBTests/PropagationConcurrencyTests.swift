import Dispatch
import MMSB
import Testing

@Suite struct PropagationConcurrencyTests {
    /// D = A ‖ B ‖ (A xor B); E = D passed through with every byte inverted.
    static func joined(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] { a + b + zip(a, b).map { $0 ^ $1 } }

    static func isConsistent(_ d: [UInt8]) -> Bool { Self.joined(Array(d[0..<8]), Array(d[8..<16])) == d }

    struct Pages {
        let a: PageID, b: PageID, d: PageID, e: PageID, unrelated: PageID

        init(_ bus: StateBus) throws {
            a = try bus.createPage(size: 8)
            b = try bus.createPage(size: 8)
            d = try bus.createPage(size: 24)
            e = try bus.createPage(size: 24)
            unrelated = try bus.createPage(size: 8)
            try bus.addEdge(from: a, to: d)
            try bus.addEdge(from: b, to: d)
            try bus.addEdge(from: d, to: e)
            try bus.addEdge(from: a, to: e, type: .control)
            try bus.setRule(.function { inputs in PropagationConcurrencyTests.joined(inputs[0].array, inputs[1].array) }, for: d)
            try bus.setRule(.passthrough { $0.map { ~$0 } }, for: e)
            try bus.recomputeAll()
        }
    }

    /// Four writers on the parents (single writes, deltas and batches), two readers checking that the
    /// derived pages are always whole, and one thread changing an edge weight: the end state is the rule
    /// applied to the final parents, and every id was handed out once.
    @Test(arguments: [PropagationMode.immediate, .deferred])
    func writersAndReadersAroundADerivedPage(mode: PropagationMode) throws {
        let bus = StateBus(configuration: .init(propagation: mode))
        let pages = try Pages(bus)
        let errors = PropagationRecorder<String>()
        let userDeltas = PropagationCallCounter()
        let propagated = PropagationRecorder<Int>()
        let rounds = 150
        DispatchQueue.concurrentPerform(iterations: 7) { worker in
            do {
                switch worker {
                case 0, 1, 2, 3:
                    for round in 0..<rounds {
                        let value = UInt8(truncatingIfNeeded: worker * 61 + round)
                        let bytes = [UInt8](repeating: value, count: 8)
                        switch (worker + round) % 4 {
                        case 0:
                            propagated.append(try bus.write(page: worker < 2 ? pages.a : pages.b, offset: 0, bytes: bytes).propagated)
                            userDeltas.increment()
                        case 1:
                            if let receipt = try bus.update(page: worker < 2 ? pages.b : pages.a, to: bytes) {
                                propagated.append(receipt.propagated)
                                userDeltas.increment()
                            }
                        case 2:
                            var batch = WriteBatch()
                            batch.write(page: pages.a, offset: 0, bytes: bytes)
                            batch.write(page: pages.unrelated, offset: 0, bytes: [value])
                            batch.write(page: pages.b, offset: round % 8, bytes: [value])
                            propagated.append(try bus.apply(batch).propagated)
                            for _ in 0..<3 { userDeltas.increment() }
                        default:
                            propagated.append(try bus.write(page: pages.unrelated, offset: round % 8, bytes: [value]).propagated)
                            userDeltas.increment()
                            if mode == .deferred { propagated.append(try bus.propagate()) }
                        }
                    }
                case 4, 5:
                    for _ in 0..<(rounds * 2) {
                        let d = try bus.read(page: pages.d)
                        if !Self.isConsistent(d) { errors.append("page D torn: \(d)") }
                        let e = try bus.read(page: pages.e)
                        if !Self.isConsistent(e.map { ~$0 }) { errors.append("page E torn: \(e)") }
                        _ = try bus.marks(of: pages.e)
                        _ = bus.dependencyGraph.edgeCount
                    }
                default:
                    for round in 0..<rounds {
                        try bus.setWeight(round % 2 == 0 ? EdgeWeight(bits: UInt64(round)) : nil, from: pages.a, to: pages.d)
                    }
                }
            } catch {
                errors.append("worker \(worker): \(error)")
            }
        }
        #expect(errors.all == [])
        if mode == .deferred { propagated.append(try bus.propagate()) }
        let a = try bus.read(page: pages.a)
        let b = try bus.read(page: pages.b)
        let d = try bus.read(page: pages.d)
        #expect(d == Self.joined(a, b))
        #expect(try bus.read(page: pages.e) == d.map { ~$0 })
        #expect(bus.pendingPropagation == [])
        // Ids: one setup delta (E = ~zeros), then every user delta and every propagation delta once
        // (weights change nothing: the rule ignores them).
        let total = userDeltas.value + propagated.all.reduce(0, +)
        #expect(bus.nextDeltaID.rawValue == UInt64(2 + total))
    }

    /// Concurrent graph edits and writes on disjoint chains never mix: each chain ends consistent.
    @Test func graphEditsAndWritesOnManyChains() throws {
        let bus = StateBus()
        let chains = 4
        var heads: [PageID] = []
        for _ in 0..<chains {
            let head = try bus.createPage(size: 16)
            var previous = head
            for _ in 0..<5 {
                let next = try bus.createPage(size: 16)
                try bus.addEdge(from: previous, to: next)
                try bus.setRule(.passthrough { $0.map { $0 &+ 1 } }, for: next)
                previous = next
            }
            heads.append(head)
        }
        let errors = PropagationRecorder<String>()
        let snapshot = heads
        DispatchQueue.concurrentPerform(iterations: chains) { chain in
            do {
                let head = snapshot[chain]
                for round in 0..<100 {
                    try bus.write(page: head, offset: round % 16, bytes: [UInt8(truncatingIfNeeded: round)])
                    if round % 10 == 0 {
                        // Graph edits between the writes: a control edge to the tail, added and removed.
                        let tail = PageID(head.rawValue + 5)
                        try bus.addEdge(from: head, to: tail, type: .control)
                        try bus.removeEdge(from: head, to: tail, type: .control)
                    }
                }
            } catch {
                errors.append("chain \(chain): \(error)")
            }
        }
        #expect(errors.all == [])
        for head in heads {
            var expected = try bus.read(page: head)
            for offset in 1...5 {
                expected = expected.map { $0 &+ 1 }
                #expect(try bus.read(page: PageID(head.rawValue + UInt64(offset))) == expected)
            }
        }
    }
}
