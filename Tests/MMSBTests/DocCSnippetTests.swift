import CrashStateSupport
import Foundation
import MMSB
import Testing

/// The Swift examples of the MMSB DocC articles, compiled and run; see ``DocumentationSnippets``.
@Suite struct DocCSnippetTests {
    static let catalog = "Sources/MMSB/MMSB.docc/"

    @Test(arguments: ["GettingStarted.md", "WhatSurvivesWhat.md", "TimeTravel.md", "Propagation.md", "FileFormats.md", "MMSB.md"])
    func theArticleShowsExactlyTheseExamples(article: String) throws {
        let root = DocumentationSnippets.repositoryRoot(from: #filePath)
        let mismatch = try DocumentationSnippets.mismatch(document: Self.catalog + article, tests: [#filePath], root: root)
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    // MARK: Getting started

    @Test func pagesAndDeltas() throws {
        // snippet: Sources/MMSB/MMSB.docc/GettingStarted.md
        let bus = StateBus()
        let page = try bus.createPage(size: 16)
        try bus.write(page: page, offset: 0, bytes: Array("hello".utf8))     // epoch 1
        try bus.update(page: page, to: Array("hello, pages!!!!".utf8))       // only the bytes that differ
        let info = try bus.info(page: page)                                  // size 16, epoch 2
        let text = String(decoding: try bus.read(page: page), as: UTF8.self) // "hello, pages!!!!"
        // end snippet
        #expect(info.size == 16 && info.epoch == 2)
        #expect(text == "hello, pages!!!!")
    }

    @Test func aBatch() throws {
        // snippet: Sources/MMSB/MMSB.docc/GettingStarted.md
        let bus = StateBus()
        let a = try bus.createPage(size: 8), b = try bus.createPage(size: 8)
        var batch = WriteBatch()
        batch.write(page: a, offset: 0, bytes: [1, 2, 3])
        batch.write(page: b, offset: 4, bytes: [9])
        let receipt = try bus.apply(batch)                                   // deltas 1...2
        // end snippet
        #expect(receipt.deltas == DeltaID(1)...DeltaID(2))
        #expect(try bus.read(page: b) == [0, 0, 0, 0, 9, 0, 0, 0])
    }

    @Test func badInputChangesNothing() throws {
        var caught = false
        // snippet: Sources/MMSB/MMSB.docc/GettingStarted.md
        let bus = StateBus()
        let page = try bus.createPage(size: 4)
        do {
            try bus.write(page: page, offset: 2, bytes: [1, 2, 3])
        } catch DeltaError.outOfBounds(let failed, let end, let pageSize) {
            // failed == page, end == 5, pageSize == 4; the page is unchanged
            // snippet pause
            caught = failed == page && end == 5 && pageSize == 4
            // snippet resume
        }
        // end snippet
        #expect(caught)
        #expect(try bus.info(page: page).epoch == 0)
    }

    @Test func aStoreOnDisk() throws {
        let scratch = TemporaryDirectory()
        let directory = scratch.path
        // snippet: Sources/MMSB/MMSB.docc/GettingStarted.md
        let store = try StateBus.open(at: directory)
        let page = try store.createPage(size: 8, metadata: ["name": Array("counter".utf8)])
        try store.write(page: page, offset: 0, bytes: [42])
        try store.close()

        let reopened = try StateBus.open(at: directory)
        let value = try reopened.read(page: page)[0]                         // 42
        try reopened.close()
        // end snippet
        #expect(value == 42)
    }

    // MARK: Durability

    @Test func batchedDurability() throws {
        let scratch = TemporaryDirectory()
        let directory = scratch.path
        // snippet: Sources/MMSB/MMSB.docc/WhatSurvivesWhat.md
        let options = StoreOptions(durability: .batched(maxDelay: .milliseconds(5), maxBytes: 1 << 20))
        let store = try StateBus.open(at: directory, options: options)
        let page = try store.createPage(size: 64)
        for value: UInt8 in 1...100 { try store.write(page: page, offset: 0, bytes: [value]) }
        try store.sync()                                                     // all 100 are on disk now
        try store.close()
        // end snippet
        #expect(try StateBus.openReadOnly(at: directory).read(page: page)[0] == 100)
    }

    @Test func lookBeforeYouSalvage() throws {
        let scratch = TemporaryDirectory()
        let directory = scratch.path
        do {
            let bus = try StateBus.open(at: directory, options: StoreOptions(segmentSize: 256, checkpointOnClose: false))
            let page = try bus.createPage(size: 32)
            for value: UInt8 in 1...40 { try bus.write(page: page, offset: 0, bytes: [UInt8](repeating: value, count: 32)) }
            try bus.close()
        }
        // Damage in the first sealed segment: the default open refuses it.
        let log = directory + "/log/"
        let first = log + (try FileManager.default.contentsOfDirectory(atPath: log).sorted().first ?? "")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: first))
        bytes[bytes.count - 2] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: first))
        #expect(throws: LogError.self) { try StateBus.open(at: directory) }
        var salvaged = false
        // snippet: Sources/MMSB/MMSB.docc/WhatSurvivesWhat.md
        let plan = try StateBus.recoveryPlan(forStoreAt: directory, recovery: .salvage)
        if let dropped = plan.salvaged {
            // dropped.recordsDropped records (dropped.droppedLSNs) would be lost; decide, then:
            let store = try StateBus.open(at: directory, options: StoreOptions(recovery: .salvage))
            try store.close()
            // snippet pause
            salvaged = dropped.recordsDropped > 0
            // snippet resume
        }
        // end snippet
        #expect(salvaged)
        let reopened = try StateBus.open(at: directory)
        #expect(reopened.recoveryReport?.salvaged == nil)
        try reopened.close()
    }

