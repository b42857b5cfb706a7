@testable import MMSB
import Synchronization
import Testing

@Suite struct StateBusJournalTests {
    struct JournalFailure: Error, Equatable {
        var number: Int
    }

    /// Records every record it is given; when armed, throws instead and records nothing.
    final class TestJournal: WriteAheadJournal {
        private let state = Locked<(records: [JournalRecord], failure: JournalFailure?)>(([], nil))

        var records: [JournalRecord] { state.withLock { $0.records } }
        var count: Int { state.withLock { $0.records.count } }

        /// Makes every following append throw `failure` (or succeed again with `nil`).
        func fail(with failure: JournalFailure?) { state.withLock { $0.failure = failure } }

        func append(_ record: JournalRecord, timestamp: UInt64) throws {
            try state.withLock { state in
                if let failure = state.failure { throw failure }
                state.records.append(record)
            }
        }
    }

    /// A bus with a test journal and a manual clock at 1,000 ns.
    static func journaledBus(deviceMemory: DeviceMemoryPolicy = .refuse) -> (StateBus, TestJournal, ManualWallClock) {
        let clock = ManualWallClock(nanoseconds: 1_000)
        let journal = TestJournal()
        let bus = StateBus(configuration: .init(deviceMemory: deviceMemory, clock: clock), journal: journal)
        return (bus, journal, clock)
    }

    /// Whether two records are the same, field by field.
    static func same(_ a: JournalRecord, _ b: JournalRecord) -> Bool {
        switch (a, b) {
        case let (.pageCreated(id1, size1, location1, metadata1), .pageCreated(id2, size2, location2, metadata2)):
            return id1 == id2 && size1 == size2 && location1 == location2 && metadata1 == metadata2
        case let (.pageDeleted(id1), .pageDeleted(id2)):
            return id1 == id2
        case let (.metadataChanged(id1, metadata1), .metadataChanged(id2, metadata2)):
            return id1 == id2 && metadata1 == metadata2
        case let (.deltas(deltas1), .deltas(deltas2)):
            return deltas1 == deltas2
        default:
            return false
        }
    }

    /// The deltas of a `.deltas` record, or `nil` for any other record.
    static func deltas(_ record: JournalRecord?) -> [Delta]? {
        guard case .deltas(let deltas)? = record else { return nil }
        return deltas
    }

    // MARK: (1) One record per change, with what the receipts report

    @Test func pageOperationsAreJournaled() throws {
        let (bus, journal, clock) = Self.journaledBus(deviceMemory: .emulateInHostMemory)
        let metadata: PageMetadata = ["name": Array("journal".utf8)]
        let first = try bus.createPage(size: 32, metadata: metadata)
        #expect(journal.count == 1)
        guard case .pageCreated(first, size: 32, location: .cpu, metadata: metadata)? = journal.records.last else {
            Issue.record("expected pageCreated(1, 32, cpu, name), got \(journal.records)")
            return
        }
        clock.advance(by: 5)
        let chosen = try bus.createPage(id: 7, size: 16, location: .gpu)
        #expect(journal.count == 2)
        guard case .pageCreated(7, size: 16, location: .gpu, metadata: let empty)? = journal.records.last, empty.isEmpty, chosen == 7 else {
            Issue.record("expected pageCreated(7, 16, gpu, []), got \(String(describing: journal.records.last))")
            return
        }
        try bus.setMetadata(["a": [1]], of: chosen)
        #expect(journal.count == 3)
        #expect(Self.same(journal.records[2], .metadataChanged(7, ["a": [1]])))
        try bus.setMetadata([2], forKey: "b", of: chosen)
        #expect(journal.count == 4)
        #expect(Self.same(journal.records[3], .metadataChanged(7, ["a": [1], "b": [2]])))
        try bus.setMetadata(nil, forKey: "a", of: chosen)
        #expect(Self.same(journal.records[4], .metadataChanged(7, ["b": [2]])))
        try bus.deletePage(first)
        #expect(journal.count == 6)
        #expect(Self.same(journal.records[5], .pageDeleted(first)))
        // Reads, dirty-bit queries and failed calls add nothing.
        _ = try bus.read(page: chosen)
        _ = bus.pages()
        _ = try bus.info(page: chosen)
        _ = try bus.dirtyRanges(of: chosen)
        _ = try? bus.deletePage(first)
        _ = try? bus.createPage(id: 7, size: 8)
        _ = try? bus.createPage(size: 0)
        _ = try? bus.setMetadata(["x": [1]], of: 99)
        #expect(journal.count == 6)
    }

