import MMSB
import Testing

@Suite struct StateBusBatchTests {
    /// Pages 1 (16 B), 2 (64 B) and 3 (300 B), each written once: epochs 1, delta ids 1…3, next delta 4.
    static func busWithPages() throws -> StateBus {
        let bus = StateBus()
        for (page, size) in [(PageID(1), 16), (2, 64), (3, 300)] {
            try bus.createPage(size: size)
            try bus.write(page: page, offset: 0, bytes: [UInt8](repeating: UInt8(page.rawValue), count: size))
        }
        return bus
    }

    // MARK: All or nothing, [Delta]

    enum DeltaFault: CaseIterable, CustomStringConvertible {
        case pageNotFound, outOfBounds, staleEpoch, invalidSource, denseMaskTooLong

        /// The invalid delta and the cause the batch must report. Valid deltas of the batch touch pages 1 and 3 only.
        func make() throws -> (Delta, DeltaError) {
            switch self {
            case .pageNotFound:
                return (try Delta(page: 99, epoch: 1, offset: 0, bytes: [1]), .pageNotFound(99))
            case .outOfBounds:
                return (try Delta(page: 2, epoch: 2, offset: 63, bytes: [1, 2]), .outOfBounds(page: 2, end: 65, pageSize: 64))
            case .staleEpoch:
                return (try Delta(page: 2, epoch: 0, offset: 0, bytes: [1]), .staleEpoch(page: 2, deltaEpoch: 0, pageEpoch: 1))
            case .invalidSource:
                return (try Delta(page: 2, epoch: 2, offset: 0, bytes: [1], source: .custom("")), .invalidSource(""))
            case .denseMaskTooLong:
                var mask = [Bool](repeating: false, count: 65)
                mask[1] = true
                return (try Delta.dense(page: 2, epoch: 2, mask: mask, payload: [UInt8](repeating: 3, count: 65)),
                        .outOfBounds(page: 2, end: 65, pageSize: 64))
            }
        }

        var description: String {
            switch self {
            case .pageNotFound: "pageNotFound"
            case .outOfBounds: "outOfBounds"
            case .staleEpoch: "staleEpoch"
            case .invalidSource: "invalidSource"
            case .denseMaskTooLong: "denseMaskTooLong"
            }
        }
    }

    /// Five valid deltas for pages 1 and 3 (rising epochs, overlapping writes).
    static func validDeltas() throws -> [Delta] {
        [
            try Delta(page: 1, epoch: 2, offset: 0, bytes: [0xA0, 0xA1]),
            try Delta(page: 3, epoch: 1, offset: 299, bytes: [0xB0]),
            try Delta(page: 1, epoch: 2, runs: [(offset: 1, bytes: [0xC0]), (offset: 15, bytes: [0xC1])]),
            try Delta(page: 3, epoch: 7, offset: 100, bytes: [UInt8](repeating: 0xD0, count: 100)),
            try Delta(page: 1, epoch: 9, offset: 4, bytes: [0xE0]),
        ]
    }

