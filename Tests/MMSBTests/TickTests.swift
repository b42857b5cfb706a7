import Foundation
import MMSB
import Testing

/// `tick`: validation, parallel apply, the wave, one log record, metrics, all or nothing.
@Suite struct TickTests {
    /// A chain 1 → 2 → … → `count` of `size`-byte pages with passthrough rules.
    static func chain(_ bus: StateBus, count: Int, size: Int) throws -> [PageID] {
        var pages: [PageID] = []
        for _ in 0..<count { pages.append(try bus.createPage(size: size)) }
        for index in 1..<count {
            try bus.addEdge(from: pages[index - 1], to: pages[index], type: .data)
            try bus.setRule(.passthrough(), for: pages[index])
        }
        return pages
    }

    static func batch(_ pages: [PageID], writes: Int, size: Int, seed: UInt64) -> WriteBatch {
        var random = SplitMix64(seed: seed)
        var batch = WriteBatch()
        for _ in 0..<writes {
            let page = pages[Int(random.next() % UInt64(pages.count))]
            let length = Int(random.next() % 16) + 1
            let offset = Int(random.next() % UInt64(size - length + 1))
            batch.write(page: page, offset: offset, bytes: (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
        return batch
    }

    @Test func aTickAppliesPropagatesAndReports() throws {
        let bus = StateBus(configuration: .init(tickBudget: .seconds(3_600)))
        let pages = try Self.chain(bus, count: 8, size: 64)
        var batch = WriteBatch()
        batch.write(page: pages[0], offset: 0, bytes: [1, 2, 3])
        batch.write(page: pages[0], offset: 10, bytes: [4])
        batch.write(page: pages[7], offset: 60, bytes: [9])
        let before = bus.nextDeltaID
        let metrics = try bus.tick(batch)
        #expect(metrics.deltas == 3)
        #expect(metrics.pagesTouched == 2)
        #expect(metrics.propagatedDeltas == 7)
        #expect(metrics.workers == 1)
        #expect(metrics.budgetMet)
        #expect(metrics.total >= metrics.apply && metrics.total >= metrics.propagation)
        #expect(bus.nextDeltaID.rawValue == before.rawValue + 10)
        for page in pages { #expect(try bus.read(page: page) == bus.read(page: pages[0])) }
        #expect(try bus.info(page: pages[0]).epoch == Epoch(2))
        #expect(try bus.dirtyRanges(of: pages[3]) == [0..<64])
        // The passthrough overwrote page 8's own write: it follows page 7.
        #expect(try bus.read(page: pages[7])[60] == 0)
    }

    @Test func smallTicksStayOnTheCallingThread() throws {
        for (minimum, expected) in [(8 << 20, 1), (16, 4)] {
            let bus = StateBus(configuration: .init(applyWorkers: 4, parallelApplyMinimumBytes: minimum))
            let pages = try (0..<8).map { _ in try bus.createPage(size: 64) }
            let metrics = try bus.tick(Self.batch(pages, writes: 20, size: 64, seed: 8))
            #expect(metrics.workers == expected)
        }
    }

    @Test func anOverBudgetTickSaysSo() throws {
        let bus = StateBus(configuration: .init(tickBudget: .zero))
        let page = try bus.createPage(size: 8)
        var batch = WriteBatch()
        batch.write(page: page, offset: 0, bytes: [1])
        let metrics = try bus.tick(batch)
        #expect(metrics.total > .zero)
        #expect(!metrics.budgetMet)
        #expect(metrics.description.contains("over budget"))
    }

    /// Two workers give exactly what one gives: bytes, epochs, and the log, byte for byte.
    @Test(arguments: [UInt64(1), 2, 3])
    func twoWorkersGiveTheSameStateAndLogAsOne(seed: UInt64) throws {
        var logs: [[String: Data]] = []
        var states: [[[UInt8]]] = []
        for workers in [1, 2] {
            let directory = TemporaryDirectory()
            let clock = ManualWallClock()
            let options = StoreOptions(
                durability: .none, storeID: StoreID(high: 1, low: 2), bus: .init(clock: clock, applyWorkers: workers, parallelApplyMinimumBytes: 0),
                checkpointOnClose: false)
            let bus = try StateBus.open(at: directory.path, options: options)
            var pages = try Self.chain(bus, count: 4, size: 256)
            for _ in 0..<12 { pages.append(try bus.createPage(size: 256)) }
            for round in 0..<5 {
                clock.advance(by: 1_000)
                try bus.tick(Self.batch(pages, writes: 300, size: 256, seed: seed &* 31 &+ UInt64(round)))
            }
            states.append(try pages.map { try bus.read(page: $0) })
            try bus.close()
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path + "/log") {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/log/" + name))
            }
            logs.append(files)
        }
        #expect(states[0] == states[1])
        #expect(logs[0] == logs[1])
        #expect(!logs[0].isEmpty)
    }

    @Test func aFailingRuleUndoesTheWholeTick() throws {
        let bus = StateBus(configuration: .init(applyWorkers: 2, parallelApplyMinimumBytes: 0))
        let pages = try Self.chain(bus, count: 3, size: 32)
        try bus.setRule(.function { inputs in
            if inputs[0].bytes[0] == 0xFF { throw CocoaError(.featureUnsupported) }
            return inputs[0].array
        }, for: pages[2])
        try bus.tick(Self.batch(pages, writes: 50, size: 32, seed: 4))
        let before = try StateBusSnapshot(bus)
        var batch = Self.batch(pages, writes: 50, size: 32, seed: 5)
        batch.write(page: pages[0], offset: 0, bytes: [0xFF])
        #expect(throws: RuleError.self) { try bus.tick(batch) }
        #expect(try StateBusSnapshot(bus) == before)
        batch.write(page: pages[0], offset: 0, bytes: [0x01])
        try bus.tick(batch)
        #expect(try bus.read(page: pages[2]) == bus.read(page: pages[0]))
    }

    @Test func anInvalidWriteIsRejectedWithItsIndexAndNothingChanges() throws {
        let bus = StateBus()
        let pages = try Self.chain(bus, count: 2, size: 16)
        let before = try StateBusSnapshot(bus)
        var batch = WriteBatch()
        batch.write(page: pages[0], offset: 0, bytes: [1])
        batch.write(page: pages[1], offset: 15, bytes: [1, 2])
        #expect(throws: DeltaError.rejectedInBatch(index: 1, cause: .outOfBounds(page: pages[1], end: 17, pageSize: 16))) {
            try bus.tick(batch)
        }
        var missing = WriteBatch()
        missing.write(page: PageID(99), offset: 0, bytes: [1])
        #expect(throws: DeltaError.rejectedInBatch(index: 0, cause: .pageNotFound(PageID(99)))) { try bus.tick(missing) }
        #expect(try StateBusSnapshot(bus) == before)
    }

    @Test func inDeferredModeTheTickRunsTheQueuedWave() throws {
        let bus = StateBus(configuration: .init(propagation: .deferred))
        let pages = try Self.chain(bus, count: 3, size: 8)
        try bus.write(page: pages[0], offset: 0, bytes: [7])
        #expect(bus.pendingPropagation == [pages[0]])
        #expect(try bus.read(page: pages[2]) == [0, 0, 0, 0, 0, 0, 0, 0])
        let metrics = try bus.tick()
        #expect(metrics.deltas == 0)
        #expect(metrics.propagatedDeltas == 2)
        #expect(bus.pendingPropagation.isEmpty)
        #expect(try bus.read(page: pages[2]) == [7, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func aTickIsOneLogRecord() throws {
        let directory = TemporaryDirectory()
        let bus = try StateBus.open(at: directory.path, options: StoreOptions(durability: .none, checkpointOnClose: false))
        let pages = try Self.chain(bus, count: 4, size: 32)
        let next = try #require(bus.nextLSN)
        try bus.tick(Self.batch(pages, writes: 40, size: 32, seed: 9))
        #expect(bus.nextLSN == LSN(next.rawValue + 1))
        let live = try pages.map { try bus.read(page: $0) }
        try bus.close()
        var sources: [DeltaSource] = []
        try StateBus.forEachRecord(inStoreAt: directory.path, from: next) { record in
            if case .deltas(let deltas) = record.body { sources = deltas.map(\.source) }
            return true
        }
        #expect(sources.count == 43)
        #expect(sources.prefix(40).allSatisfy { $0 == .user })
        #expect(sources.suffix(3).allSatisfy { $0 == .propagation })
        let replayed = try StateBus.openReadOnly(at: directory.path)
        #expect(try pages.map { try replayed.read(page: $0) } == live)
    }

    /// Many threads ticking and reading at once (run under `--sanitize=thread`).
    @Test func concurrentTicksAndReadsAreSafe() throws {
        let bus = StateBus(configuration: .init(applyWorkers: 2, parallelApplyMinimumBytes: 0))
        let pages = try Self.chain(bus, count: 6, size: 128)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for round in 0..<25 {
                if thread % 2 == 0 {
                    _ = try? bus.tick(Self.batch(pages, writes: 20, size: 128, seed: UInt64(thread * 100 + round)))
                } else {
                    _ = try? bus.read(page: pages[5])
                }
            }
        }
        for page in pages.dropFirst() { #expect(try bus.read(page: page) == bus.read(page: pages[0])) }
    }
}
