import Foundation
import MMSB
import Testing

/// A fresh, empty directory under the temporary folder, removed when the test's scope ends.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mmsb-\(UUID().uuidString)").path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

@Suite struct StoreSmokeTests {
    @Test(arguments: [Durability.none, .batchedDefault, .always])
    func writesSurviveCloseAndReopen(durability: Durability) throws {
        let directory = TemporaryDirectory()
        let options = StoreOptions(durability: durability, checkpointOnClose: false)
        do {
            let bus = try StateBus.open(at: directory.path, options: options)
            #expect(bus.recoveryReport?.created == true)
            let page = try bus.createPage(size: 16, metadata: ["name": Array("smoke".utf8)])
            try bus.write(page: page, offset: 0, bytes: Array("hello".utf8))
            try bus.update(page: page, to: Array("hello, durable!!".utf8))
            var batch = WriteBatch()
            batch.write(page: page, offset: 0, bytes: [0x48])
            try bus.apply(batch)
            let other = try bus.createPage(size: 8)
            try bus.deletePage(other)
            try bus.close()
        }
        let reopened = try StateBus.open(at: directory.path, options: options)
        let report = try #require(reopened.recoveryReport)
        #expect(report.recordsReplayed == 6)
        #expect(report.tornTail == nil)
        #expect(try reopened.read(page: 1) == Array("Hello, durable!!".utf8))
        #expect(try reopened.info(page: 1).epoch == 3)
        #expect(try reopened.metadata(of: 1)["name"] == Array("smoke".utf8))
        #expect(reopened.nextDeltaID == 4)
        #expect(reopened.nextPageID == 3)
        #expect(!reopened.contains(page: 2))
        // And again: a second reopen sees the same, so recovery wrote nothing odd.
        try reopened.write(page: 1, offset: 15, bytes: [0x3F])
        try reopened.close()
        let third = try StateBus.open(at: directory.path, options: options)
        #expect(try third.read(page: 1) == Array("Hello, durable!?".utf8))
        #expect(third.recoveryReport?.recordsReplayed == 7)
    }
}
