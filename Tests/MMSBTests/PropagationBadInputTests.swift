@testable import MMSB
import Testing

/// A rule that fails in each way the bus must survive.
enum BrokenRule: String, CaseIterable, Sendable, CustomStringConvertible {
    case wrongLength, throwing, passthroughWithTwoParents, transformWrongLength

    var description: String { rawValue }

    struct Failure: Error, CustomStringConvertible {
        var description: String { "the sensor is unplugged" }
    }

    var rule: RecomputeRule {
        switch self {
        case .wrongLength: .function { _ in [1, 2, 3] }
        case .throwing: .function { _ in throw Failure() }
        case .passthroughWithTwoParents: .passthrough()
        case .transformWrongLength: .passthrough { $0 + [0] }
        }
    }

    /// Whether `error` is the error this rule must cause on `page` (8 bytes).
    func matches(_ error: any Error, page: PageID) -> Bool {
        guard let error = error as? RuleError, error.page == page else { return false }
        switch (self, error) {
        case (.wrongLength, .wrongLength(_, 8, 3)), (.transformWrongLength, .wrongLength(_, 8, 9)): return true
        case (.throwing, .failed(_, let reason)): return reason.contains("the sensor is unplugged")
        case (.passthroughWithTwoParents, .missingInput): return true
        default: return false
        }
    }
}

/// The ways a caller writes.
enum WritePath: String, CaseIterable, Sendable, CustomStringConvertible {
    case write, update, applyDelta, applyDeltas, applyBatch

    var description: String { rawValue }

    func run(_ bus: StateBus, page: PageID, other: PageID) throws {
        switch self {
        case .write:
            try bus.write(page: page, offset: 2, bytes: [0xAB, 0xCD])
        case .update:
            try bus.update(page: page, to: [9, 9, 9, 9, 9, 9, 9, 9])
        case .applyDelta:
            try bus.apply(try Delta(page: page, epoch: try bus.info(page: page).epoch.next, offset: 0, bytes: [7]))
        case .applyDeltas:
            try bus.apply([
                try Delta(page: other, epoch: try bus.info(page: other).epoch.next, offset: 0, bytes: [5]),
                try Delta(page: page, epoch: try bus.info(page: page).epoch.next, offset: 1, bytes: [6]),
            ])
        case .applyBatch:
            var batch = WriteBatch()
            batch.write(page: other, offset: 0, bytes: [5])
            batch.write(page: page, offset: 3, bytes: [4, 4])
            try bus.apply(batch)
        }
    }
}

@Suite struct PropagationBadInputTests {
    typealias F = PropagationFixture

    /// parent (8) → child (8) with the broken rule; a second data parent for the passthrough case; an
    /// unrelated page; a grandchild to show the wave stops whole.
    struct Setup {
        let bus: StateBus
        let parent: PageID, second: PageID, child: PageID, grandchild: PageID, other: PageID

        init(_ bus: StateBus, rule: BrokenRule) throws {
            self.bus = bus
            parent = try bus.createPage(size: 8)
            second = try bus.createPage(size: 8)
            child = try bus.createPage(size: 8)
            grandchild = try bus.createPage(size: 8)
            other = try bus.createPage(size: 8)
            try bus.write(page: parent, offset: 0, bytes: [1, 1, 1, 1, 1, 1, 1, 1])
            try bus.write(page: other, offset: 0, bytes: [2, 2])
            // The grandchild hangs off the parent too, earlier in the wave than the failing child's own children.
            try bus.addEdge(from: parent, to: grandchild)
            try bus.setRule(.passthrough(), for: grandchild)
            try bus.addEdge(from: parent, to: child)
            if rule == .passthroughWithTwoParents { try bus.addEdge(from: second, to: child) }
            try bus.addEdge(from: child, to: grandchild, type: .control)
            try bus.setRule(rule.rule, for: child)
        }
    }

