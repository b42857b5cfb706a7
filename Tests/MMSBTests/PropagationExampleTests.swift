import Foundation
import MMSB
import Synchronization
import Testing

// MARK: Shared helpers of the Propagation*, GraphPersistence and BusEvent suites

/// Counts calls from any thread.
final class PropagationCallCounter: Sendable {
    private let count = Atomic<Int>(0)

    func increment() { count.add(1, ordering: .relaxed) }

    var value: Int { count.load(ordering: .relaxed) }
}

/// Collects values from any thread, in arrival order.
final class PropagationRecorder<Value: Sendable>: Sendable {
    private let values = Locked<[Value]>([])  // pthread: Mutex gives TSan false positives on Linux

    func append(_ value: Value) { values.withLock { $0.append(value) } }

    var all: [Value] { values.withLock { $0 } }

    func removeAll() { values.withLock { $0.removeAll() } }
}

enum PropagationFixture {
    /// `string`'s UTF-8, cut or zero-padded to `size` bytes.
    static func text(_ string: String, size: Int = 32) -> [UInt8] {
        let bytes = Array(string.utf8.prefix(size))
        return bytes + [UInt8](repeating: 0, count: size - bytes.count)
    }

    /// The text before the first zero byte.
    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) }

    /// Options for a store in a test: no sync, no checkpoint unless asked, a fixed id and clock.
    static func storeOptions(
        clock: ManualWallClock = ManualWallClock(nanoseconds: 1_700_000_000_000_000_000),
        propagation: PropagationMode = .immediate, checkpointOnClose: Bool = false
    ) -> StoreOptions {
        StoreOptions(
            durability: .none, storeID: StoreID(high: 0x4D4D_5342_5052_4F50, low: 4), bus: .init(clock: clock, propagation: propagation),
            checkpointEveryLogBytes: nil, checkpointOnClose: checkpointOnClose)
    }

    /// Every record of the store at `path`.
    static func records(_ path: String) throws -> [LogRecord] {
        var records: [LogRecord] = []
        try StateBus.forEachRecord(inStoreAt: path) { record in
            records.append(record)
            return true
        }
        return records
    }

    /// The deltas of a record, or nil for another kind of record.
    static func deltas(_ record: LogRecord) -> [Delta]? {
        if case .deltas(let deltas) = record.body { return deltas }
        return nil
    }

    /// Element-wise wrapping sum of the data parents (all as long as the page).
    static let sumRule = RecomputeRule.function(name: "sum") { inputs in
        var out = [UInt8](repeating: 0, count: inputs.pageSize)
        for input in inputs.all {
            for index in out.indices { out[index] &+= input.bytes[index] }
        }
        return out
    }

    /// The tutorial's monitor: "derived=" followed by its single data parent's text.
    static let monitorRule = RecomputeRule.function(name: "monitor") { inputs in
        text("derived=" + string(inputs[0].array), size: inputs.pageSize)
    }

    /// Page bytes and epochs of every page, by id.
    static func state(_ bus: StateBus) throws -> [PageID: ([UInt8], Epoch)] {
        var out: [PageID: ([UInt8], Epoch)] = [:]
        for info in bus.pages() { out[info.id] = (try bus.read(page: info.id), info.epoch) }
        return out
    }

    static func sameState(_ lhs: [PageID: ([UInt8], Epoch)], _ rhs: [PageID: ([UInt8], Epoch)]) -> Bool {
        lhs.count == rhs.count && lhs.allSatisfy { key, value in rhs[key].map { $0.0 == value.0 && $0.1 == value.1 } ?? false }
    }
}

// MARK: The original's examples (spec §8–§10, §15)

@Suite struct PropagationExampleTests {
    typealias F = PropagationFixture