    @Test func writesAreJournaledWithTheirReceipts() throws {
        let (bus, journal, clock) = Self.journaledBus()
        let page = try bus.createPage(size: 256)
        clock.set(nanoseconds: 10_000)
        let receipt = try bus.write(page: page, offset: 3, bytes: [1, 2, 3], source: .compute, intent: "first")
        #expect(StateBusReceipt(receipt) == StateBusReceipt(delta: 1, page: page, epoch: 1))
        #expect(journal.count == 2)
        let written = try #require(Self.deltas(journal.records.last))
        #expect(written.count == 1)
        #expect(written.first?.id == receipt.delta)
        #expect(written.first?.page == page)
        #expect(written.first?.epoch == receipt.epoch)
        #expect(written.first?.timestamp == 10_000)
        #expect(written.first?.source == .compute)
        #expect(written.first?.intent == "first")
        #expect(written.first?.runs == [DeltaRun(offset: 3, length: 3)])
        #expect(written.first?.payload == [1, 2, 3])
        #expect(written.first?.extent == 6)

        clock.set(nanoseconds: 20_000)
        let viaBuffer = try [UInt8](repeating: 9, count: 4).withUnsafeBytes { try bus.write(page: page, offset: 252, bytes: $0) }
        #expect(StateBusReceipt(viaBuffer) == StateBusReceipt(delta: 2, page: page, epoch: 2))
        let second = try #require(Self.deltas(journal.records.last))
        #expect(second.map(\.id) == [2])
        #expect(second.map(\.epoch) == [2])
        #expect(second.map(\.timestamp) == [20_000])
        #expect(second.first?.payload == [9, 9, 9, 9])
        #expect(second.first?.source == .user)
        #expect(second.first?.intent == nil)
        #expect(journal.count == 3)
    }

    @Test func updateJournalsOnlyTheDifferingRuns() throws {
        let (bus, journal, clock) = Self.journaledBus()
        let page = try bus.createPage(size: 32)
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes[2] = 1
        bytes[3] = 2
        bytes[20] = 3
        clock.set(nanoseconds: 777)
        let receipt = try #require(try bus.update(page: page, to: bytes, source: .replay, intent: "sync"))
        #expect(StateBusReceipt(receipt) == StateBusReceipt(delta: 1, page: page, epoch: 1))
        let update = try #require(Self.deltas(journal.records.last))
        #expect(update.count == 1)
        #expect(update.first?.runs == [DeltaRun(offset: 2, length: 2), DeltaRun(offset: 20, length: 1)])
        #expect(update.first?.payload == [1, 2, 3])
        #expect(update.first?.id == 1)
        #expect(update.first?.epoch == 1)
        #expect(update.first?.timestamp == 777)
        #expect(update.first?.source == .replay)
        #expect(update.first?.intent == "sync")
        #expect(try bus.read(page: page) == bytes)
        #expect(journal.count == 2)
        // Unchanged: no record, no id, no epoch.
        #expect(try bus.update(page: page, to: bytes) == nil)
        #expect(journal.count == 2)
        #expect(bus.nextDeltaID == 2)
        #expect(try bus.info(page: page).epoch == 1)
    }

