import MMSB
import Testing

@Suite struct BusEventTests {
    typealias F = PropagationFixture

    /// A(1) → B(2) → C(3) data with passthrough rules; A → D(4) control, A → E(5) gpuSync, A → F(6) compiler.
    static func chain(_ bus: StateBus) throws {
        for _ in 0..<6 { try bus.createPage(size: 4) }
        try bus.addEdge(from: 1, to: 2)
        try bus.addEdge(from: 2, to: 3)
        try bus.addEdge(from: 1, to: 4, type: .control)
        try bus.addEdge(from: 1, to: 5, type: .gpuSync)
        try bus.addEdge(from: 1, to: 6, type: .compiler)
        try bus.setRule(.passthrough(), for: 2)
        try bus.setRule(.passthrough(), for: 3)
    }

    @Test func aPropagatingWriteReportsTheCallersDeltaThenTheWaveInOrder() throws {
        let bus = StateBus()
        let events = PropagationRecorder<BusEvent>()
        let subscription = bus.subscribe { events.append($0) }
        defer { subscription.cancel() }
        try Self.chain(bus)
        #expect(events.all.map(\.kind) == (1...6).map { .pageCreated(PageID(UInt64($0))) })
        events.removeAll()

        let receipt = try bus.write(page: 1, offset: 0, bytes: [1, 2, 3, 4])
        #expect(receipt.delta == 1 && receipt.propagated == 2)
        let expected: [BusEvent.Kind] = [
            .deltaApplied(1, page: 1, epoch: 1, source: .user), .pageChanged(1, epoch: 1),
            .deltaApplied(2, page: 2, epoch: 1, source: .propagation), .pageChanged(2, epoch: 1),
            .deltaApplied(3, page: 3, epoch: 1, source: .propagation), .pageChanged(3, epoch: 1),
            .pageStale(4), .deviceSyncNeeded(5), .pageInvalidated(6),
        ]
        let seen = events.all
        #expect(seen.map(\.kind) == expected)
        #expect(seen.map(\.sequence) == (7...15).map { UInt64($0) }, "sequence numbers go on from the page-created events")

        // The marks are queryable.
        #expect(try bus.marks(of: 4) == .stale)
        #expect(try bus.marks(of: 5) == .needsDeviceSync)
        #expect(try bus.marks(of: 6) == .artefactsInvalid)
        #expect(try bus.marks(of: 2) == [])
        #expect(bus.pages(marked: .stale) == [4])
        #expect(bus.pages(marked: [.needsDeviceSync, .artefactsInvalid]) == [5, 6])
        try bus.clearMarks(.stale, of: 4)
        #expect(try bus.marks(of: 4) == [])
        #expect(bus.pages(marked: .stale) == [])

        // A batch: the caller's deltas in order, then the wave.
        events.removeAll()
        var batch = WriteBatch()
        batch.write(page: 4, offset: 0, bytes: [9])
        batch.write(page: 1, offset: 3, bytes: [7])
        try bus.apply(batch)
        #expect(events.all.map(\.kind) == [
            .deltaApplied(4, page: 4, epoch: 1, source: .user), .pageChanged(4, epoch: 1),
            .deltaApplied(5, page: 1, epoch: 2, source: .user), .pageChanged(1, epoch: 2),
            .deltaApplied(6, page: 2, epoch: 2, source: .propagation), .pageChanged(2, epoch: 2),
            .deltaApplied(7, page: 3, epoch: 2, source: .propagation), .pageChanged(3, epoch: 2),
            .pageStale(4), .deviceSyncNeeded(5), .pageInvalidated(6),
        ])
        #expect(events.all.map(\.sequence) == (16...26).map { UInt64($0) })

        // A write without dependants reports its delta alone.
        events.removeAll()
        try bus.write(page: 3, offset: 0, bytes: [0])
        #expect(events.all.map(\.kind) == [.deltaApplied(8, page: 3, epoch: 3, source: .user), .pageChanged(3, epoch: 3)])

        // Deletions: the page, then the children it leaves stale.
        events.removeAll()
        try bus.deletePage(6)
        try bus.deletePage(1)
        #expect(events.all.map(\.kind) == [.pageDeleted(6), .pageDeleted(1), .pageStale(2), .pageStale(4), .pageStale(5)])
        #expect(try bus.marks(of: 2) == .stale)
        #expect(bus.pages(marked: .stale) == [2, 4, 5])
    }

    @Test func filtersDeliverOnlyWhatWasAskedFor() throws {
        let bus = StateBus()
        let stale = PropagationRecorder<BusEvent>()
        let changes = PropagationRecorder<BusEvent>()
        let a = bus.subscribe(to: .pageStale) { stale.append($0) }
        let b = bus.subscribe(to: [.pageChanged, .pageCreated]) { changes.append($0) }
        defer {
            a.cancel()
            b.cancel()
        }
        try Self.chain(bus)
        try bus.write(page: 1, offset: 0, bytes: [1])
        #expect(stale.all.map(\.kind) == [.pageStale(4)])
        #expect(changes.all.map(\.kind) == (1...6).map { .pageCreated(PageID(UInt64($0))) } + [.pageChanged(1, epoch: 1), .pageChanged(2, epoch: 1), .pageChanged(3, epoch: 1)])
        let sequences = (stale.all + changes.all).map(\.sequence).sorted()
        #expect(Set(sequences).count == sequences.count)
        #expect(changes.all.map(\.sequence) == changes.all.map(\.sequence).sorted())
        // After cancel, nothing more arrives.
        a.cancel()
        try bus.write(page: 1, offset: 0, bytes: [2])
        #expect(stale.all.count == 1)
        #expect(changes.all.count == 12)
    }

    @Test func aThrowingHandlerIsCountedAndNeverBreaksTheBus() throws {
        struct HandlerFailure: Error {}
        let bus = StateBus()
        let before = PropagationRecorder<BusEvent>()
        let after = PropagationRecorder<BusEvent>()
        let first = bus.subscribe(to: .pageChanged) { before.append($0) }
        let failing = bus.subscribe(to: .pageChanged) { _ in throw HandlerFailure() }
        let last = bus.subscribe(to: .pageChanged) { after.append($0) }
        defer {
            first.cancel()
            failing.cancel()
            last.cancel()
        }
        try Self.chain(bus)
        #expect(bus.eventHandlerFailures.count == 0)
        try bus.write(page: 1, offset: 0, bytes: [1])
        try bus.write(page: 1, offset: 0, bytes: [2])
        #expect(bus.eventHandlerFailures.count == 6)
        #expect(bus.eventHandlerFailures.last?.contains("page-changed 3") == true)
        #expect(before.all.count == 6)
        #expect(after.all.map(\.kind) == before.all.map(\.kind))
        #expect(try bus.read(page: 3) == [2, 0, 0, 0])
        failing.cancel()
        try bus.write(page: 1, offset: 0, bytes: [3])
        #expect(bus.eventHandlerFailures.count == 6)
        #expect(after.all.count == 9)
    }

    @Test func aHandlerMayWriteToTheBus() throws {
        let bus = StateBus()
        try Self.chain(bus)
        // Pages 7 → 8 (passthrough): the handler copies every change of page 3 into page 7.
        let mirror = try bus.createPage(size: 4)
        let mirrorChild = try bus.createPage(size: 4)
        try bus.addEdge(from: mirror, to: mirrorChild)
        try bus.setRule(.passthrough(), for: mirrorChild)
        let events = PropagationRecorder<BusEvent>()
        let failures = PropagationRecorder<String>()
        let subscription = bus.subscribe(to: .pageChanged) { event in
            events.append(event)
            guard case .pageChanged(3, _) = event.kind else { return }
            do {
                try bus.update(page: mirror, to: try bus.read(page: 3))
            } catch {
                failures.append("\(error)")
            }
        }
        defer { subscription.cancel() }
        for value: UInt8 in 1...3 {
            try bus.write(page: 1, offset: 1, bytes: [value])
            #expect(try bus.read(page: mirrorChild) == [0, value, 0, 0])
        }
        #expect(failures.all == [])
        #expect(events.all.map(\.kind) == (1...3).flatMap { epoch -> [BusEvent.Kind] in
            let epoch = Epoch(UInt64(epoch))
            return [.pageChanged(1, epoch: epoch), .pageChanged(2, epoch: epoch), .pageChanged(3, epoch: epoch), .pageChanged(mirror, epoch: epoch), .pageChanged(mirrorChild, epoch: epoch)]
        })
        #expect(events.all.map(\.sequence) == events.all.map(\.sequence).sorted())
    }

    @Test func eventsArriveAsAnAsyncSequence() async throws {
        let bus = StateBus()
        try Self.chain(bus)
        let stream = bus.events([.pageChanged, .pageStale])
        for value: UInt8 in 1...3 { try bus.write(page: 1, offset: 0, bytes: [value]) }
        try bus.deletePage(1)
        var received: [BusEvent] = []
        for await event in stream {
            received.append(event)
            if received.count == 15 { break }
        }
        let perWrite: (UInt64) -> [BusEvent.Kind] = { epoch in
            [.pageChanged(1, epoch: Epoch(epoch)), .pageChanged(2, epoch: Epoch(epoch)), .pageChanged(3, epoch: Epoch(epoch)), .pageStale(4)]
        }
        #expect(received.map(\.kind) == (1...3).flatMap(perWrite) + [.pageStale(2), .pageStale(4), .pageStale(5)])
        #expect(received.map(\.sequence) == (1...15).map { UInt64($0) })
    }

    @Test func deferredPropagationReportsTheWaveAtPropagate() throws {
        let bus = StateBus(configuration: .init(propagation: .deferred))
        try Self.chain(bus)
        let events = PropagationRecorder<BusEvent>()
        let subscription = bus.subscribe(to: [.deltaApplied, .pageStale, .deviceSyncNeeded, .pageInvalidated]) { events.append($0) }
        defer { subscription.cancel() }
        try bus.write(page: 1, offset: 0, bytes: [5])
        #expect(events.all.map(\.kind) == [.deltaApplied(1, page: 1, epoch: 1, source: .user)])
        #expect(try bus.marks(of: 4) == [])
        #expect(try bus.propagate() == 2)
        #expect(events.all.map(\.kind) == [
            .deltaApplied(1, page: 1, epoch: 1, source: .user),
            .deltaApplied(2, page: 2, epoch: 1, source: .propagation), .deltaApplied(3, page: 3, epoch: 1, source: .propagation),
            .pageStale(4), .deviceSyncNeeded(5), .pageInvalidated(6),
        ])
        #expect(try bus.marks(of: 4) == .stale)
    }
}

