import MMSB
import Testing

/// Many tasks on one bus. Run under ThreadSanitizer with `--sanitize=thread --filter Concurrency`.
@Suite struct StateBusConcurrencyTests {
    static let writers = 6
    static let readers = 2
    static let operationsPerTask = 20_000
    static let pageSize = 256

    typealias Receipt = (delta: DeltaID, page: PageID, epoch: Epoch)

    /// What one reader saw that it should not have.
    struct ReaderFindings: Sendable {
        var tornPages = 0
        var epochsGoingBack = 0
        var wrongPageLists = 0
        var reads = 0
    }

    /// Writers own one page each and fill all of it with one byte value per operation, using every
    /// write path in turn; readers check they never see a half-written page or an epoch going back.
    @Test func writersOnDistinctPagesWithConcurrentReaders() async throws {
        let bus = StateBus()
        let pages = try (0..<Self.writers).map { _ in try bus.createPage(size: Self.pageSize) }
        let size = Self.pageSize
        let operations = Self.operationsPerTask

        let (receipts, findings) = try await withThrowingTaskGroup(of: ([Receipt], ReaderFindings?).self) { group in
            for page in pages {
                group.addTask {
                    var receipts: [Receipt] = []
                    receipts.reserveCapacity(operations * 2)
                    var epoch: UInt64 = 0
                    for step in 1...operations {
                        let value = UInt8(truncatingIfNeeded: step)
                        let full = [UInt8](repeating: value, count: size)
                        switch step % 4 {
                        case 0:
                            let receipt = try bus.write(page: page, offset: 0, bytes: full)
                            receipts.append((receipt.delta, receipt.page, receipt.epoch))
                        case 1:
                            let receipt = try #require(try bus.update(page: page, to: full))
                            receipts.append((receipt.delta, receipt.page, receipt.epoch))
                        case 2:
                            let receipt = try bus.apply(try Delta(page: page, epoch: Epoch(epoch + 1), offset: 0, bytes: full))
                            receipts.append((receipt.delta, receipt.page, receipt.epoch))
                        default:
                            // A whole-page write, then the page again in two halves in one batch:
                            // readers must see both halves or neither.
                            let whole = try full.withUnsafeBytes { try bus.write(page: page, offset: 0, bytes: $0) }
                            #expect(whole.epoch == Epoch(epoch + 1))
                            receipts.append((whole.delta, whole.page, whole.epoch))
                            var batch = WriteBatch()
                            batch.write(page: page, offset: 0, bytes: Array(full[..<(size / 2)]))
                            batch.write(page: page, offset: size / 2, bytes: Array(full[(size / 2)...]))
                            let range = try #require(try bus.apply(batch).deltas)
                            #expect(range.upperBound.rawValue == range.lowerBound.rawValue + 1)
                            // Only this task writes the page, so its epoch is known exactly.
                            let after = try bus.info(page: page).epoch
                            receipts.append((range.lowerBound, page, after))
                            receipts.append((range.upperBound, page, after))
                            epoch += 2
                        }
                        epoch += 1
                        #expect(receipts.last?.epoch == Epoch(epoch))
                        #expect(receipts.last?.page == page)
                    }
                    return (receipts, nil)
                }
            }
            for _ in 0..<Self.readers {
                group.addTask {
                    var findings = ReaderFindings()
                    var lastEpochs = [PageID: Epoch]()
                    for step in 0..<(operations / 4) {
                        let page = pages[step % pages.count]
                        let uniform = try bus.withUnsafeBytes(of: page) { bytes in bytes.allSatisfy { $0 == bytes[0] } }
                        if !uniform { findings.tornPages += 1 }
                        let copy = try bus.read(page: page)
                        if copy.count != size || !copy.allSatisfy({ $0 == copy[0] }) { findings.tornPages += 1 }
                        let listed = bus.pages()
                        if listed.map(\.id) != pages { findings.wrongPageLists += 1 }
                        for info in listed {
                            if let last = lastEpochs[info.id], info.epoch < last { findings.epochsGoingBack += 1 }
                            lastEpochs[info.id] = info.epoch
                        }
                        findings.reads += 1
                    }
                    return ([], findings)
                }
            }
            var receipts: [Receipt] = []
            var findings: [ReaderFindings] = []
            for try await (taskReceipts, taskFindings) in group {
                receipts += taskReceipts
                if let taskFindings { findings.append(taskFindings) }
            }
            return (receipts, findings)
        }

        #expect(findings.count == Self.readers)
        for finding in findings {
            #expect(finding.tornPages == 0)
            #expect(finding.epochsGoingBack == 0)
            #expect(finding.wrongPageLists == 0)
            #expect(finding.reads == operations / 4)
        }
        // Delta ids are exactly 1…N: no gap, no duplicate.
        let ids = receipts.map(\.delta.rawValue).sorted()
        let total = UInt64(ids.count)
        #expect(ids == Array(1...total))
        #expect(bus.nextDeltaID.rawValue == total + 1)
        // Every fourth step is a write plus a two-write batch; the others are one delta each.
        let perWriter = operations + 2 * (operations / 4)
        #expect(ids.count == Self.writers * perWriter)
        let finalValue = UInt8(truncatingIfNeeded: operations)
        for page in pages {
            #expect(try bus.read(page: page) == [UInt8](repeating: finalValue, count: size))
        }
        // Each page's epoch is the number of writes to it.
        #expect(bus.pages().map(\.epoch.rawValue) == [UInt64](repeating: UInt64(perWriter), count: Self.writers))
    }