    @Test func appliedDeltasAreJournaledStamped() throws {
        let (bus, journal, clock) = Self.journaledBus()
        let page = try bus.createPage(size: 16)
        var delta = try Delta(page: page, epoch: 4, runs: [(offset: 0, bytes: [1]), (offset: 8, bytes: [2, 3])], source: .network, intent: "i")
        delta.id = 55
        delta.timestamp = 1
        clock.set(nanoseconds: 3_000)
        let receipt = try bus.apply(delta)
        #expect(StateBusReceipt(receipt) == StateBusReceipt(delta: 1, page: page, epoch: 4))
        var expected = delta
        expected.id = 1
        expected.timestamp = 3_000
        #expect(Self.same(journal.records.last!, .deltas([expected])))
        #expect(journal.count == 2)
    }

    @Test func batchesAreJournaledAsOneRecord() throws {
        let (bus, journal, clock) = Self.journaledBus()
        let a = try bus.createPage(size: 16)
        let b = try bus.createPage(size: 16)
        clock.set(nanoseconds: 50)
        let deltas = [
            try Delta(page: a, epoch: 2, offset: 0, bytes: [1]),
            try Delta(page: b, epoch: 1, offset: 1, bytes: [2]),
            try Delta(page: a, epoch: 3, offset: 2, bytes: [3]),
        ]
        let receipt = try bus.apply(deltas)
        #expect(receipt.deltas == DeltaID(1)...DeltaID(3))
        #expect(journal.count == 3)
        let recorded = try #require(Self.deltas(journal.records.last))
        let expected = deltas.enumerated().map { index, delta in
            var copy = delta
            copy.id = DeltaID(UInt64(index) + 1)
            copy.timestamp = 50
            return copy
        }
        #expect(recorded == expected)

        clock.set(nanoseconds: 60)
        var batch = WriteBatch(source: .merge, intent: "batch")
        batch.write(page: b, offset: 0, bytes: [7, 7])
        batch.write(page: a, offset: 15, bytes: [8])
        batch.write(page: b, offset: 14, bytes: [9, 9])
        let batchReceipt = try bus.apply(batch)
        #expect(batchReceipt.deltas == DeltaID(4)...DeltaID(6))
        #expect(journal.count == 4)
        let written = try #require(Self.deltas(journal.records.last))
        #expect(written.map(\.id) == [4, 5, 6])
        #expect(written.map(\.page) == [b, a, b])
        #expect(written.map(\.epoch) == [2, 4, 3])
        #expect(written.map(\.timestamp) == [60, 60, 60])
        #expect(written.map(\.source) == [.merge, .merge, .merge])
        #expect(written.map(\.intent) == ["batch", "batch", "batch"])
        #expect(written.map(\.runs) == [[DeltaRun(offset: 0, length: 2)], [DeltaRun(offset: 15, length: 1)], [DeltaRun(offset: 14, length: 2)]])
        #expect(written.map(\.payload) == [[7, 7], [8], [9, 9]])
        #expect(try bus.info(page: a).epoch == 4)
        #expect(try bus.info(page: b).epoch == 3)

        // Empty and invalid batches record nothing.
        try bus.apply([Delta]())
        try bus.apply(WriteBatch())
        _ = try? bus.apply([try Delta(page: a, epoch: 0, offset: 0, bytes: [1])])
        var bad = WriteBatch()
        bad.write(page: 99, offset: 0, bytes: [1])
        _ = try? bus.apply(bad)
        #expect(journal.count == 4)
    }

    @Test func failedValidationRecordsNothing() throws {
        let (bus, journal, _) = Self.journaledBus()
        let page = try bus.createPage(size: 8)
        #expect(journal.count == 1)
        _ = try? bus.write(page: page, offset: 7, bytes: [1, 2])
        _ = try? bus.write(page: page, offset: 0, bytes: [])
        _ = try? bus.write(page: 9, offset: 0, bytes: [1])
        _ = try? bus.write(page: page, offset: 0, bytes: [1], source: .custom(""))
        _ = try? bus.update(page: page, to: [1])
        _ = try? bus.apply(try Delta(page: page, epoch: 0, offset: 8, bytes: [1]))
        _ = try? bus.createPage(size: 8, location: .gpu)
        _ = try? bus.createPage(id: 1, size: 8)
        #expect(journal.count == 1)
    }

