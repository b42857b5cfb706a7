import Foundation
@testable import MMSB
import Testing

@Suite struct GraphPersistenceTests {
    typealias F = PropagationFixture

    /// Pages 1…6 (16 bytes): 1 → 2 (data, weight 2.5), 2 → 3 (data), 1 → 3 (control), 3 → 4 (gpuSync),
    /// 4 → 5 (compiler), 2 → 5 (data, weight bits 7), then 1 → 6 added and removed; rules on 2 and 3.
    static func build(_ bus: StateBus) throws {
        for _ in 0..<6 { try bus.createPage(size: 16) }
        try bus.addEdge(from: 1, to: 2)
        try bus.setWeight(EdgeWeight(2.5), from: 1, to: 2)
        try bus.addEdge(from: 2, to: 3)
        try bus.addEdge(from: 1, to: 3, type: .control)
        try bus.addEdge(from: 3, to: 4, type: .gpuSync)
        try bus.addEdge(from: 4, to: 5, type: .compiler)
        try bus.addEdge(from: 2, to: 5)
        try bus.setWeight(EdgeWeight(bits: 7), from: 2, to: 5)
        try bus.addEdge(from: 1, to: 6)
        try bus.addEdge(from: 1, to: 6, type: .control)
        try bus.removeEdge(from: 1, to: 6)
        try bus.setRules()
        try bus.write(page: 1, offset: 0, bytes: Array("propagate-me".utf8))
        try bus.write(page: 1, offset: 4, bytes: [0xFF])
    }

    static func expectedEdges() -> [DependencyGraph.Edge] {
        [
            .init(from: 1, to: 2, type: .data), .init(from: 1, to: 3, type: .control), .init(from: 2, to: 3, type: .data),
            .init(from: 2, to: 5, type: .data), .init(from: 3, to: 4, type: .gpuSync), .init(from: 4, to: 5, type: .compiler),
        ]
    }

    @Test(arguments: [false, true])
    func theGraphSurvivesReopenAndCheckpoint(checkpointOnClose: Bool) throws {
        let directory = TemporaryDirectory()
        let options = F.storeOptions(checkpointOnClose: checkpointOnClose)
        let live: DependencyGraph
        let liveState: [PageID: ([UInt8], Epoch)]
        do {
            let bus = try StateBus.open(at: directory.path, options: options)
            try Self.build(bus)
            live = bus.dependencyGraph
            liveState = try F.state(bus)
            #expect(live.edges() == Self.expectedEdges())
            #expect(live.weights() == [.init(from: 1, to: 2, weight: EdgeWeight(2.5)), .init(from: 2, to: 5, weight: EdgeWeight(bits: 7))])
            try bus.close()
        }
        // Reopened (replaying the log, or loading the checkpoint's graph section).
        let reopened = try StateBus.open(at: directory.path, options: options)
        #expect(reopened.recoveryReport?.recordsReplayed == (checkpointOnClose ? 0 : 19))
        #expect(reopened.dependencyGraph == live)
        #expect(reopened.dependencyGraph.topologicalOrder() == live.topologicalOrder())
        #expect(F.sameState(try F.state(reopened), liveState))
        // A checkpoint now, then reopen: the graph section carries it.
        #expect(try reopened.checkpoint() != nil)
        try reopened.close()
        let third = try StateBus.open(at: directory.path, options: options)
        #expect(third.recoveryReport?.recordsReplayed == 0)
        #expect(third.dependencyGraph == live)
        #expect(third.dependencyGraph.weight(from: 1, to: 2) == EdgeWeight(2.5))
        #expect(F.sameState(try F.state(third), liveState))
        // Rules registered again recompute at the next wave.
        try third.setRules()
        try third.write(page: 1, offset: 0, bytes: Array("again".utf8))
        #expect(try third.read(page: 2) == Self.expectedPage2(try third.read(page: 1)))
        #expect(try third.read(page: 3) == Self.expectedPage3(try third.read(page: 2)))
        try third.close()
    }

    static func expectedPage2(_ page1: [UInt8]) -> [UInt8] { page1.map { $0 ^ 0x20 } }
    static func expectedPage3(_ page2: [UInt8]) -> [UInt8] { page2.reversed() }

    @Test func edgeChangesAfterACheckpointReplayOnTopOfTheGraphSection() throws {
        let directory = TemporaryDirectory()
        let options = F.storeOptions()
        let live: DependencyGraph
        do {
            let bus = try StateBus.open(at: directory.path, options: options)
            try Self.build(bus)
            _ = try bus.checkpoint()
            try bus.removeEdge(from: 2, to: 5, type: .data)
            try bus.addEdge(from: 5, to: 6, type: .control)
            try bus.setWeight(EdgeWeight(-1.0), from: 1, to: 2)
            try bus.write(page: 1, offset: 15, bytes: [1])
            live = bus.dependencyGraph
            try bus.close()
        }
        let reopened = try StateBus.open(at: directory.path, options: options)
        #expect(reopened.recoveryReport?.recordsReplayed == 4)
        #expect(reopened.dependencyGraph == live)
        #expect(reopened.dependencyGraph.weights() == [.init(from: 1, to: 2, weight: EdgeWeight(-1.0))])
        try reopened.close()
    }