/// `events()` sequences end: at `close()` (after every earlier change's events), on a bus released
/// without closing, and at once on a bus already closed.
@Suite struct EventStreamEndTests {
    @Test func eventsEndWhenAStoreCloses() async throws {
        let directory = TemporaryDirectory()
        let bus = try StateBus.open(at: directory.path)
        let page = try bus.createPage(size: 8)
        let stream = bus.events(.pageChanged)
        for value: UInt8 in 1...3 { try bus.write(page: page, offset: 0, bytes: [value]) }
        try bus.close()
        var epochs: [Epoch] = []
        for await event in stream {
            guard case .pageChanged(_, let epoch) = event.kind else { continue }
            epochs.append(epoch)
        }
        // The loop ended by itself, after the three changes made before close().
        #expect(epochs == [1, 2, 3])
    }

    @Test func eventsEndWhenAnInMemoryBusCloses() async throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 4)
        let stream = bus.events()
        try bus.write(page: page, offset: 0, bytes: [9])
        try bus.close()
        var kinds: [BusEvent.Kind] = []
        for await event in stream { kinds.append(event.kind) }
        #expect(kinds.contains(.pageChanged(page, epoch: 1)))
    }

    @Test func eventsOfAClosedBusAreEmpty() async throws {
        let bus = StateBus()
        try bus.close()
        var count = 0
        for await _ in bus.events() { count += 1 }
        #expect(count == 0)
    }

    @Test func eventsEndWhenTheBusIsReleased() async throws {
        var bus: StateBus? = StateBus()
        let page = try #require(try bus?.createPage(size: 4))
        let stream = try #require(bus?.events(.pageChanged))
        try bus?.write(page: page, offset: 0, bytes: [1])
        bus = nil
        var count = 0
        for await _ in stream { count += 1 }
        #expect(count == 1)
    }

    @Test func subscribersAreDroppedAtClose() throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 4)
        let seen = PropagationRecorder<BusEvent>()
        let subscription = bus.subscribe(to: .pageChanged) { seen.append($0) }
        defer { subscription.cancel() }
        try bus.write(page: page, offset: 0, bytes: [1])
        try bus.close()
        #expect(throws: LogError.closed) { try bus.write(page: page, offset: 0, bytes: [2]) }
        #expect(seen.all.count == 1)
        #expect(try bus.read(page: page) == [1, 0, 0, 0])
    }
}