    /// Record i describes the state after i changes: replaying the records on a fresh bus rebuilds it.
    @Test func recordsReplayToTheSameState() throws {
        let (bus, journal, clock) = Self.journaledBus(deviceMemory: .emulateInHostMemory)
        try Self.drive(bus, clock: clock)
        let replica = StateBus(configuration: .init(deviceMemory: .emulateInHostMemory))
        for record in journal.records {
            switch record {
            case .pageCreated(let id, let size, let location, let metadata):
                try replica.createPage(id: id, size: size, location: location, metadata: metadata)
            case .pageDeleted(let id):
                try replica.deletePage(id)
            case .metadataChanged(let id, let metadata):
                try replica.setMetadata(metadata, of: id)
            case .deltas(let deltas):
                try replica.apply(deltas)
            case .checkpoint:
                Issue.record("a bus without a store never journals checkpoint markers")
            case .graphChanged(let change):
                Issue.record("this script changes no edge, yet the journal holds \(change)")
            }
        }
        #expect(replica.pages().map { [$0.id.rawValue, UInt64($0.size), $0.epoch.rawValue] } == bus.pages().map { [$0.id.rawValue, UInt64($0.size), $0.epoch.rawValue] })
        #expect(replica.pages().map(\.metadata) == bus.pages().map(\.metadata))
        #expect(replica.pages().map(\.location) == bus.pages().map(\.location))
        for info in bus.pages() { #expect(try replica.read(page: info.id) == bus.read(page: info.id)) }
        #expect(replica.nextDeltaID == bus.nextDeltaID)
    }

    // MARK: (2) A journal that throws changes nothing

    /// Every kind of change, each as a closure that a failing journal must stop.
    static func changes() throws -> [(String, (StateBus) throws -> Void)] {
        var batch = WriteBatch()
        batch.write(page: 1, offset: 0, bytes: [1, 2])
        batch.write(page: 2, offset: 100, bytes: [3])
        batch.write(page: 1, offset: 1, bytes: [4])
        let deltas = [
            try Delta(page: 1, epoch: 5, offset: 0, bytes: [1]),
            try Delta(page: 2, epoch: 2, offset: 5_000, bytes: [2]),
            try Delta(page: 1, epoch: 6, offset: 3, bytes: [3]),
        ]
        return [
            ("createPage(size:)", { try $0.createPage(size: 100) }),
            ("createPage(size:) large", { try $0.createPage(size: 200_000) }),
            ("createPage(id:)", { try $0.createPage(id: 40, size: 10, metadata: ["m": [1]]) }),
            ("deletePage", { try $0.deletePage(2) }),
            ("write", { try $0.write(page: 1, offset: 0, bytes: [9, 9]) }),
            ("write raw", { bus in _ = try [UInt8(9)].withUnsafeBytes { try bus.write(page: 2, offset: 9_999, bytes: $0) } }),
            ("update", { try $0.update(page: 1, to: [UInt8](repeating: 0xCC, count: 64)) }),
            ("apply", { try $0.apply(try Delta(page: 1, epoch: 9, offset: 0, bytes: [1])) }),
            ("apply [Delta]", { try $0.apply(deltas) }),
            ("apply WriteBatch", { try $0.apply(batch) }),
            ("setMetadata", { try $0.setMetadata(["n": [2]], of: 1) }),
            ("setMetadata forKey", { try $0.setMetadata([3], forKey: "k", of: 2) }),
            ("setMetadata remove key", { try $0.setMetadata(nil, forKey: "a", of: 1) }),
        ]
    }

    @Test func failingJournalStopsEveryChange() throws {
        for (name, change) in try Self.changes() {
            let (bus, journal, clock) = Self.journaledBus()
            try bus.createPage(size: 64, metadata: ["a": [1]])
            try bus.createPage(size: 10_000)
            try bus.write(page: 1, offset: 0, bytes: [5, 5, 5])
            try bus.write(page: 2, offset: 4_000, bytes: [5])
            try bus.clearDirty(page: 1)
            clock.advance(by: 1)
            let before = try StateBusSnapshot(bus)
            let metadata = try bus.pages().map { try bus.metadata(of: $0.id) }
            let recorded = journal.count

            journal.fail(with: JournalFailure(number: 1))
            #expect(throws: JournalFailure(number: 1), "\(name)") { try change(bus) }
            #expect(try StateBusSnapshot(bus) == before, "\(name)")
            #expect(try bus.pages().map { try bus.metadata(of: $0.id) } == metadata, "\(name)")
            #expect(journal.count == recorded, "\(name)")
            // It keeps failing the same way, and still changes nothing.
            #expect(throws: JournalFailure(number: 1), "\(name)") { try change(bus) }
            #expect(try StateBusSnapshot(bus) == before, "\(name)")

            // Once the journal works, the same call succeeds with the ids the failed call did not consume.
            journal.fail(with: nil)
            try change(bus)
            #expect(journal.count == recorded + 1, "\(name)")
            let after = try StateBusSnapshot(bus)
            #expect(after != before, "\(name)")
        }
    }

    @Test func failedCreateDoesNotConsumeAnIDOrMemory() throws {
        let (bus, journal, _) = Self.journaledBus()
        journal.fail(with: JournalFailure(number: 2))
        for size in [1, 100, 5_000, 100_000] {
            #expect(throws: JournalFailure(number: 2)) { try bus.createPage(size: size) }
        }
        #expect(bus.pageCount == 0)
        #expect(bus.nextPageID == 1)
        #expect(bus.memoryStatistics.liveBuffers == 0)
        #expect(bus.memoryStatistics.bytesRequested == 0)
        #expect(bus.memoryStatistics.bytesReserved == 0)
        #expect(!bus.contains(page: 1))
        journal.fail(with: nil)
        #expect(try bus.createPage(size: 8) == 1)
        #expect(bus.pages().map(\.id) == [1])
    }

    @Test func failedBatchUndoesTentativeEpochs() throws {
        let (bus, journal, _) = Self.journaledBus()
        try bus.createPage(size: 16)
        try bus.createPage(size: 16)
        journal.fail(with: JournalFailure(number: 3))
        #expect(throws: JournalFailure(number: 3)) {
            try bus.apply([
                try Delta(page: 1, epoch: 3, offset: 0, bytes: [1]),
                try Delta(page: 1, epoch: 4, offset: 0, bytes: [1]),
                try Delta(page: 2, epoch: 8, offset: 0, bytes: [1]),
            ])
        }
        var batch = WriteBatch()
        for _ in 0..<3 { batch.write(page: 2, offset: 0, bytes: [1]) }
        #expect(throws: JournalFailure(number: 3)) { try bus.apply(batch) }
        #expect(bus.pages().map(\.epoch) == [0, 0])
        journal.fail(with: nil)
        // Epoch 0 is still current, so an epoch-0 delta fits.
        #expect(try bus.apply([try Delta(page: 1, epoch: 0, offset: 0, bytes: [1]), try Delta(page: 2, epoch: 0, offset: 0, bytes: [1])]).count == 2)
        #expect(try bus.apply(batch).deltas == DeltaID(3)...DeltaID(5))
        #expect(try bus.info(page: 2).epoch == 3)
    }