    @Test func chainOneTwoThreeIsWiredAndOrdered() throws {
        let bus = StateBus()
        let one = try bus.createPage(size: 8)
        let two = try bus.createPage(size: 8)
        let three = try bus.createPage(size: 8)
        #expect(try bus.addEdge(from: one, to: two) == true)
        #expect(try bus.addEdge(from: two, to: three, type: .data) == true)
        #expect(try bus.addEdge(from: one, to: two) == false, "a duplicate edge is stored once")
        let graph = bus.dependencyGraph
        #expect(graph.edgeCount == 2)
        #expect(graph.children(of: one) == [two])
        #expect(graph.parents(of: three) == [two])
        #expect(graph.descendants(of: one) == [two, three])
        #expect(graph.ancestors(of: three) == [one, two])
        #expect(graph.topologicalOrder() == [one, two, three])
        #expect(graph.edges() == [DependencyGraph.Edge(from: one, to: two, type: .data), DependencyGraph.Edge(from: two, to: three, type: .data)])

        try bus.setRule(.passthrough(), for: two)
        try bus.setRule(.passthrough(), for: three)
        let receipt = try bus.write(page: one, offset: 0, bytes: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(receipt.propagated == 2)
        #expect(try bus.read(page: two) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try bus.read(page: three) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try bus.info(page: two).epoch == 1)
        #expect(try bus.info(page: three).epoch == 1)
        #expect(bus.nextDeltaID == 4)
    }

    @Test func cycleIsRefusedThroughTheBusWithThePathAndNothingApplied() throws {
        let bus = StateBus()
        for _ in 0..<3 { try bus.createPage(size: 8) }
        try bus.addEdge(from: 1, to: 2)
        try bus.addEdge(from: 2, to: 3, type: .control)
        let before = bus.dependencyGraph
        #expect(throws: GraphError.cycle(from: 3, to: 1, cycle: [1, 2, 3])) { try bus.addEdge(from: 3, to: 1) }
        #expect(throws: GraphError.cycle(from: 3, to: 1, cycle: [1, 2, 3])) { try bus.addEdge(from: 3, to: 1, type: .compiler) }
        #expect(throws: GraphError.cycle(from: 2, to: 1, cycle: [1, 2])) { try bus.addEdge(from: 2, to: 1, type: .gpuSync) }
        #expect(throws: GraphError.selfLoop(2)) { try bus.addEdge(from: 2, to: 2) }
        #expect(bus.dependencyGraph == before)
        #expect(bus.dependencyGraph.validate().isAcyclic)
        #expect(bus.nextDeltaID == 1)
        // The bus keeps working: a valid edge and a propagating write succeed.
        try bus.addEdge(from: 1, to: 3)
        try bus.setRule(.passthrough(), for: 2)
        #expect(try bus.write(page: 1, offset: 0, bytes: [9]).propagated == 1)
        #expect(try bus.read(page: 2) == [9, 0, 0, 0, 0, 0, 0, 0])
        #expect(try bus.marks(of: 3) == .stale, "page 3 has no rule: its data and control parents changed")
    }

    @Test func cycleRefusalOnAStoreLogsNothing() throws {
        let directory = TemporaryDirectory()
        let bus = try StateBus.open(at: directory.path, options: F.storeOptions())
        for _ in 0..<3 { try bus.createPage(size: 8) }
        try bus.addEdge(from: 1, to: 2)
        try bus.addEdge(from: 2, to: 3)
        let lsn = bus.nextLSN
        #expect(throws: GraphError.self) { try bus.addEdge(from: 3, to: 1) }
        #expect(bus.nextLSN == lsn)
        try bus.close()
        let reopened = try StateBus.open(at: directory.path, options: F.storeOptions())
        #expect(reopened.dependencyGraph.edgeCount == 2)
        #expect(reopened.dependencyGraph.children(of: 3) == [])
        try reopened.close()
    }

    @Test func passthroughCopiesOnlyTheChangedBytesAndClearsNothingElse() throws {
        let directory = TemporaryDirectory()
        let bus = try StateBus.open(at: directory.path, options: F.storeOptions())
        let parent = try bus.createPage(size: 8)
        let child = try bus.createPage(size: 8)
        try bus.write(page: child, offset: 0, bytes: [0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE])
        try bus.write(page: parent, offset: 0, bytes: [0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE])
        try bus.addEdge(from: parent, to: child)
        try bus.setRule(.passthrough(), for: child)
        let receipt = try bus.apply(try Delta(page: parent, epoch: 2, offset: 1, bytes: [0xA1, 0xB2, 0xC3]))
        #expect(receipt.propagated == 1)
        let parentBytes = try bus.read(page: parent)
        let childBytes = try bus.read(page: child)
        #expect(parentBytes == [0xEE, 0xA1, 0xB2, 0xC3, 0xEE, 0xEE, 0xEE, 0xEE])
        #expect(childBytes[1...3] == parentBytes[1...3])
        #expect(childBytes == parentBytes)
        #expect(try bus.marks(of: child) == [])
        #expect(try bus.info(page: child).epoch == 2)
        try bus.close()
        // The log holds the user's delta and the propagation delta in one record; the latter covers bytes 1–3 only.
        let last = try #require(try F.records(directory.path).last.flatMap(F.deltas))
        #expect(last.count == 2)
        #expect(last[0].page == parent && last[0].source == .user)
        #expect(last[1].page == child && last[1].source == .propagation && last[1].epoch == 2)
        #expect(last[1].runs == [DeltaRun(offset: 1, length: 3)])
        #expect(last[1].payload == [0xA1, 0xB2, 0xC3])
    }

    @Test func passthroughWithATransform() throws {
        let bus = StateBus()
        let parent = try bus.createPage(size: 4)
        let child = try bus.createPage(size: 2)
        try bus.addEdge(from: parent, to: child)
        try bus.setRule(.passthrough { bytes in [bytes[0] ^ bytes[1], bytes[2] &+ bytes[3]] }, for: child)
        try bus.write(page: parent, offset: 0, bytes: [0x0F, 0xF0, 200, 100])
        #expect(try bus.read(page: child) == [0xFF, 44])
    }

    @Test func twoParentsAreRecomputedOncePerBatch() throws {
        let bus = StateBus()
        let a = try bus.createPage(size: 8)
        let b = try bus.createPage(size: 8)
        let child = try bus.createPage(size: 8)
        let unrelated = try bus.createPage(size: 8)
        try bus.addEdge(from: a, to: child)
        try bus.addEdge(from: b, to: child)
        let calls = PropagationCallCounter()
        try bus.setRule(.function { inputs in
            calls.increment()
            #expect(inputs.count == 2 && inputs[0].page == a && inputs[1].page == b)
            return zip(inputs[0].array, inputs[1].array).map { $0 &+ $1 }
        }, for: child)
        #expect(calls.value == 0, "registering a rule runs nothing")

        // A [Delta] batch touching both parents: one call.
        let receipt = try bus.apply([
            try Delta(page: a, epoch: 1, offset: 0, bytes: [UInt8](repeating: 0x01, count: 8)),
            try Delta(page: b, epoch: 1, offset: 0, bytes: [UInt8](repeating: 0x02, count: 8)),
        ])
        #expect(calls.value == 1)
        #expect(receipt.count == 2 && receipt.propagated == 1)
        #expect(try bus.read(page: child) == [UInt8](repeating: 0x03, count: 8))
        #expect(try bus.info(page: child).epoch == 1)

        // Nothing changed since: propagate does not call the rule, neither does a write elsewhere.
        #expect(try bus.propagate() == 0)
        try bus.write(page: unrelated, offset: 0, bytes: [1])
        #expect(calls.value == 1)

        // A WriteBatch touching both parents, one of them twice: one call.
        var batch = WriteBatch()
        batch.write(page: a, offset: 0, bytes: [UInt8](repeating: 0x10, count: 8))
        batch.write(page: b, offset: 0, bytes: [UInt8](repeating: 0x20, count: 8))
        batch.write(page: a, offset: 4, bytes: [0x11, 0x11, 0x11, 0x11])
        let second = try bus.apply(batch)
        #expect(calls.value == 2)
        #expect(second.count == 3 && second.propagated == 1)
        #expect(try bus.read(page: child) == [0x30, 0x30, 0x30, 0x30, 0x31, 0x31, 0x31, 0x31])
        #expect(try bus.info(page: a).epoch == 3)

        // One parent changes: one more call.
        try bus.write(page: b, offset: 0, bytes: [0x21])
        #expect(calls.value == 3)
        #expect(try bus.read(page: child)[0] == 0x31)
        #expect(try bus.propagate() == 0)
        #expect(calls.value == 3)

        // `recompute` runs the rule whatever the epochs, but equal bytes make no delta.
        let next = bus.nextDeltaID
        #expect(try bus.recompute([child]) == 0)
        #expect(calls.value == 4)
        #expect(bus.nextDeltaID == next)
        #expect(try bus.info(page: child).epoch == 3)
    }

    @Test func twoParentsInDeferredModeRecomputeOnceAtPropagate() throws {
        let bus = StateBus(configuration: .init(propagation: .deferred))
        let a = try bus.createPage(size: 8)
        let b = try bus.createPage(size: 8)
        let child = try bus.createPage(size: 8)
        try bus.addEdge(from: a, to: child)
        try bus.addEdge(from: b, to: child)
        let calls = PropagationCallCounter()
        try bus.setRule(.function { inputs in
            calls.increment()
            return zip(inputs[0].array, inputs[1].array).map { $0 &+ $1 }
        }, for: child)
        #expect(try bus.write(page: a, offset: 0, bytes: [UInt8](repeating: 1, count: 8)).propagated == 0)
        try bus.write(page: b, offset: 0, bytes: [UInt8](repeating: 2, count: 8))
        try bus.write(page: a, offset: 0, bytes: [UInt8](repeating: 1, count: 8))
        #expect(calls.value == 0)
        #expect(try bus.read(page: child) == [UInt8](repeating: 0, count: 8))
        #expect(bus.pendingPropagation == [a, b])
        #expect(try bus.propagate() == 1)
        #expect(calls.value == 1)
        #expect(bus.pendingPropagation == [])
        #expect(try bus.read(page: child) == [UInt8](repeating: 3, count: 8))
        #expect(try bus.propagate() == 0)
        #expect(calls.value == 1)
    }

    @Test func aRuleWithoutDataParentsRunsWheneverAnyParentChanges() throws {
        // The original's frozen monitor: a rule whose page has only a control parent still runs.
        let bus = StateBus()
        let trigger = try bus.createPage(size: 4)
        let monitor = try bus.createPage(size: 4)
        try bus.addEdge(from: trigger, to: monitor, type: .control)
        let calls = PropagationCallCounter()
        try bus.setRule(.function { inputs in
            calls.increment()
            #expect(inputs.isEmpty)
            return [UInt8(truncatingIfNeeded: calls.value), 0, 0, 0]
        }, for: monitor)
        for round in 1...3 {
            try bus.write(page: trigger, offset: 0, bytes: [UInt8(round)])
            #expect(calls.value == round)
            #expect(try bus.read(page: monitor)[0] == UInt8(round))
            #expect(try bus.marks(of: monitor) == [], "the recompute refreshed the page")
        }
    }

    /// A rule must run whenever its inputs changed, whatever arithmetic the bus keeps on their epochs:
    /// here a data parent is deleted and the other parent's epoch then jumps to the old epochs' sum.
    @Test(arguments: [PropagationMode.immediate, .deferred])
    func inputChangesAreSeenAfterAParentIsDeleted(mode: PropagationMode) throws {
        let bus = StateBus(configuration: .init(propagation: mode))
        let a = try bus.createPage(size: 4)
        let b = try bus.createPage(size: 4)
        let child = try bus.createPage(size: 4)
        try bus.addEdge(from: a, to: child)
        try bus.addEdge(from: b, to: child)
        try bus.setRule(F.sumRule, for: child)
        for value: UInt8 in 1...5 { try bus.write(page: b, offset: 0, bytes: [value]) }
        try bus.write(page: a, offset: 1, bytes: [1])
        try bus.propagate()
        #expect(try bus.read(page: child) == [5, 1, 0, 0])
        try bus.deletePage(b)
        // a: epoch 1 → 6, the sum of a's and b's epochs at the last recompute.
        try bus.apply(try Delta(page: a, epoch: 6, offset: 2, bytes: [9]))
        try bus.propagate()
        #expect(try bus.read(page: child) == [0, 1, 9, 0])
        #expect(try bus.marks(of: child) == [])
    }

    /// Spec §15: source → derived → monitor, 32 bytes each, data edges; derived a passthrough of source,
    /// monitor "derived=" + derived's text.
    @Test(arguments: [PropagationMode.immediate, .deferred])
    func tutorialChain(mode: PropagationMode) throws {
        let directory = TemporaryDirectory()
        let messages = ["alpha-page-epoch1", "beta-page-epoch2", "gamma-page-epoch3"]
        let events = PropagationRecorder<BusEvent>()
        let subscription: EventSubscription
        do {
            let bus = try StateBus.open(at: directory.path, options: F.storeOptions(propagation: mode))
            subscription = bus.subscribe(to: .pageChanged) { events.append($0) }
            let source = try bus.createPage(size: 32)
            let derived = try bus.createPage(size: 32)
            let monitor = try bus.createPage(size: 32)
            try bus.addEdge(from: source, to: derived, type: .data)
            try bus.addEdge(from: derived, to: monitor, type: .data)
            try bus.setRule(.passthrough(), for: derived)
            try bus.setRule(F.monitorRule, for: monitor)
            for (index, message) in messages.enumerated() {
                let receipt = try #require(try bus.update(page: source, to: F.text(message)))
                if mode == .deferred {
                    #expect(receipt.propagated == 0)
                    #expect(F.string(try bus.read(page: derived)) == (index == 0 ? "" : messages[index - 1]))
                    #expect(try bus.propagate() == 2)
                } else {
                    #expect(receipt.propagated == 2)
                }
                #expect(F.string(try bus.read(page: derived)) == message)
                #expect(F.string(try bus.read(page: monitor)) == "derived=" + message)
                #expect(try bus.info(page: derived).epoch == Epoch(UInt64(index + 1)))
                #expect(try bus.info(page: monitor).epoch == Epoch(UInt64(index + 1)))
                #expect(try bus.marks(of: monitor) == [])
            }
            #expect(events.all.map(\.kind) == (1...3).flatMap { epoch in
                [source, derived, monitor].map { BusEvent.Kind.pageChanged($0, epoch: Epoch(UInt64(epoch))) }
            })
            try bus.close()
        }
        subscription.cancel()
        // Replay reproduces every page from the log, without rules.
        let reopened = try StateBus.open(at: directory.path, options: F.storeOptions(propagation: mode))
        #expect(reopened.pagesWithRules == [])
        #expect(F.string(try reopened.read(page: 2)) == "gamma-page-epoch3")
        #expect(F.string(try reopened.read(page: 3)) == "derived=gamma-page-epoch3")
        #expect(try reopened.info(page: 3).epoch == 3)
        // Rules registered again: the chain goes on.
        try reopened.setRule(.passthrough(), for: 2)
        try reopened.setRule(F.monitorRule, for: 3)
        try reopened.update(page: 1, to: F.text("delta-page-epoch4"))
        if mode == .deferred { try reopened.propagate() }
        #expect(F.string(try reopened.read(page: 3)) == "derived=delta-page-epoch4")
        try reopened.close()
    }
}