    @Test func aBackup() throws {
        let scratch = TemporaryDirectory()
        let directory = scratch.path
        let backupDirectory = scratch.path + "-backup"
        defer { try? FileManager.default.removeItem(atPath: backupDirectory) }
        let bus = try StateBus.open(at: directory)
        try bus.write(page: try bus.createPage(size: 4), offset: 0, bytes: [5])
        // snippet: Sources/MMSB/MMSB.docc/WhatSurvivesWhat.md
        let report = try StateBus.backup(storeAt: directory, to: backupDirectory)    // also beside a writer
        let check = try StateBus.verify(storeAt: backupDirectory)                    // consistent at report.lsn
        // end snippet
        #expect(check.isConsistent && check.lsn == report.lsn && report.lsn == LSN(2))
        #expect(check.checkpointAndTail == (try bus.stateDigest()))
        try bus.close()
    }

    // MARK: Time travel

    @Test func viewsOfThePast() throws {
        let scratch = TemporaryDirectory()
        let directory = scratch.path
        // snippet: Sources/MMSB/MMSB.docc/TimeTravel.md
        let store = try StateBus.open(at: directory, options: StoreOptions(keepHistory: true))
        let page = try store.createPage(size: 4)                             // LSN 1
        try store.write(page: page, offset: 0, bytes: [1])                   // LSN 2
        try store.write(page: page, offset: 0, bytes: [2])                   // LSN 3
        try store.close()

        let afterTwo = try StateBus.open(at: directory, asOf: .lsn(LSN(2)))
        let then = try afterTwo.read(page: page)                             // [1, 0, 0, 0]
        let atEpochOne = try StateBus.open(at: directory, asOf: .epoch(Epoch(1)))
        // end snippet
        #expect(then == [1, 0, 0, 0])
        #expect(try atEpochOne.read(page: page) == [1, 0, 0, 0])

        // snippet: Sources/MMSB/MMSB.docc/TimeTravel.md
        var changes: [LSN] = []
        try StateBus.forEachRecord(inStoreAt: directory) { record in
            if case .deltas = record.body { changes.append(record.lsn) }
            return true
        }
        // end snippet
        #expect(changes == [LSN(2), LSN(3)])
    }

    // MARK: Propagation

    @Test func aSumOfTwoPages() throws {
        // snippet: Sources/MMSB/MMSB.docc/Propagation.md
        let bus = StateBus()
        let a = try bus.createPage(size: 4), b = try bus.createPage(size: 4), sum = try bus.createPage(size: 4)
        try bus.addEdge(from: a, to: sum)
        try bus.addEdge(from: b, to: sum)
        try bus.setRule(.function { inputs in
            (0..<4).map { i in inputs.all.reduce(0) { $0 &+ $1.bytes[i] } }
        }, for: sum)
        try bus.write(page: a, offset: 0, bytes: [1, 2, 3, 4])
        try bus.write(page: b, offset: 0, bytes: [10, 20, 30, 40])
        let total = try bus.read(page: sum)                                  // [11, 22, 33, 44]
        // end snippet
        #expect(total == [11, 22, 33, 44])
    }

    @Test func rulesAfterReopening() throws {
        let scratch = TemporaryDirectory()
        let directory = scratch.path
        // snippet: Sources/MMSB/MMSB.docc/Propagation.md
        let store = try StateBus.open(at: directory)
        let source = try store.createPage(size: 8), copy = try store.createPage(size: 8)
        try store.addEdge(from: source, to: copy)
        try store.setRule(named: "passthrough", for: copy)
        try store.close()

        let reopened = try StateBus.open(at: directory)
        let registration = try reopened.registerRules(from: .standard)       // registered: [copy]
        try reopened.write(page: source, offset: 0, bytes: [7])
        let copied = try reopened.read(page: copy)[0]                        // 7
        try reopened.close()
        // end snippet
        #expect(registration.registered == [copy])
        #expect(copied == 7)
    }
}