    // MARK: (3) Determinism

    /// A fixed sequence of calls touching every kind of change, with the clock moving between them.
    static func drive(_ bus: StateBus, clock: ManualWallClock) throws {
        var random = SplitMix64(seed: 99)
        for size in [16, 300, 5_000] {
            try bus.createPage(size: size, metadata: ["size": [UInt8(size % 256)]])
            clock.advance(by: 10)
        }
        try bus.createPage(id: 10, size: 64, location: .unified)
        for step in 0..<200 {
            clock.advance(by: UInt64(step % 7 + 1))
            let pages = bus.pages()
            let info = pages[random.int(0...(pages.count - 1))]
            switch random.int(0...6) {
            case 0:
                let length = random.int(1...min(20, info.size))
                try bus.write(page: info.id, offset: random.int(0...(info.size - length)), bytes: random.bytes(length), intent: "w\(step)")
            case 1:
                var bytes = try bus.read(page: info.id)
                for _ in 0..<random.int(0...3) { bytes[random.int(0...(bytes.count - 1))] = UInt8(random.int(0...255)) }
                try bus.update(page: info.id, to: bytes, source: .compute)
            case 2:
                try bus.apply(try Delta(page: info.id, epoch: Epoch(info.epoch.rawValue + 2), offset: 0, bytes: [UInt8(step % 256)]))
            case 3:
                var batch = WriteBatch(source: .propagation)
                for _ in 0..<random.int(0...4) {
                    let target = pages[random.int(0...(pages.count - 1))]
                    batch.write(page: target.id, offset: random.int(0...(target.size - 1)), bytes: [UInt8(step % 256)])
                }
                try bus.apply(batch)
            case 4:
                try bus.setMetadata(random.bytes(2), forKey: "k\(step % 3)", of: info.id)
            case 5:
                if pages.count > 2 {
                    try bus.deletePage(info.id)
                } else {
                    try bus.createPage(size: random.int(1...500))
                }
            default:
                try bus.createPage(size: random.int(1...500), metadata: step % 2 == 0 ? [:] : ["s": [UInt8(step % 256)]])
            }
        }
    }