    /// Many tasks writing the same page: every write is one delta and one epoch step.
    @Test func writersOnOnePageCountEveryWrite() async throws {
        let bus = StateBus()
        let page = try bus.createPage(size: 64)
        let tasks = 8
        let operations = Self.operationsPerTask
        let ids = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var ids: [UInt64] = []
                    ids.reserveCapacity(operations)
                    for step in 0..<operations {
                        let receipt = try bus.write(page: page, offset: task * 8, bytes: [UInt8(task), UInt8(truncatingIfNeeded: step)])
                        ids.append(receipt.delta.rawValue)
                    }
                    return ids
                }
            }
            var all: [UInt64] = []
            for try await ids in group { all += ids }
            return all
        }
        let total = UInt64(tasks * operations)
        #expect(ids.sorted() == Array(1...total))
        #expect(try bus.info(page: page).epoch.rawValue == total)
        let bytes = try bus.read(page: page)
        for task in 0..<tasks {
            #expect(bytes[task * 8] == UInt8(task))
            #expect(bytes[task * 8 + 1] == UInt8(truncatingIfNeeded: operations - 1))
        }
    }

    /// Like the original's thread_safe_test.jl: concurrent creation hands out exactly 1…n.
    @Test func concurrentCreatesGiveIDsOneToN() async throws {
        let bus = StateBus()
        let tasks = 8
        let perTask = 5_000
        let ids = try await withThrowingTaskGroup(of: [PageID].self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var ids: [PageID] = []
                    for step in 0..<perTask { ids.append(try bus.createPage(size: 1 + (task * 31 + step) % 200)) }
                    return ids
                }
            }
            var all: [PageID] = []
            for try await ids in group {
                #expect(ids == ids.sorted())  // each task sees its ids rise
                all += ids
            }
            return all
        }
        let n = UInt64(tasks * perTask)
        #expect(ids.map(\.rawValue).sorted() == Array(1...n))
        #expect(bus.pageCount == Int(n))
        #expect(bus.nextPageID?.rawValue == n + 1)
        #expect(bus.pages().map(\.id.rawValue) == Array(1...n))
        #expect(bus.memoryStatistics.liveBuffers == Int(n))
        #expect(bus.memoryStatistics.bytesRequested == bus.pages().reduce(0) { $0 + $1.size })
    }

    /// Creates and deletes from many tasks; the accounting must come out exact.
    @Test func concurrentCreateAndDeleteKeepMemoryStatisticsExact() async throws {
        let bus = StateBus()
        let tasks = 8
        let operations = Self.operationsPerTask
        let survivors = try await withThrowingTaskGroup(of: [(PageID, Int)].self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var random = SplitMix64(seed: UInt64(task) + 1)
                    var live: [(PageID, Int)] = []
                    for _ in 0..<operations {
                        if live.count < 8 || (live.count < 64 && random.chance(55)) {
                            let size = [random.int(1...200), random.int(1...5_000), random.int(4_097...70_000)][random.int(0...2)]
                            let id = try bus.createPage(size: size)
                            try bus.write(page: id, offset: size - 1, bytes: [UInt8(task)])
                            live.append((id, size))
                        } else {
                            let index = random.int(0...(live.count - 1))
                            let (id, size) = live.remove(at: index)
                            let bytes = try bus.read(page: id)
                            #expect(bytes.count == size)
                            #expect(bytes.last == UInt8(task))
                            try bus.deletePage(id)
                        }
                        _ = bus.memoryStatistics
                        _ = bus.pageCount
                    }
                    return live
                }
            }
            var all: [(PageID, Int)] = []
            for try await live in group { all += live }
            return all
        }
        let memory = bus.memoryStatistics
        #expect(memory.liveBuffers == survivors.count)
        #expect(memory.bytesRequested == survivors.reduce(0) { $0 + $1.1 })
        #expect(bus.pageCount == survivors.count)
        #expect(bus.pages().map(\.id) == survivors.map(\.0).sorted())
        #expect(bus.pages().map(\.size) == survivors.sorted { $0.0 < $1.0 }.map(\.1))
        // Every id was handed out once: the next id is one past the number of creations.
        #expect(Set(survivors.map(\.0)).count == survivors.count)
        for (id, _) in survivors { try bus.deletePage(id) }
        let empty = bus.memoryStatistics
        #expect(empty.liveBuffers == 0)
        #expect(empty.bytesRequested == 0)
        #expect(empty.bytesReserved == 0)
        #expect(bus.pageCount == 0)
    }

    /// Batches over several pages against readers: a reader never sees part of a batch.
    @Test func batchesAreAtomicForReaders() async throws {
        let bus = StateBus()
        let pages = try (0..<4).map { _ in try bus.createPage(size: 128) }
        let operations = Self.operationsPerTask
        let torn = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for step in 1...operations {
                    var batch = WriteBatch()
                    for page in pages { batch.write(page: page, offset: 0, bytes: [UInt8](repeating: UInt8(truncatingIfNeeded: step), count: 128)) }
                    try bus.apply(batch)
                }
                return 0
            }
            group.addTask {
                for step in 1...operations {
                    let deltas = try pages.map { page in
                        try Delta(page: page, epoch: Epoch(UInt64(step)), offset: 0, bytes: [UInt8](repeating: UInt8(truncatingIfNeeded: step &* 7), count: 128))
                    }
                    // The other writer raises epochs too; a stale batch is rejected whole, which is fine.
                    _ = try? bus.apply(deltas)
                }
                return 0
            }
            for _ in 0..<2 {
                group.addTask {
                    var torn = 0
                    for _ in 0..<(operations / 2) {
                        // One listing is one consistent view: all pages are at the same epoch.
                        if Set(bus.pages().map(\.epoch)).count != 1 { torn += 1 }
                        // Each page is uniform (a batch writes whole pages).
                        for page in pages {
                            let uniform = try bus.withUnsafeBytes(of: page) { bytes in bytes.allSatisfy { $0 == bytes[0] } }
                            if !uniform { torn += 1 }
                        }
                    }
                    return torn
                }
            }
            var torn = 0
            for try await count in group { torn += count }
            return torn
        }
        #expect(torn == 0)
        let epochs = bus.pages().map(\.epoch)
        #expect(Set(epochs).count == 1)  // every batch touched every page
        let contents = try pages.map { try bus.read(page: $0) }
        #expect(Set(contents).count == 1)
    }
}