    @Test(arguments: DeltaFault.allCases, [0, 2, 4])
    func invalidDeltaRejectsTheWholeBatch(fault: DeltaFault, index: Int) throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        var deltas = try Self.validDeltas()
        let (bad, cause) = try fault.make()
        deltas[index] = bad
        #expect(throws: DeltaError.rejectedInBatch(index: index, cause: cause)) { try bus.apply(deltas) }
        #expect(try StateBusSnapshot(bus) == before)
        // The same batch without the fault goes through with the next ids.
        deltas.remove(at: index)
        let receipt = try bus.apply(deltas)
        #expect(receipt.deltas == DeltaID(4)...DeltaID(7))
        #expect(receipt.count == 4)
    }

    @Test func firstInvalidDeltaIsTheOneReported() throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        let valid = try Delta(page: 1, epoch: 2, offset: 0, bytes: [1])
        let missing = try Delta(page: 99, epoch: 1, offset: 0, bytes: [1])
        let tooFar = try Delta(page: 1, epoch: 3, offset: 16, bytes: [1])
        #expect(throws: DeltaError.rejectedInBatch(index: 1, cause: .pageNotFound(99))) { try bus.apply([valid, missing, tooFar]) }
        #expect(throws: DeltaError.rejectedInBatch(index: 1, cause: .outOfBounds(page: 1, end: 17, pageSize: 16))) {
            try bus.apply([valid, tooFar, missing])
        }
        #expect(try StateBusSnapshot(bus) == before)
    }

    /// "``DeltaError/rejectedInBatch(index:cause:)`` naming the first invalid delta" holds whatever the
    /// kinds of the invalid deltas: an invalid source later in the batch must not be reported first.
    @Test func invalidSourceLaterInTheBatchDoesNotHideAnEarlierFault() throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        let valid = try Delta(page: 1, epoch: 2, offset: 0, bytes: [1])
        let missing = try Delta(page: 99, epoch: 1, offset: 0, bytes: [1])
        let badSource = try Delta(page: 1, epoch: 3, offset: 0, bytes: [1], source: .custom(""))
        #expect(throws: DeltaError.rejectedInBatch(index: 1, cause: .pageNotFound(99))) { try bus.apply([valid, missing, badSource]) }
        #expect(try StateBusSnapshot(bus) == before)
    }

    // MARK: All or nothing, WriteBatch

    enum WriteFault: CaseIterable, CustomStringConvertible {
        case pageNotFound, empty, negativeOffset, pastEnd, longerThanPage

        /// Adds the invalid write to `batch` and returns the cause the batch must report.
        func add(to batch: inout WriteBatch) -> DeltaError {
            switch self {
            case .pageNotFound:
                batch.write(page: 99, offset: 0, bytes: [1])
                return .pageNotFound(99)
            case .empty:
                batch.write(page: 2, offset: 0, bytes: [])
                return .empty(2)
            case .negativeOffset:
                batch.write(page: 2, offset: -1, bytes: [1, 2])
                return .outOfBounds(page: 2, end: 1, pageSize: 64)
            case .pastEnd:
                batch.write(page: 2, offset: 60, bytes: [1, 2, 3, 4, 5])
                return .outOfBounds(page: 2, end: 65, pageSize: 64)
            case .longerThanPage:
                batch.write(page: 2, offset: 0, bytes: [UInt8](repeating: 1, count: 65))
                return .outOfBounds(page: 2, end: 65, pageSize: 64)
            }
        }

        var description: String {
            switch self {
            case .pageNotFound: "pageNotFound"
            case .empty: "empty"
            case .negativeOffset: "negativeOffset"
            case .pastEnd: "pastEnd"
            case .longerThanPage: "longerThanPage"
            }
        }
    }

    /// A batch of five writes to pages 1 and 3 with the fault at `index`.
    static func writeBatch(fault: WriteFault?, at index: Int) -> (WriteBatch, DeltaError?) {
        var batch = WriteBatch(source: .compute, intent: "test")
        var cause: DeltaError?
        for position in 0..<5 {
            if position == index, let fault {
                cause = fault.add(to: &batch)
            } else {
                let page: PageID = position % 2 == 0 ? 1 : 3
                batch.write(page: page, offset: position * 3, bytes: [UInt8(0xF0 + position), 0xEE])
            }
        }
        return (batch, cause)
    }

    @Test(arguments: WriteFault.allCases, [0, 2, 4])
    func invalidWriteRejectsTheWholeBatch(fault: WriteFault, index: Int) throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        let (batch, cause) = Self.writeBatch(fault: fault, at: index)
        let expected = try #require(cause)
        #expect(throws: DeltaError.rejectedInBatch(index: index, cause: expected)) { try bus.apply(batch) }
        #expect(try StateBusSnapshot(bus) == before)
        let (valid, _) = Self.writeBatch(fault: nil, at: index)
        #expect(try bus.apply(valid).deltas == DeltaID(4)...DeltaID(8))
    }

    @Test(arguments: [0, 2, 4], [Int.max, Int.max - 1, Int.min])
    func overflowingWriteRejectsTheWholeBatch(index: Int, offset: Int) throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        var batch = WriteBatch()
        for position in 0..<5 {
            batch.write(page: position == index ? 2 : 1, offset: position == index ? offset : position, bytes: [1, 2])
        }
        #expect {
            try bus.apply(batch)
        } throws: { error in
            guard case .rejectedInBatch(index: index, cause: .outOfBounds(page: 2, end: _, pageSize: 64)) = error as? DeltaError else {
                return false
            }
            return true
        }
        #expect(try StateBusSnapshot(bus) == before)
    }

    @Test(arguments: ["", String(repeating: "s", count: 256)])
    func invalidBatchSourceRejectsTheBatchAtIndexZero(label: String) throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        var (batch, _) = Self.writeBatch(fault: nil, at: 0)
        batch.source = .custom(label)
        #expect(throws: DeltaError.rejectedInBatch(index: 0, cause: .invalidSource(label))) { try bus.apply(batch) }
        #expect(try StateBusSnapshot(bus) == before)
        let deltas = try (0..<3).map { try Delta(page: 1, epoch: 2, offset: $0, bytes: [1], source: $0 == 2 ? .custom(label) : .user) }
        #expect(throws: DeltaError.rejectedInBatch(index: 2, cause: .invalidSource(label))) { try bus.apply(deltas) }
        #expect(try StateBusSnapshot(bus) == before)
    }

    @Test func firstInvalidWriteIsTheOneReported() throws {
        let bus = try Self.busWithPages()
        var batch = WriteBatch()
        batch.write(page: 1, offset: 0, bytes: [1])
        batch.write(page: 1, offset: 0, bytes: [])
        batch.write(page: 42, offset: 0, bytes: [1])
        #expect(throws: DeltaError.rejectedInBatch(index: 1, cause: .empty(1))) { try bus.apply(batch) }
        #expect(bus.nextDeltaID == 4)
    }

    // MARK: One page several times

    @Test func samePageSeveralTimesWithRisingOrEqualEpochs() throws {
        let bus = try Self.busWithPages()
        let deltas = [
            try Delta(page: 2, epoch: 5, offset: 0, bytes: [1, 1, 1, 1]),
            try Delta(page: 2, epoch: 5, offset: 2, bytes: [2, 2, 2, 2]),
            try Delta(page: 2, epoch: 7, offset: 3, bytes: [3]),
        ]
        let receipt = try bus.apply(deltas)
        #expect(receipt.deltas == DeltaID(4)...DeltaID(6))
        #expect(receipt.count == 3)
        #expect(try bus.info(page: 2).epoch == 7)
        #expect(try bus.read(page: 2).prefix(7) == [1, 1, 2, 3, 2, 2, 2])
        #expect(bus.nextDeltaID == 7)
    }

    @Test func samePageWithFallingEpochIsRejected() throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        #expect(throws: DeltaError.rejectedInBatch(index: 1, cause: .staleEpoch(page: 2, deltaEpoch: 4, pageEpoch: 5))) {
            try bus.apply([try Delta(page: 2, epoch: 5, offset: 0, bytes: [9]), try Delta(page: 2, epoch: 4, offset: 1, bytes: [9])])
        }
        #expect(try StateBusSnapshot(bus) == before)
        #expect(throws: DeltaError.rejectedInBatch(index: 2, cause: .staleEpoch(page: 1, deltaEpoch: 4, pageEpoch: 5))) {
            try bus.apply([
                try Delta(page: 1, epoch: 5, offset: 0, bytes: [9]),
                try Delta(page: 2, epoch: 3, offset: 0, bytes: [9]),
                try Delta(page: 1, epoch: 4, offset: 0, bytes: [9]),
            ])
        }
        #expect(try StateBusSnapshot(bus) == before)
    }

    @Test func tentativeEpochsAreUndoneWhenALaterDeltaFails() throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        #expect(throws: DeltaError.rejectedInBatch(index: 3, cause: .pageNotFound(8))) {
            try bus.apply([
                try Delta(page: 2, epoch: 5, offset: 0, bytes: [9]),
                try Delta(page: 2, epoch: 6, offset: 0, bytes: [9]),
                try Delta(page: 3, epoch: 2, offset: 0, bytes: [9]),
                try Delta(page: 8, epoch: 1, offset: 0, bytes: [9]),
            ])
        }
        #expect(try StateBusSnapshot(bus) == before)
        #expect(bus.pages().map(\.epoch) == [1, 1, 1])
        // The undone epochs really are the old ones: an epoch-1 delta is still accepted.
        #expect(try bus.apply(try Delta(page: 2, epoch: 1, offset: 0, bytes: [1])).epoch == 1)
    }

    @Test func writeBatchOnOnePageRaisesItsEpochOncePerWrite() throws {
        let bus = try Self.busWithPages()
        var batch = WriteBatch()
        batch.write(page: 2, offset: 0, bytes: [1, 1, 1, 1])
        batch.write(page: 3, offset: 0, bytes: [5])
        batch.write(page: 2, offset: 2, bytes: [2, 2, 2, 2])
        batch.write(page: 2, offset: 3, bytes: [3])
        let receipt = try bus.apply(batch)
        #expect(receipt.deltas == DeltaID(4)...DeltaID(7))
        #expect(receipt.count == 4)
        #expect(try bus.info(page: 2).epoch == 4)
        #expect(try bus.info(page: 3).epoch == 2)
        #expect(try bus.info(page: 1).epoch == 1)
        #expect(try bus.read(page: 2).prefix(7) == [1, 1, 2, 3, 2, 2, 2])
        #expect(try bus.read(page: 3).prefix(2) == [5, 3])
    }

    // MARK: Receipts

    @Test func receiptsAreConsecutiveIDRanges() throws {
        let bus = try Self.busWithPages()
        let first = try bus.apply([try Delta(page: 1, epoch: 2, offset: 0, bytes: [1]), try Delta(page: 3, epoch: 2, offset: 0, bytes: [1])])
        #expect(first.deltas == DeltaID(4)...DeltaID(5))
        #expect(first.count == 2)
        var batch = WriteBatch()
        for offset in 0..<10 { batch.write(page: 3, offset: offset, bytes: [UInt8(offset)]) }
        let second = try bus.apply(batch)
        #expect(second.deltas == DeltaID(6)...DeltaID(15))
        #expect(second.count == 10)
        let single = try bus.apply([try Delta(page: 2, epoch: 2, offset: 0, bytes: [1])])
        #expect(single.deltas == DeltaID(16)...DeltaID(16))
        #expect(single.count == 1)
        #expect(try bus.write(page: 1, offset: 0, bytes: [2]).delta == 17)
        #expect(bus.nextDeltaID == 18)
    }

    @Test func emptyBatchesApplyNothing() throws {
        let bus = try Self.busWithPages()
        let before = try StateBusSnapshot(bus)
        let none = try bus.apply([Delta]())
        #expect(none.deltas == nil)
        #expect(none.count == 0)
        let empty = try bus.apply(WriteBatch())
        #expect(empty.deltas == nil)
        #expect(empty.count == 0)
        #expect(none == empty)
        // An empty batch has no write to reject, whatever its source.
        #expect(try bus.apply(WriteBatch(source: .custom(""))).count == 0)
        #expect(try StateBusSnapshot(bus) == before)
    }

    // MARK: WriteBatch as a value

    @Test func writeBatchCountsAndReuse() throws {
        let bus = try Self.busWithPages()
        var batch = WriteBatch(source: .merge, intent: "reuse", capacity: 4, payloadCapacity: 64)
        #expect(batch.isEmpty)
        #expect(batch.count == 0)
        #expect(batch.byteCount == 0)
        #expect(batch.source == .merge)
        #expect(batch.intent == "reuse")
        batch.write(page: 1, offset: 0, bytes: [1, 2, 3])
        [UInt8](repeating: 4, count: 5).withUnsafeBytes { batch.write(page: 2, offset: 10, bytes: $0) }
        #expect(!batch.isEmpty)
        #expect(batch.count == 2)
        #expect(batch.byteCount == 8)
        #expect(try bus.apply(batch).deltas == DeltaID(4)...DeltaID(5))

        batch.removeAll()
        #expect(batch.isEmpty)
        #expect(batch.count == 0)
        #expect(batch.byteCount == 0)
        #expect(try bus.apply(batch).deltas == nil)
        batch.write(page: 3, offset: 7, bytes: [9])
        #expect(try bus.apply(batch).deltas == DeltaID(6)...DeltaID(6))
        // The writes from before removeAll were not applied again.
        #expect(try bus.info(page: 1).epoch == 2)
        #expect(try bus.info(page: 2).epoch == 2)
        #expect(try bus.info(page: 3).epoch == 2)
        #expect(try bus.read(page: 1).prefix(4) == [1, 2, 3, 1])
        #expect(try bus.read(page: 2)[9...15] == [2, 4, 4, 4, 4, 4, 2])

        batch.removeAll(keepingCapacity: false)
        #expect(batch.isEmpty)
        batch.write(page: 1, offset: 15, bytes: [8])
        try bus.apply(batch)
        #expect(try bus.read(page: 1).last == 8)
    }

    @Test func writeBatchCopiesTheCallersBytes() throws {
        let bus = try Self.busWithPages()
        var batch = WriteBatch()
        var source: [UInt8] = [1, 2, 3]
        source.withUnsafeBytes { batch.write(page: 1, offset: 0, bytes: $0) }
        source[0] = 99
        source.withUnsafeMutableBytes { $0[1] = 98 }
        try bus.apply(batch)
        #expect(try bus.read(page: 1).prefix(3) == [1, 2, 3])
    }

    @Test func applyingTheSameBatchTwiceWritesTwice() throws {
        let bus = try Self.busWithPages()
        var batch = WriteBatch()
        batch.write(page: 2, offset: 0, bytes: [7])
        try bus.apply(batch)
        try bus.apply(batch)
        #expect(try bus.info(page: 2).epoch == 3)
        let deltas = [try Delta(page: 2, epoch: 10, offset: 1, bytes: [8])]
        try bus.apply(deltas)
        #expect(try bus.apply(deltas).deltas == DeltaID(7)...DeltaID(7))
        #expect(try bus.info(page: 2).epoch == 10)
    }

    // MARK: Random batches against a model

    /// The same writes on plain arrays.
    struct Model {
        var pages: [PageID: [UInt8]] = [:]
        var epochs: [PageID: UInt64] = [:]
        var nextDeltaID: UInt64 = 1

        func check(against bus: StateBus, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let listed = bus.pages()
            #expect(listed.map(\.id) == pages.keys.sorted(), "\(context)", sourceLocation: sourceLocation)
            for info in listed {
                #expect(try bus.read(page: info.id) == pages[info.id], "\(context): bytes of page \(info.id)", sourceLocation: sourceLocation)
                #expect(info.epoch.rawValue == epochs[info.id], "\(context): epoch of page \(info.id)", sourceLocation: sourceLocation)
            }
            #expect(bus.nextDeltaID.rawValue == nextDeltaID, "\(context): next delta id", sourceLocation: sourceLocation)
        }
    }

    /// Random disjoint runs inside a page of `size` bytes.
    static func randomRuns(size: Int, using random: inout SplitMix64) -> [(offset: Int, bytes: [UInt8])] {
        var runs: [(offset: Int, bytes: [UInt8])] = []
        var cursor = random.int(0...(size - 1))
        for _ in 0..<random.int(1...3) {
            guard cursor < size else { break }
            let length = random.int(1...min(24, size - cursor))
            runs.append((cursor, random.bytes(length)))
            cursor += length + random.int(1...40)
        }
        return runs
    }

    @Test(arguments: [1, 2, 3, 0x5EED_CAFE_D00D_F001] as [UInt64])
    func randomBatchesMatchAModel(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let bus = StateBus()
        var model = Model()
        for _ in 0..<6 {
            let size = random.int(1...300)
            let id = try bus.createPage(size: size)
            model.pages[id] = [UInt8](repeating: 0, count: size)
            model.epochs[id] = 0
        }
        var rejected = 0
        for round in 0..<400 {
            let ids = model.pages.keys.sorted()
            let useDeltas = random.chance(50)
            let count = random.int(0...8)
            let faultIndex: Int? = count > 0 && random.chance(35) ? random.int(0...(count - 1)) : nil
            var epochs = model.epochs  // tentative, as the batch sees them
            var expectedCause: DeltaError?
            var deltas: [Delta] = []
            var batch = WriteBatch(source: random.chance(10) ? .custom("batch") : .user)
            var after = model

            for index in 0..<count {
                let page = ids[random.int(0...(ids.count - 1))]
                let size = model.pages[page]!.count
                if index == faultIndex {
                    // One invalid entry; everything before it is valid.
                    let kind = random.int(0...3)
                    if kind == 0 {
                        let missing = PageID(1_000 + UInt64(random.int(0...9)))
                        expectedCause = .pageNotFound(missing)
                        if useDeltas {
                            deltas.append(try Delta(page: missing, epoch: 1, offset: 0, bytes: [1]))
                        } else {
                            batch.write(page: missing, offset: 0, bytes: [1])
                        }
                    } else if kind == 1 || (kind == 2 && useDeltas && epochs[page]! == 0) {
                        let offset = random.int(0...(size + 5))
                        let length = max(1, size - offset + random.int(1...4))
                        expectedCause = .outOfBounds(page: page, end: offset + length, pageSize: size)
                        if useDeltas {
                            deltas.append(try Delta(page: page, epoch: Epoch(epochs[page]! + 1), offset: offset, bytes: random.bytes(length)))
                        } else {
                            batch.write(page: page, offset: offset, bytes: random.bytes(length))
                        }
                    } else if kind == 2 && useDeltas {
                        let current = epochs[page]!
                        let stale = UInt64(random.int(0...Int(current - 1)))
                        expectedCause = .staleEpoch(page: page, deltaEpoch: Epoch(stale), pageEpoch: Epoch(current))
                        deltas.append(try Delta(page: page, epoch: Epoch(stale), offset: 0, bytes: [1]))
                    } else if kind == 2 {
                        expectedCause = .empty(page)
                        batch.write(page: page, offset: random.int(0...(size - 1)), bytes: [])
                    } else if useDeltas {
                        expectedCause = .invalidSource("")
                        deltas.append(try Delta(page: page, epoch: Epoch(epochs[page]!), offset: 0, bytes: [1], source: .custom("")))
                    } else {
                        let offset = -random.int(1...10)
                        let length = random.int(1...4)
                        expectedCause = .outOfBounds(page: page, end: offset + length, pageSize: size)
                        batch.write(page: page, offset: offset, bytes: random.bytes(length))
                    }
                    continue
                }
                if useDeltas {
                    let epoch = epochs[page]! + UInt64(random.int(0...2))
                    let delta = try Delta(page: page, epoch: Epoch(epoch), runs: Self.randomRuns(size: size, using: &random))
                    deltas.append(delta)
                    epochs[page] = epoch
                    try delta.apply(to: &after.pages[page]!)
                    after.epochs[page] = epoch
                } else {
                    let length = random.int(1...min(32, size))
                    let offset = random.int(0...(size - length))
                    let bytes = random.bytes(length)
                    batch.write(page: page, offset: offset, bytes: bytes)
                    after.pages[page]!.replaceSubrange(offset..<(offset + length), with: bytes)
                    after.epochs[page]! += 1
                }
            }
            after.nextDeltaID += UInt64(count)

            let context = "seed \(seed) round \(round) (\(useDeltas ? "deltas" : "write batch") of \(count))"
            if let faultIndex, let expectedCause {
                rejected += 1
                #expect(throws: DeltaError.rejectedInBatch(index: faultIndex, cause: expectedCause), "\(context)") {
                    if useDeltas { try bus.apply(deltas) } else { try bus.apply(batch) }
                }
            } else {
                let receipt = useDeltas ? try bus.apply(deltas) : try bus.apply(batch)
                let first = DeltaID(model.nextDeltaID)
                #expect(receipt.deltas == (count == 0 ? nil : first...DeltaID(model.nextDeltaID + UInt64(count) - 1)), "\(context)")
                #expect(receipt.count == count, "\(context)")
                model = after
            }
            try model.check(against: bus, context)
        }
        #expect(rejected > 50)
    }
}