    /// Replay reproduces derived pages from the logged propagation deltas, without running any rule.
    @Test func replayEqualsLiveWithoutRules() throws {
        let directory = TemporaryDirectory()
        let options = F.storeOptions()
        let liveState: [PageID: ([UInt8], Epoch)]
        do {
            let bus = try StateBus.open(at: directory.path, options: options)
            try Self.build(bus)
            var random = SplitMix64(seed: 4)
            for _ in 0..<40 {
                var batch = WriteBatch()
                for _ in 0..<random.int(1...3) { batch.write(page: PageID(UInt64(random.int(1...6))), offset: random.int(0...15), bytes: [UInt8(random.int(0...255))]) }
                try bus.apply(batch)
            }
            liveState = try F.state(bus)
            try bus.close()
        }
        let reopened = try StateBus.open(at: directory.path, options: options)
        #expect(reopened.pagesWithRules == [])
        #expect(F.sameState(try F.state(reopened), liveState))
        #expect(try reopened.marks(of: 3) == [], "replay computes no marks")
        try reopened.close()
        // Every propagation delta lies in the record of the call that caused it, after the caller's deltas.
        var propagationDeltas = 0
        for record in try F.records(directory.path) {
            guard let deltas = F.deltas(record) else { continue }
            let sources = deltas.map(\.source)
            guard let first = sources.firstIndex(of: .propagation) else { continue }
            #expect(first > 0, "a record starts with a propagation delta: \(record)")
            #expect(sources[first...].allSatisfy { $0 == .propagation })
            #expect(Set(deltas[first...].map(\.page)).isSubset(of: [2, 3]))
            propagationDeltas += deltas.count - first
        }
        #expect(propagationDeltas > 10)
    }

    // MARK: Golden bytes