    @Test(arguments: BrokenRule.allCases, WritePath.allCases)
    func aFailingRuleAbandonsTheWriteThatStartedTheWave(rule: BrokenRule, path: WritePath) throws {
        let directory = TemporaryDirectory()
        let bus = try StateBus.open(at: directory.path, options: F.storeOptions())
        let setup = try Setup(bus, rule: rule)
        let events = PropagationRecorder<BusEvent>()
        let subscription = bus.subscribe { events.append($0) }
        defer { subscription.cancel() }
        let before = try StateBusSnapshot(bus)
        let lsn = bus.nextLSN
        let graph = bus.dependencyGraph
        let marks = try bus.pages().map { try bus.marks(of: $0.id) }
        do {
            try path.run(bus, page: setup.parent, other: setup.other)
            Issue.record("\(path) with \(rule) succeeded")
        } catch {
            #expect(rule.matches(error, page: setup.child), "\(path) with \(rule) threw \(error)")
        }
        #expect(try StateBusSnapshot(bus) == before, "\(path) with \(rule)")
        #expect(bus.nextLSN == lsn)
        #expect(bus.dependencyGraph == graph)
        #expect(try bus.pages().map { try bus.marks(of: $0.id) } == marks)
        #expect(events.all == [], "a failed call delivered events")
        #expect(bus.pendingPropagation == [])

        // The bus keeps working: a write elsewhere, and the same write once the rule is fixed.
        try bus.write(page: setup.other, offset: 4, bytes: [3])
        try bus.setRule(.function { inputs in inputs.all.reduce(into: [UInt8](repeating: 0, count: 8)) { out, input in
            for index in 0..<8 { out[index] ^= input.bytes[index] }
        } }, for: setup.child)
        try path.run(bus, page: setup.parent, other: setup.other)
        let parentBytes = try bus.read(page: setup.parent)
        #expect(try bus.read(page: setup.child) == parentBytes, "\(path) with \(rule)")
        #expect(try bus.read(page: setup.grandchild) == parentBytes)
        // The log holds nothing of the failed call: a reopened store equals the live one.
        let live = try StateBusSnapshot(bus)
        try bus.close()
        let reopened = try StateBus.open(at: directory.path, options: F.storeOptions())
        let replayed = try StateBusSnapshot(reopened)
        #expect(replayed.bytes == live.bytes && replayed.pages.map(\.epoch) == live.pages.map(\.epoch) && replayed.nextDeltaID == live.nextDeltaID)
        try reopened.close()
    }

    @Test(arguments: BrokenRule.allCases)
    func aFailingRuleAbandonsAGraphChange(rule: BrokenRule) throws {
        let bus = StateBus()
        let setup = try Setup(bus, rule: .wrongLength)
        bus.removeRule(for: setup.child)
        try bus.write(page: setup.parent, offset: 0, bytes: [3])
        if rule == .passthroughWithTwoParents { try bus.addEdge(from: setup.second, to: setup.child) }
        try bus.setRule(rule.rule, for: setup.child)
        let before = try StateBusSnapshot(bus)
        let graph = bus.dependencyGraph
        // A new data edge into the child rewires its inputs: the recompute fails, the edge is not added.
        let newParent = try bus.createPage(size: 8)
        let afterCreate = try StateBusSnapshot(bus)
        #expect(throws: RuleError.self) { try bus.addEdge(from: newParent, to: setup.child) }
        #expect(bus.dependencyGraph == graph)
        #expect(try StateBusSnapshot(bus) == afterCreate)
        // Setting a weight and removing a data edge fail the same way; a control edge is added.
        try bus.addEdge(from: setup.second, to: setup.child, type: .control)
        let withControl = bus.dependencyGraph
        #expect(throws: RuleError.self) { try bus.setWeight(EdgeWeight(bits: 1), from: setup.parent, to: setup.child) }
        #expect(bus.dependencyGraph == withControl)
        #expect(bus.dependencyGraph.weight(from: setup.parent, to: setup.child) == nil)
        if rule != .passthroughWithTwoParents {
            // The child is left without data parents: its rule runs on none and fails.
            #expect(throws: RuleError.self) { try bus.removeEdge(from: setup.parent, to: setup.child, type: .data) }
            #expect(throws: RuleError.self) { try bus.removeEdge(from: setup.parent, to: setup.child) }
            #expect(bus.dependencyGraph == withControl)
        }
        #expect(try StateBusSnapshot(bus).bytes == afterCreate.bytes)
        #expect(before.bytes == Array(afterCreate.bytes.dropLast()))
        // A control edge does not rewire inputs: it is added.
        try bus.addEdge(from: newParent, to: setup.child, type: .compiler)
    }

    @Test(arguments: BrokenRule.allCases)
    func aFailingRuleInDeferredModeKeepsTheQueue(rule: BrokenRule) throws {
        let bus = StateBus(configuration: .init(propagation: .deferred))
        let setup = try Setup(bus, rule: rule)
        #expect(bus.pendingPropagation == [], "the setup wrote before it wired")
        try bus.write(page: setup.parent, offset: 0, bytes: [42])
        let before = try StateBusSnapshot(bus)
        let pending = bus.pendingPropagation
        #expect(pending.contains(setup.parent))
        #expect(throws: RuleError.self) { try bus.propagate() }
        #expect(try StateBusSnapshot(bus) == before)
        #expect(bus.pendingPropagation == pending)
        #expect(throws: RuleError.self) { try bus.recompute([setup.child]) }
        #expect(bus.pendingPropagation == pending)
        #expect(try StateBusSnapshot(bus) == before)
        // Fixed, the queued wave goes through.
        try bus.setRule(.function { inputs in inputs[inputs.count - 1].array }, for: setup.child)
        if rule == .passthroughWithTwoParents { try bus.removeEdge(from: setup.second, to: setup.child) }
        #expect(try bus.propagate() >= 2)
        #expect(try bus.read(page: setup.child)[0] == 42)
        #expect(try bus.read(page: setup.grandchild)[0] == 42)
        #expect(bus.pendingPropagation == [])
    }