    @Test func sameCallsGiveIdenticalRecordsAndState() throws {
        let (first, firstJournal, firstClock) = Self.journaledBus(deviceMemory: .emulateInHostMemory)
        let (second, secondJournal, secondClock) = Self.journaledBus(deviceMemory: .emulateInHostMemory)
        try Self.drive(first, clock: firstClock)
        try Self.drive(second, clock: secondClock)
        let a = firstJournal.records
        let b = secondJournal.records
        #expect(a.count == b.count)
        #expect(a.count > 150)
        for (index, (x, y)) in zip(a, b).enumerated() {
            #expect(Self.same(x, y), "record \(index) differs: \(x) vs \(y)")
        }
        #expect(first.pages() == second.pages())
        for info in first.pages() { #expect(try first.read(page: info.id) == second.read(page: info.id)) }
        #expect(first.nextDeltaID == second.nextDeltaID)
        #expect(first.nextPageID == second.nextPageID)
        #expect(first.memoryStatistics == second.memoryStatistics)
        // Delta ids in the records are exactly 1, 2, 3, … and timestamps never go back.
        let deltas = a.flatMap { Self.deltas($0) ?? [] }
        #expect(deltas.map(\.id.rawValue) == Array(1...UInt64(deltas.count)))
        #expect(deltas.map(\.timestamp) == deltas.map(\.timestamp).sorted())
        #expect(first.nextDeltaID.rawValue == UInt64(deltas.count) + 1)
    }

    /// The journaled write path and the plain one must agree on bytes, epochs, ids and dirty bits.
    @Test func journaledAndPlainBusesAgree() throws {
        let (journaled, _, journaledClock) = Self.journaledBus(deviceMemory: .emulateInHostMemory)
        let plainClock = ManualWallClock(nanoseconds: 1_000)
        let plain = StateBus(configuration: .init(deviceMemory: .emulateInHostMemory, clock: plainClock))
        try Self.drive(journaled, clock: journaledClock)
        try Self.drive(plain, clock: plainClock)
        #expect(try StateBusSnapshot(journaled) == StateBusSnapshot(plain))
        #expect(journaled.pages() == plain.pages())
        #expect(journaled.memoryStatistics.liveBuffers == plain.memoryStatistics.liveBuffers)
    }
}