    private static let header = SegmentHeader(store: StoreID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210), baseLSN: 1_000, firstDeltaID: 500, baseTimestamp: 1_700_000_000_000_000_000)

    /// The inner bytes (type, LSN delta, timestamp delta, body) of a record framed at LSN 1,003, 1 µs after the base.
    private static func inner(_ body: LogRecord.Body) throws -> [UInt8] {
        var scratch = ByteWriter()
        var out = ByteWriter()
        try RecordFrame.encode(
            body, lsn: 1_003, timestamp: header.baseTimestamp + 1_000, header: header, previousTimestamp: header.baseTimestamp,
            salt: header.salt, scratch: &scratch, into: &out)
        let bytes = out.bytes
        // crc (4), length (1 byte here), then the inner bytes.
        #expect(Int(bytes[4]) == bytes.count - 5)
        let crc = CRC32C.mask(CRC32C.checksum(Array(bytes[4...]), extending: header.salt))
        #expect(Array(bytes[0..<4]) == [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)])
        return Array(bytes[5...])
    }

    @Test func edgeRecordGoldenBytes() throws {
        let prefix: (UInt8) -> [UInt8] = { [$0, 0x03, 0xD0, 0x0F] }  // type, LSN delta 3, zig-zag(1,000) = 2,000
        #expect(try Self.inner(.graphChanged(.edgeAdded(from: 3, to: 300, type: .gpuSync))) == prefix(0x10) + [0x03, 0xAC, 0x02, 0x02])
        #expect(try Self.inner(.graphChanged(.edgeAdded(from: 128, to: 1, type: .data))) == prefix(0x10) + [0x80, 0x01, 0x01, 0x00])
        #expect(try Self.inner(.graphChanged(.edgeRemoved(from: 3, to: 300, type: .compiler))) == prefix(0x11) + [0x03, 0xAC, 0x02, 0x03])
        #expect(try Self.inner(.graphChanged(.edgeRemoved(from: 3, to: 300, type: nil))) == prefix(0x11) + [0x03, 0xAC, 0x02, 0xFF])
        // 2.5 = 0x4004_0000_0000_0000, little-endian.
        #expect(try Self.inner(.graphChanged(.weightSet(from: 1, to: 2, weight: EdgeWeight(2.5))))
            == prefix(0x12) + [0x01, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x40])
        #expect(try Self.inner(.graphChanged(.weightSet(from: 1, to: 2, weight: nil))) == prefix(0x12) + [0x01, 0x02, 0x00])
    }

    // MARK: Determinism

    /// The same calls on two fresh stores (same id, same manual clock readings) give byte-identical logs
    /// and checkpoints.
    @Test func sameCallsGiveByteIdenticalLogs() throws {
        let first = TemporaryDirectory()
        let second = TemporaryDirectory()
        for path in [first.path, second.path] {
            let clock = ManualWallClock(nanoseconds: 1_700_000_000_000_000_000)
            let bus = try StateBus.open(at: path, options: F.storeOptions(clock: clock))
            try Self.build(bus)
            var random = SplitMix64(seed: 99)
            for _ in 0..<30 {
                clock.advance(by: UInt64(random.int(1...1_000_000)))
                switch random.int(0...3) {
                case 0: try bus.write(page: PageID(UInt64(random.int(1...6))), offset: random.int(0...15), bytes: [UInt8(random.int(0...255))])
                case 1: try bus.setWeight(EdgeWeight(Double(random.int(0...9))), from: 1, to: 2)
                case 2: try bus.update(page: 1, to: random.bytes(16))
                default: try bus.recomputeAll()
                }
            }
            _ = try bus.checkpoint()
            try bus.write(page: 1, offset: 0, bytes: [1, 2, 3])
            try bus.close()
        }
        let names = try FileManager.default.subpathsOfDirectory(atPath: first.path).sorted()
        #expect(try FileManager.default.subpathsOfDirectory(atPath: second.path).sorted() == names)
        #expect(names.contains { $0.hasSuffix(".seg") })
        for name in names {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: first.path + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            #expect(try StoreFixture.read(first.path + "/" + name) == StoreFixture.read(second.path + "/" + name), "\(name) differs")
        }
    }

    // MARK: A crash in the middle of a wave

    /// The tutorial chain on a store; the last call is a batch whose wave rewrites derived and monitor.
    /// Cutting the log anywhere inside that last record reopens the state before the call; never half of it.
    @Test func aTornWaveRecordRecoversTheStateBeforeTheCall() throws {
        let directory = TemporaryDirectory()
        let options = F.storeOptions()
        let before: [PageID: ([UInt8], Epoch)]
        let after: [PageID: ([UInt8], Epoch)]
        do {
            let bus = try StateBus.open(at: directory.path, options: options)
            let source = try bus.createPage(size: 32)
            let derived = try bus.createPage(size: 32)
            let monitor = try bus.createPage(size: 32)
            let side = try bus.createPage(size: 32)
            try bus.addEdge(from: source, to: derived)
            try bus.addEdge(from: derived, to: monitor)
            try bus.setRule(.passthrough(), for: derived)
            try bus.setRule(F.monitorRule, for: monitor)
            try bus.update(page: source, to: F.text("alpha-page-epoch1"))
            try bus.update(page: source, to: F.text("beta-page-epoch2"))
            before = try F.state(bus)
            var batch = WriteBatch()
            batch.write(page: side, offset: 0, bytes: Array("side".utf8))
            batch.write(page: source, offset: 0, bytes: Array("gamma-page-epoch3".utf8))
            #expect(try bus.apply(batch).propagated == 2)
            after = try F.state(bus)
            try bus.sync()  // and dropped, as by a kill: a cut last record is then a torn tail
        }
        let segments = try StoreFixture.segments(directory.path)
        #expect(segments.count == 1)
        let segment = try StoreFixture.read(segments[0])
        let ends = StoreFixture.recordEnds(segment)
        #expect(ends.last == segment.count)
        let start = ends[ends.count - 2]
        let records = try F.records(directory.path)
        let last = try #require(records.last.flatMap(F.deltas))
        #expect(last.map(\.source) == [.user, .user, .propagation, .propagation])
        #expect(last.map(\.page) == [4, 1, 2, 3])

        let root = TemporaryDirectory()
        for length in start...segment.count {
            let path = root.path + "/cut-\(length)"
            try FileManager.default.createDirectory(atPath: path + "/log", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try StoreFixture.write(try StoreFixture.read(directory.path + "/MANIFEST"), to: path + "/MANIFEST")
            try StoreFixture.write(Array(segment[0..<length]), to: path + "/log/" + URL(fileURLWithPath: segments[0]).lastPathComponent)
            let bus = try StateBus.open(at: path, options: options)
            let state = try F.state(bus)
            let expected = length == segment.count ? after : before
            #expect(F.sameState(state, expected), "cut at \(length) of \(segment.count)")
            // Whatever the cut, the derived pages agree with their source.
            #expect(state[2]!.0 == state[1]!.0, "cut at \(length)")
            #expect(F.string(state[3]!.0) == "derived=" + F.string(state[2]!.0), "cut at \(length)")
            try bus.close()
        }
    }
}

extension StateBus {
    /// The rules of ``GraphPersistenceTests/build(_:)``: page 2 = page 1 with bit 5 flipped, page 3 = page 2 reversed.
    fileprivate func setRules() throws {
        try setRule(.passthrough { bytes in GraphPersistenceTests.expectedPage2(bytes) }, for: 2)
        try setRule(.passthrough { bytes in GraphPersistenceTests.expectedPage3(bytes) }, for: 3)
    }
}