    /// A wave that fails must leave dirty chunks as they were, like every other failed call.
    @Test(arguments: [false, true])
    func aFailedWaveLeavesDirtyRangesAsTheyWere(onStore: Bool) throws {
        let directory = TemporaryDirectory()
        let bus = onStore ? try StateBus.open(at: directory.path, options: F.storeOptions()) : StateBus()
        let parent = try bus.createPage(size: 256)
        let child = try bus.createPage(size: 256)
        try bus.addEdge(from: parent, to: child)
        try bus.setRule(.function { _ in throw BrokenRule.Failure() }, for: child)
        #expect(throws: RuleError.self) { try bus.write(page: parent, offset: 200, bytes: [1]) }
        #expect(try bus.read(page: parent) == [UInt8](repeating: 0, count: 256))
        #expect(try bus.info(page: parent).epoch == 0)
        #expect(try bus.dirtyRanges(of: parent) == [])
        if onStore { try bus.close() }
    }

    @Test func unknownPagesInEdgesAreRefused() throws {
        let directory = TemporaryDirectory()
        let bus = try StateBus.open(at: directory.path, options: F.storeOptions())
        let page = try bus.createPage(size: 8)
        let other = try bus.createPage(size: 8)
        try bus.addEdge(from: page, to: other)
        try bus.deletePage(other)
        let lsn = bus.nextLSN
        let before = try StateBusSnapshot(bus)
        #expect(throws: GraphError.unknownPage(99)) { try bus.addEdge(from: page, to: 99) }
        #expect(throws: GraphError.unknownPage(99)) { try bus.addEdge(from: 99, to: page, type: .control) }
        #expect(throws: GraphError.unknownPage(other)) { try bus.addEdge(from: other, to: page) }
        #expect(throws: GraphError.unknownPage(99)) { try bus.removeEdge(from: page, to: 99) }
        #expect(throws: GraphError.unknownPage(99)) { try bus.setWeight(EdgeWeight(1.0), from: 99, to: page) }
        #expect(throws: PageError.notFound(99)) { try bus.marks(of: 99) }
        #expect(throws: PageError.notFound(99)) { try bus.recompute([99]) }
        #expect(bus.nextLSN == lsn)
        #expect(try StateBusSnapshot(bus) == before)
        #expect(bus.dependencyGraph.edgeCount == 0, "deleting a page removes its edges")
        // The bus keeps working.
        let third = try bus.createPage(size: 8)
        try bus.addEdge(from: page, to: third)
        try bus.setRule(.passthrough(), for: third)
        try bus.write(page: page, offset: 0, bytes: [8])
        #expect(try bus.read(page: third)[0] == 8)
        try bus.close()
    }

    @Test func deletingAParentMarksItsChildrenStale() throws {
        let bus = StateBus()
        let parent = try bus.createPage(size: 8)
        let child = try bus.createPage(size: 8)
        try bus.addEdge(from: parent, to: child)
        try bus.setRule(.passthrough(), for: child)
        try bus.write(page: parent, offset: 0, bytes: [1])
        try bus.deletePage(parent)
        #expect(try bus.marks(of: child) == .stale)
        #expect(bus.dependencyGraph.edgeCount == 0)
        #expect(bus.rule(for: child) != nil)
        #expect(try bus.read(page: child)[0] == 1)
    }

    // MARK: Unknown edge types in a log

    private static let header = SegmentHeader(store: StoreID(high: 1, low: 2), baseLSN: 10, firstDeltaID: 1, baseTimestamp: 1_000)

    /// A framed record of `type` with `body`, and what decoding it gives.
    private static func decode(type: RecordType, body: [UInt8]) throws -> RecordFrame.Outcome {
        var scratch = ByteWriter()
        var out = ByteWriter()
        out.append(header.encoded())
        try RecordFrame.encode(
            type, lsn: 10, timestamp: 1_005, header: header, previousTimestamp: header.baseTimestamp, salt: header.salt,
            scratch: &scratch, into: &out) { $0.append(body) }
        var nextDeltaID: UInt64 = 1
        return out.bytes.withUnsafeBytes { bytes in
            RecordFrame.decode(
                bytes, at: SegmentHeader.size, header: header, salt: header.salt, expectedLSN: 10, previousTimestamp: header.baseTimestamp,
                nextDeltaID: &nextDeltaID)
        }
    }

    private static func invalidReason(_ outcome: RecordFrame.Outcome) -> String? {
        if case .invalid(_, let reason) = outcome { return reason }
        return nil
    }

    private static func body(_ outcome: RecordFrame.Outcome) -> LogRecord.Body? {
        if case .record(let record, _) = outcome { return record.body }
        return nil
    }

    @Test func edgeRecordsDecodeKnownTypesAndRefuseUnknownOnes() throws {
        // Known: page 3 → page 300, each type.
        for type in EdgeType.allCases {
            #expect(try Self.body(Self.decode(type: .edgeAdded, body: [0x03, 0xAC, 0x02, type.rawValue]))
                == .graphChanged(.edgeAdded(from: 3, to: 300, type: type)))
            #expect(try Self.body(Self.decode(type: .edgeRemoved, body: [0x03, 0xAC, 0x02, type.rawValue]))
                == .graphChanged(.edgeRemoved(from: 3, to: 300, type: type)))
        }
        #expect(try Self.body(Self.decode(type: .edgeRemoved, body: [0x03, 0xAC, 0x02, 0xFF])) == .graphChanged(.edgeRemoved(from: 3, to: 300, type: nil)))
        // Unknown edge types.
        for tag: UInt8 in [4, 7, 0x80, 0xFE, 0xFF] {
            let added = try Self.invalidReason(Self.decode(type: .edgeAdded, body: [0x03, 0xAC, 0x02, tag]))
            #expect(added == "unknown edge type \(tag)")
            if tag != 0xFF {
                #expect(try Self.invalidReason(Self.decode(type: .edgeRemoved, body: [0x03, 0xAC, 0x02, tag])) == "unknown edge type \(tag)")
            }
        }
        // Other damage: a self-loop, page 0, a bad weight flag, a missing or extra byte.
        #expect(try Self.invalidReason(Self.decode(type: .edgeAdded, body: [0x03, 0x03, 0x00])) != nil)
        #expect(try Self.invalidReason(Self.decode(type: .edgeAdded, body: [0x00, 0x03, 0x00])) != nil)
        #expect(try Self.invalidReason(Self.decode(type: .edgeWeightSet, body: [0x01, 0x02, 0x02])) != nil)
        #expect(try Self.invalidReason(Self.decode(type: .edgeWeightSet, body: [0x01, 0x02, 0x01, 0, 0, 0])) != nil)
        #expect(try Self.invalidReason(Self.decode(type: .edgeAdded, body: [0x01, 0x02])) != nil)
        #expect(try Self.invalidReason(Self.decode(type: .edgeAdded, body: [0x01, 0x02, 0x00, 0x00])) != nil)
        #expect(try Self.body(Self.decode(type: .edgeWeightSet, body: [0x01, 0x02, 0x00])) == .graphChanged(.weightSet(from: 1, to: 2, weight: nil)))
    }

    /// A store whose last record adds an edge of an unknown type: the record is damage (a torn tail when
    /// last), never an edge of some other type.
    @Test func aStoreWithAnUnknownEdgeTypeInItsLogDoesNotLoadTheEdge() throws {
        let directory = TemporaryDirectory()
        let options = F.storeOptions()
        do {
            let bus = try StateBus.open(at: directory.path, options: options)
            try bus.createPage(size: 8)
            try bus.createPage(size: 8)
            try bus.addEdge(from: 1, to: 2, type: .gpuSync)
            try bus.sync()  // and dropped, as by a kill: a damaged last record is then a torn tail
        }
        let segments = try StoreFixture.segments(directory.path)
        var segment = try StoreFixture.read(segments[0])
        let ends = StoreFixture.recordEnds(segment)
        #expect(ends.count == 3 && ends.last == segment.count)
        // Patch the edge type byte (the record's last) to 9 and fix the record's CRC.
        let start = ends[1]
        segment[segment.count - 1] = 9
        let salt = try segment.withUnsafeBytes { bytes in try SegmentHeader.decode(bytes, file: "segment", store: nil).salt }
        let crc = CRC32C.mask(CRC32C.checksum(Array(segment[(start + 4)...]), extending: salt))
        for index in 0..<4 { segment[start + index] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(index))) }
        try StoreFixture.write(segment, to: segments[0])
        let reopened = try StateBus.open(at: directory.path, options: options)
        #expect(reopened.dependencyGraph.edgeCount == 0)
        let torn = try #require(reopened.recoveryReport?.tornTail)
        #expect(torn.reason.contains("unknown edge type 9"), "\(torn)")
        #expect(reopened.pageCount == 2)
        try reopened.close()
    }
}
